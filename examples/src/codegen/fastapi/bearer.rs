//! FastAPI's `HTTPBearer`: the Bearer token extractor and its 401 refusals.

use super::response::{json_response, to_json};
use bytes::Bytes;
use http::header::{HeaderMap, HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use http_body_util::Full;
use serde::Serialize;
use std::fmt;
use tower_revoke::request::BearerToken;

/// FastAPI's `HTTPBearer` refusal of a request without usable Bearer
/// credentials: 401, `WWW-Authenticate: Bearer`, `Content-Type:
/// application/json` and the body `{"detail":"Not authenticated"}`.
///
/// Sent when there is no `Authorization` header, its scheme is not
/// `Bearer` (compared without regard to case), or nothing follows the
/// scheme and a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NotAuthenticated;

impl NotAuthenticated {
    /// The HTTP status: 401 Unauthorized.
    pub const fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// The `detail` member: `Not authenticated`.
    pub const fn detail(&self) -> &'static str {
        "Not authenticated"
    }

    /// Renders the response with a [`Full`] body.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        bearer_challenge(self.status(), self.detail())
    }
}

/// The refusal of Bearer credentials that are present but not acceptable:
/// 401, `WWW-Authenticate: Bearer`, `Content-Type: application/json` and
/// the body `{"detail":"Invalid authentication credentials"}` (FastAPI's
/// wording for credentials it cannot use).
///
/// Sent by [`HttpBearer`] for a token that is not an RFC 6750 `b64token`
/// or for several `Authorization` headers; send it yourself for a token
/// that is unknown, expired or revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct InvalidAuthenticationCredentials;

impl InvalidAuthenticationCredentials {
    /// The HTTP status: 401 Unauthorized.
    pub const fn status(&self) -> StatusCode {
        StatusCode::UNAUTHORIZED
    }

    /// The `detail` member: `Invalid authentication credentials`.
    pub const fn detail(&self) -> &'static str {
        "Invalid authentication credentials"
    }

    /// Renders the response with a [`Full`] body.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        bearer_challenge(self.status(), self.detail())
    }
}

/// Why [`HttpBearer`] refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpBearerRejection {
    /// See [`NotAuthenticated`].
    NotAuthenticated(NotAuthenticated),
    /// See [`InvalidAuthenticationCredentials`].
    InvalidAuthenticationCredentials(InvalidAuthenticationCredentials),
}

impl HttpBearerRejection {
    /// The HTTP status: 401 Unauthorized.
    pub const fn status(&self) -> StatusCode {
        match self {
            Self::NotAuthenticated(r) => r.status(),
            Self::InvalidAuthenticationCredentials(r) => r.status(),
        }
    }

    /// The `detail` member.
    pub const fn detail(&self) -> &'static str {
        match self {
            Self::NotAuthenticated(r) => r.detail(),
            Self::InvalidAuthenticationCredentials(r) => r.detail(),
        }
    }

    /// Renders the response with a [`Full`] body.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        bearer_challenge(self.status(), self.detail())
    }
}

impl From<NotAuthenticated> for HttpBearerRejection {
    fn from(rejection: NotAuthenticated) -> Self {
        Self::NotAuthenticated(rejection)
    }
}

impl From<InvalidAuthenticationCredentials> for HttpBearerRejection {
    fn from(rejection: InvalidAuthenticationCredentials) -> Self {
        Self::InvalidAuthenticationCredentials(rejection)
    }
}

macro_rules! detail_display_and_response {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.detail())
            }
        }

        impl std::error::Error for $name {}

        impl axum::response::IntoResponse for $name {
            fn into_response(self) -> axum::response::Response {
                self.into_http().map(axum::body::Body::new)
            }
        }
    )+};
}

detail_display_and_response!(
    NotAuthenticated,
    InvalidAuthenticationCredentials,
    HttpBearerRejection
);

/// A Bearer token read as FastAPI's `HTTPBearer` dependency reads it, and
/// refused as it refuses it: [`NotAuthenticated`] for no `Authorization`
/// header, another scheme, or nothing after `Bearer `.
///
/// Stricter than FastAPI in two cases, both
/// [`InvalidAuthenticationCredentials`] here: a token that is not an
/// RFC 6750 §2.1 `b64token` (FastAPI hands any text to the application,
/// which would then not find it), and several `Authorization` headers
/// (Starlette would use one of them).
///
/// With the `axum` feature, `HttpBearer` is an extractor; its rejection
/// renders FastAPI's 401.
///
/// # Example
/// ```
/// use http::{header::AUTHORIZATION, HeaderMap};
/// use tower_revoke_examples::codegen::fastapi::{HttpBearer, HttpBearerRejection, NotAuthenticated};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(
///     HttpBearer::from_headers(&headers).unwrap_err(),
///     HttpBearerRejection::from(NotAuthenticated)
/// );
/// headers.insert(AUTHORIZATION, "Bearer mF_9.B5f-4.1JqM".parse().unwrap());
/// let HttpBearer(token) = HttpBearer::from_headers(&headers).unwrap();
/// assert_eq!(token.token().secret(), "mF_9.B5f-4.1JqM");
/// ```
#[derive(Debug, Clone)]
pub struct HttpBearer(pub BearerToken);

impl HttpBearer {
    /// Reads the Bearer token from the `Authorization` header.
    ///
    /// # Errors
    /// [`NotAuthenticated`] or [`InvalidAuthenticationCredentials`], as
    /// described on the type.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, HttpBearerRejection> {
        let mut values = headers.get_all(AUTHORIZATION).iter();
        let value = values.next().ok_or(NotAuthenticated)?;
        if values.next().is_some() {
            return Err(InvalidAuthenticationCredentials.into());
        }
        let token = bearer_credentials(value.as_bytes()).ok_or(NotAuthenticated)?;
        BearerToken::parse(token)
            .map(Self)
            .ok_or_else(|| InvalidAuthenticationCredentials.into())
    }
}

/// The credentials after `Bearer` (any case) and one or more spaces; `None`
/// for another scheme, nothing after the scheme, or a tab before the
/// credentials.
fn bearer_credentials(value: &[u8]) -> Option<&[u8]> {
    let end = value.iter().position(|&b| b == b' ' || b == b'\t')?;
    let (scheme, rest) = value.split_at(end);
    let credentials = rest.trim_ascii_start();
    let separator = &rest[..rest.len() - credentials.len()];
    let spaces_only = separator.iter().all(|&b| b == b' ');
    let found = scheme.eq_ignore_ascii_case(b"Bearer") && spaces_only && !credentials.is_empty();
    found.then_some(credentials)
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for HttpBearer {
    type Rejection = HttpBearerRejection;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        _state: &S,
    ) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
    }
}

/// `{"detail":"<detail>"}` with `WWW-Authenticate: Bearer`.
fn bearer_challenge(status: StatusCode, detail: &'static str) -> Response<Full<Bytes>> {
    #[derive(Serialize)]
    struct Body {
        detail: &'static str,
    }
    let mut response = json_response(status, to_json(&Body { detail }));
    response
        .headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::CONTENT_TYPE;

    #[test]
    fn not_authenticated_is_fastapi_http_bearer_401() {
        let response = NotAuthenticated.into_http();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()[WWW_AUTHENTICATE], "Bearer");
        assert_eq!(response.headers()[CONTENT_TYPE], "application/json");
        let body = HttpBearerRejection::from(NotAuthenticated);
        assert_eq!(body.detail(), "Not authenticated");
        let invalid = InvalidAuthenticationCredentials.into_http();
        assert_eq!(invalid.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(invalid.headers()[WWW_AUTHENTICATE], "Bearer");
    }

    #[test]
    fn http_bearer_refuses_as_fastapi() {
        let read = |values: &[&[u8]]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(AUTHORIZATION, HeaderValue::from_bytes(value).unwrap());
            }
            HttpBearer::from_headers(&headers).map(|HttpBearer(t)| t.token().secret().to_owned())
        };
        let not_authenticated = Err(HttpBearerRejection::from(NotAuthenticated));
        let invalid = Err(HttpBearerRejection::from(InvalidAuthenticationCredentials));
        assert_eq!(read(&[]), not_authenticated);
        assert_eq!(read(&[b"Basic YTpi"]), not_authenticated);
        assert_eq!(read(&[b"Bearer"]), not_authenticated);
        assert_eq!(read(&[b"Bearer   "]), not_authenticated);
        assert_eq!(read(&[b"Bearer\tabc"]), not_authenticated);
        assert_eq!(read(&[b"Bearerabc"]), not_authenticated);
        assert_eq!(read(&[b"Bearer a b"]), invalid);
        assert_eq!(read(&[b"Bearer \xff"]), invalid);
        assert_eq!(read(&[b"Bearer a", b"Bearer a"]), invalid);
        assert_eq!(read(&[b"bEARER abc"]), Ok("abc".to_owned()));
    }
}
