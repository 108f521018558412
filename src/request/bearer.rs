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
/// use tower_revoke::BearerToken;
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
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let value = values.next().ok_or(MissingBearerToken)?;
        if values.next().is_some() {
            return Err(MultipleAuthorizationHeaders.into());
        }
        match scheme::split(value.as_bytes(), "Bearer") {
            Scheme::Matches(token) => Self::parse(token).ok_or_else(|| MalformedBearerToken.into()),
            Scheme::Malformed => Err(MalformedBearerToken.into()),
            Scheme::Other => Err(MissingBearerToken.into()),
        }
    }

    /// Checks `b64token` syntax (RFC 6750 §2.1) and wraps the token.
    pub fn parse(b64token: &[u8]) -> Option<Self> {
        let body_len = b64token
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-._~+/".contains(b)))
            .unwrap_or(b64token.len());
        let valid = body_len > 0 && b64token[body_len..].iter().all(|&b| b == b'=');
        let text = std::str::from_utf8(b64token).ok().filter(|_| valid)?;
        Token::new(text).map(Self)
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
