//! Strict `application/x-www-form-urlencoded` decoding (WHATWG URL §5.1 as
//! referenced by RFC 6749 Appendix B), refusing what lenient parsers repair.
//!
//! Lenient decoders pass `%ZZ` through and replace invalid UTF-8 with U+FFFD;
//! for credentials that turns a malformed request into a different secret.
//! Here every `%` must start a valid escape and the decoded bytes must be
//! UTF-8, or decoding fails. The escape check is ours; the decoding itself is
//! `percent-encoding`'s.

use percent_encoding::percent_decode;
use std::borrow::Cow;

/// Why a form component could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FormError {
    /// A `%` not followed by two hex digits.
    BadEscape,
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

/// Splits a form body or query string into `(name, value)` pairs of raw
/// bytes. Only `&` separates pairs (`;` does not); empty pairs are skipped; a
/// pair without `=` has an empty value.
pub(crate) fn pairs(input: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    input
        .split(|&b| b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &[][..]),
        })
}

/// Decodes one form component: `+` is a space, `%XX` a byte, and the result
/// must be UTF-8. Borrows when nothing needs decoding.
pub(crate) fn decode(input: &[u8]) -> Result<Cow<'_, str>, FormError> {
    let needs_plus = input.contains(&b'+');
    let needs_percent = input.contains(&b'%');
    if !needs_plus && !needs_percent {
        return std::str::from_utf8(input)
            .map(Cow::Borrowed)
            .map_err(|_| FormError::NotUtf8);
    }
    if needs_percent && !escapes_are_valid(input) {
        return Err(FormError::BadEscape);
    }
    let spaced: Cow<'_, [u8]> = if needs_plus {
        Cow::Owned(
            input
                .iter()
                .map(|&b| if b == b'+' { b' ' } else { b })
                .collect(),
        )
    } else {
        Cow::Borrowed(input)
    };
    let decoded = percent_decode(&spaced)
        .decode_utf8()
        .map_err(|_| FormError::NotUtf8)?;
    Ok(Cow::Owned(decoded.into_owned()))
}

/// Whether the decoded form of the name `raw` is `expected`, without
/// allocating for plain names.
pub(crate) fn name_is(raw: &[u8], expected: &str) -> bool {
    if raw == expected.as_bytes() {
        return true;
    }
    (raw.contains(&b'%') || raw.contains(&b'+')) && decode(raw).is_ok_and(|name| name == expected)
}

/// Whether every `%` in `input` is followed by two hex digits.
fn escapes_are_valid(input: &[u8]) -> bool {
    let mut rest = input;
    while let Some(at) = rest.iter().position(|&b| b == b'%') {
        match rest.get(at + 1..at + 3) {
            Some([hi, lo]) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {
                rest = &rest[at + 3..];
            }
            _ => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_is_a_space_and_escapes_decode() {
        assert_eq!(decode(b"a%2Bb+c").unwrap(), "a+b c");
        assert_eq!(decode(b"pa%3Ass").unwrap(), "pa:ss");
        assert_eq!(decode(b"100%25real").unwrap(), "100%real");
        assert_eq!(decode(b"%C3%A9t%C3%A9").unwrap(), "été");
        assert_eq!(decode("été".as_bytes()).unwrap(), "été");
    }

    #[test]
    fn plain_values_are_borrowed() {
        assert!(matches!(decode(b"abc"), Ok(Cow::Borrowed("abc"))));
    }

    #[test]
    fn bad_escapes_are_refused() {
        for bad in [&b"%ZZ"[..], b"%", b"%4", b"abc%g0", b"100%real"] {
            assert_eq!(decode(bad), Err(FormError::BadEscape), "{bad:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_refused_never_replaced() {
        assert_eq!(decode(b"%FF"), Err(FormError::NotUtf8));
        assert_eq!(decode(b"a\xffb"), Err(FormError::NotUtf8));
        assert_eq!(decode(b"a+\xff"), Err(FormError::NotUtf8));
    }

    #[test]
    fn pairs_split_on_ampersand_only() {
        let got: Vec<_> = pairs(b"a=1;b=2&&c&d=").collect();
        assert_eq!(
            got,
            vec![
                (&b"a"[..], &b"1;b=2"[..]),
                (&b"c"[..], &b""[..]),
                (&b"d"[..], &b""[..])
            ]
        );
    }

    #[test]
    fn encoded_names_match() {
        assert!(name_is(b"token", "token"));
        assert!(name_is(b"t%6Fken", "token"));
        assert!(!name_is(b"tokens", "token"));
        assert!(!name_is(b"t%ZZken", "token"));
    }
}
