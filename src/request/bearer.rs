//! Bearer tokens in the `Authorization` header (RFC 6750 §2.1).

use super::scheme::{self, Scheme};
use super::token::Token;
use crate::rejection::{
    BearerError, MalformedBearerToken, MissingBearerToken, MultipleAuthorizationHeaders,
};
use http::header::{HeaderMap, AUTHORIZATION};
use std::fmt;

/// A Bearer access token from `Authorization: Bearer <b64token>`
/// (RFC 6750 §2.1).
///
/// `b64token` is `1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`.
/// `Debug` is redacted.
///
/// # Example
/// ```
/// use http::{header::AUTHORIZATION, HeaderMap};
/// use tower_revoke::request::BearerToken;
///
/// let mut headers = HeaderMap::new();
/// headers.insert(AUTHORIZATION, "Bearer mF_9.B5f-4.1JqM".parse().unwrap());
/// let token = BearerToken::from_headers(&headers).unwrap();
/// assert_eq!(token.token().secret(), "mF_9.B5f-4.1JqM");
/// ```
#[derive(Clone)]
pub struct BearerToken(Token);

impl BearerToken {
    /// Reads the Bearer token from the `Authorization` header.
    ///
    /// # Errors
    /// [`MissingBearerToken`] when there is no `Authorization` header or it
    /// uses another scheme; [`MultipleAuthorizationHeaders`] when there are
    /// several; [`MalformedBearerToken`] when the scheme is `Bearer` but
    /// what follows is not one or more spaces and a `b64token`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, BearerError> {
        let token = presented(headers)?;
        Ok(Self(Token::new(token).ok_or(MalformedBearerToken)?))
    }

    /// Checks `b64token` syntax (RFC 6750 §2.1) and wraps the token.
    pub fn parse(b64token: &[u8]) -> Option<Self> {
        b64token_str(b64token).and_then(Token::new).map(Self)
    }

    /// The token.
    pub fn token(&self) -> &Token {
        &self.0
    }

    /// Unwraps the token.
    pub fn into_token(self) -> Token {
        self.0
    }
}

/// The token of the request's one `Authorization: Bearer` header, borrowed
/// from the header (no allocation); the errors of
/// [`BearerToken::from_headers`].
pub(crate) fn presented(headers: &HeaderMap) -> Result<&str, BearerError> {
    let mut values = headers.get_all(AUTHORIZATION).iter();
    let value = values.next().ok_or(MissingBearerToken)?;
    if values.next().is_some() {
        return Err(MultipleAuthorizationHeaders.into());
    }
    match scheme::split(value.as_bytes(), "Bearer") {
        Scheme::Matches(token) => b64token_str(token).ok_or_else(|| MalformedBearerToken.into()),
        Scheme::Malformed => Err(MalformedBearerToken.into()),
        Scheme::Other => Err(MissingBearerToken.into()),
    }
}

/// `b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`
/// (RFC 6750 §2.1), as text: one pass over the bytes with a table.
fn b64token_str(b64token: &[u8]) -> Option<&str> {
    let body = b64token
        .iter()
        .take_while(|&&b| B64TOKEN[usize::from(b)])
        .count();
    let padding = b64token[body..].iter().all(|&b| b == b'=');
    // Every accepted byte is ASCII, so this cannot fail.
    (body > 0 && padding).then(|| std::str::from_utf8(b64token).ok())?
}

/// Which bytes a `b64token` body may hold.
const B64TOKEN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/');
        byte += 1;
    }
    table
};

impl fmt::Debug for BearerToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("BearerToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for v in values {
            map.append(
                AUTHORIZATION,
                http::HeaderValue::from_bytes(v.as_bytes()).unwrap(),
            );
        }
        map
    }

    #[test]
    fn rfc6750_example_parses() {
        let t = BearerToken::from_headers(&headers(&["Bearer mF_9.B5f-4.1JqM"])).unwrap();
        assert_eq!(t.token().secret(), "mF_9.B5f-4.1JqM");
        let t = BearerToken::from_headers(&headers(&["bearer  abc+/=="])).unwrap();
        assert_eq!(t.token().secret(), "abc+/==");
        assert_eq!(format!("{t:?}"), "BearerToken(<redacted>)");
    }

    #[test]
    fn malformed_tokens_are_malformed() {
        for v in [
            "Bearer",
            "Bearer ",
            "Bearer a b",
            "Bearer =abc",
            "Bearer a=b",
            "Bearer\tabc",
            "Bearer ä",
        ] {
            let err = BearerToken::from_headers(&headers(&[v])).unwrap_err();
            assert_eq!(err, MalformedBearerToken.into(), "{v}");
        }
    }

    #[test]
    fn absent_or_other_scheme_is_missing() {
        assert_eq!(
            BearerToken::from_headers(&headers(&[])).unwrap_err(),
            MissingBearerToken.into()
        );
        assert_eq!(
            BearerToken::from_headers(&headers(&["Basic YTpi"])).unwrap_err(),
            MissingBearerToken.into()
        );
    }

    #[test]
    fn two_authorization_headers_are_invalid_request() {
        let err = BearerToken::from_headers(&headers(&["Bearer a", "Bearer b"])).unwrap_err();
        assert_eq!(err, MultipleAuthorizationHeaders.into());
    }
}
