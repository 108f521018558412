//! Splitting an `Authorization` value into scheme and credentials
//! (RFC 9110 §11.4: `credentials = auth-scheme [ 1*SP ( token68 / ... ) ]`).

/// How an `Authorization` value relates to the scheme we want.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scheme<'a> {
    /// The value uses the wanted scheme, followed by one or more spaces and
    /// these non-empty credentials.
    Matches(&'a [u8]),
    /// The wanted scheme, but nothing after it, or a separator that is not
    /// a space (a tab).
    Malformed,
    /// Another scheme.
    Other,
}

/// Classifies `value` against `scheme`, compared without regard to ASCII
/// case (RFC 9110 §11.1).
pub(crate) fn split<'a>(value: &'a [u8], scheme: &str) -> Scheme<'a> {
    let end = value
        .iter()
        .position(|&b| b == b' ' || b == b'\t')
        .unwrap_or(value.len());
    if !value[..end].eq_ignore_ascii_case(scheme.as_bytes()) {
        return Scheme::Other;
    }
    let rest = &value[end..];
    let credentials = rest.trim_ascii_start();
    let separator_is_spaces = rest[..rest.len() - credentials.len()]
        .iter()
        .all(|&b| b == b' ');
    if credentials.is_empty() || rest.len() == credentials.len() || !separator_is_spaces {
        Scheme::Malformed
    } else {
        Scheme::Matches(credentials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_is_case_insensitive_and_needs_spaces() {
        assert_eq!(split(b"Basic abc", "Basic"), Scheme::Matches(b"abc"));
        assert_eq!(split(b"bAsIc   abc", "Basic"), Scheme::Matches(b"abc"));
        assert_eq!(split(b"Basic\tabc", "Basic"), Scheme::Malformed);
        assert_eq!(split(b"Basic \tabc", "Basic"), Scheme::Malformed);
        assert_eq!(split(b"Basic", "Basic"), Scheme::Malformed);
        assert_eq!(split(b"Basic   ", "Basic"), Scheme::Malformed);
        assert_eq!(split(b"Bearer abc", "Basic"), Scheme::Other);
        assert_eq!(split(b"Basicabc", "Basic"), Scheme::Other);
        assert_eq!(split(b"", "Basic"), Scheme::Other);
    }
}
