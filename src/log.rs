//! Logging attacker-controlled text in bounded size.

use std::fmt;

/// How many bytes of a value a log line shows at most.
const SHOWN: usize = 64;

/// Displays at most the first 64 bytes of a value (cut at a character
/// boundary), then `…(N bytes)` with its full length, so that the log bytes
/// per request are bounded whatever the request holds.
pub(crate) struct Bounded<'a>(pub(crate) &'a str);

impl fmt::Display for Bounded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = self.0;
        if value.len() <= SHOWN {
            return f.write_str(value);
        }
        let cut = (0..=SHOWN)
            .rev()
            .find(|&at| value.is_char_boundary(at))
            .unwrap_or(0);
        write!(f, "{}…({} bytes)", &value[..cut], value.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_values_are_shown_whole_and_long_ones_cut() {
        assert_eq!(Bounded("app1").to_string(), "app1");
        let long = "x".repeat(16 * 1024);
        assert_eq!(
            Bounded(&long).to_string(),
            format!("{}…(16384 bytes)", "x".repeat(64))
        );
        let wide = "é".repeat(40); // 80 bytes, 2 per character
        assert_eq!(
            Bounded(&wide).to_string(),
            format!("{}…(80 bytes)", "é".repeat(32))
        );
    }
}
