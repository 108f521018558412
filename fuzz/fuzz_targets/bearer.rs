//! Bearer tokens (RFC 6750 §2.1): `BearerToken::parse` and
//! `BearerToken::from_headers`.
//!
//! Invariants: no panic; `parse` accepts exactly the `b64token` grammar
//! `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="` (checked
//! against an independent matcher) and returns the input unchanged;
//! `from_headers` agrees with `parse` after `Bearer` and one or more spaces
//! (anything else after `Bearer` is `MalformedBearerToken`, RFC 6750 §3.1),
//! and refuses two `Authorization` headers.

#![no_main]

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use tower_revoke::rejection::BearerError;
use tower_revoke::request::BearerToken;

/// The RFC 6750 §2.1 `b64token` grammar, written independently.
fn is_b64token(input: &[u8]) -> bool {
    let body =
        |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
    let mut i = 0;
    while i < input.len() && body(&input[i]) {
        i += 1;
    }
    i > 0 && input[i..].iter().all(|&b| b == b'=')
}

fn headers(values: &[HeaderValue]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for value in values {
        map.append(AUTHORIZATION, value.clone());
    }
    map
}

fuzz_target!(|data: &[u8]| {
    let parsed = BearerToken::parse(data);
    assert_eq!(parsed.is_some(), is_b64token(data), "b64token grammar");
    if let Some(token) = &parsed {
        assert_eq!(token.token().secret().as_bytes(), data);
        assert_eq!(format!("{token:?}"), "BearerToken(<redacted>)");
    }

    // `Bearer` followed by the input: one or more spaces, then the token.
    let mut value = b"Bearer ".to_vec();
    value.extend_from_slice(data);
    if let Ok(value) = HeaderValue::from_bytes(&value) {
        let got = BearerToken::from_headers(&headers(std::slice::from_ref(&value)));
        let rest = &data[data.len() - data.trim_ascii_start().len()..];
        let separator_is_spaces = data[..data.len() - rest.len()].iter().all(|&b| b == b' ');
        let expected = if separator_is_spaces {
            BearerToken::parse(rest)
        } else {
            None
        };
        match (&got, &expected) {
            (Ok(got), Some(expected)) => {
                assert_eq!(got.token().secret(), expected.token().secret())
            }
            (Err(BearerError::MalformedBearerToken(_)), None) => {}
            _ => panic!("from_headers {got:?} but parse {expected:?}"),
        }
        let two = BearerToken::from_headers(&headers(&[value.clone(), value]));
        assert!(matches!(
            two,
            Err(BearerError::MultipleAuthorizationHeaders(_))
        ));
    }

    // The input as a whole header value: any outcome but a panic; a token
    // read from it is a b64token.
    if let Ok(value) = HeaderValue::from_bytes(data) {
        if let Ok(token) = BearerToken::from_headers(&headers(&[value])) {
            assert!(is_b64token(token.token().secret().as_bytes()));
        }
    }
});
