//! RFC 6749 §5.2 error responses: the error codes and their JSON rendering.

use bytes::Bytes;
use http::header::{self, HeaderMap, HeaderValue};
use http::{Response, StatusCode};
use http_body_util::Full;
use std::fmt;

/// An OAuth 2.0 error code, the `error` member of an error response.
///
/// The codes come from RFC 6749 §5.2 (token endpoint errors, which RFC 7009
/// §2.2.1 reuses), RFC 7009 §2.2.1 (`unsupported_token_type`), RFC 6749
/// §4.1.2.1 (`temporarily_unavailable`) and RFC 6750 §3.1 (`invalid_token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`: a parameter is missing, repeated or malformed, or
    /// more than one client authentication method was used (RFC 6749 §5.2).
    InvalidRequest,
    /// `invalid_client`: client authentication failed (RFC 6749 §5.2).
    InvalidClient,
    /// `invalid_grant`: the token was issued to another client, or a
    /// refresh token is invalid, expired, revoked or reused (RFC 6749 §5.2).
    InvalidGrant,
    /// `unauthorized_client`: the authenticated client may not use this
    /// grant type, for example a public client asking for
    /// `client_credentials` (RFC 6749 §5.2, §4.4).
    UnauthorizedClient,
    /// `unsupported_grant_type`: the token endpoint does not support this
    /// `grant_type` (RFC 6749 §5.2).
    UnsupportedGrantType,
    /// `invalid_scope`: the requested scope is invalid, unknown, malformed,
    /// or exceeds the scope granted by the resource owner (RFC 6749 §5.2).
    InvalidScope,
    /// `unsupported_token_type`: the server cannot revoke this type of token
    /// (RFC 7009 §2.2.1).
    UnsupportedTokenType,
    /// `temporarily_unavailable`: the token store failed; retry later
    /// (RFC 6749 §4.1.2.1, as used by RFC 7009 §2.2.1 for 503).
    TemporarilyUnavailable,
    /// `invalid_token`: a Bearer token is expired, revoked or malformed
    /// (RFC 6750 §3.1).
    InvalidToken,
}

impl ErrorCode {
    /// The code as it appears on the wire, for example `"invalid_request"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::TemporarilyUnavailable => "temporarily_unavailable",
            Self::InvalidToken => "invalid_token",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An RFC 6749 §5.2 error response, ready to render.
///
/// Renders as `Content-Type: application/json`, `Cache-Control: no-store`,
/// `Pragma: no-cache` and a body `{"error":"<code>","error_description":"<text>"}`
/// (the description member only when one is set). The description is a
/// `&'static str`, so it can never carry a submitted token, client id or secret.
///
/// # Example
/// ```
/// use http::StatusCode;
/// use tower_revoke::response::{ErrorCode, ErrorResponse};
///
/// let response = ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
///     .description("token is missing")
///     .into_http();
/// assert_eq!(response.status(), 400);
/// assert_eq!(response.headers()["cache-control"], "no-store");
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ErrorResponse {
    status: StatusCode,
    code: ErrorCode,
    description: Option<&'static str>,
    headers: HeaderMap,
}

impl ErrorResponse {
    /// An error response with this status and code, no description and no
    /// extra headers.
    pub fn new(status: StatusCode, code: ErrorCode) -> Self {
        Self {
            status,
            code,
            description: None,
            headers: HeaderMap::new(),
        }
    }

    /// Sets `error_description`: short, ASCII, human-readable (RFC 6749 §5.2).
    pub fn description(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }

    /// Adds a response header, such as `WWW-Authenticate`, `Allow` or
    /// `Retry-After`.
    pub fn header(mut self, name: header::HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The `error` code.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// The `error_description`, if any.
    pub fn error_description(&self) -> Option<&'static str> {
        self.description
    }

    /// The JSON body bytes.
    pub fn body(&self) -> Bytes {
        #[derive(serde::Serialize)]
        struct Body {
            error: &'static str,
            #[serde(skip_serializing_if = "Option::is_none")]
            error_description: Option<&'static str>,
        }
        let body = Body {
            error: self.code.as_str(),
            error_description: self.description,
        };
        // Serializing two string fields into a Vec cannot fail.
        Bytes::from(serde_json::to_vec(&body).unwrap_or_default())
    }

    /// Renders the response with a [`Full`] body.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        let body = self.body();
        let mut response = json_response(self.status, body);
        response.headers_mut().extend(self.headers);
        response
    }
}

/// A `Response` with a JSON body and the RFC 6749 §5.1 cache headers
/// (`Cache-Control: no-store`, `Pragma: no-cache`).
pub(crate) fn json_response(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    no_store(headers);
    response
}

/// Adds `Cache-Control: no-store` and `Pragma: no-cache` (RFC 6749 §5.1,
/// required on every revocation endpoint response by this crate).
pub(crate) fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

/// A `Retry-After` value in whole seconds, a fraction rounded up
/// (RFC 9110 §10.2.3).
pub(crate) fn retry_after_value(delay: std::time::Duration) -> HeaderValue {
    HeaderValue::from(delay.as_secs() + u64::from(delay.subsec_nanos() > 0))
}

/// 503 `temporarily_unavailable` with `Retry-After` (RFC 7009 §2.2.1,
/// RFC 9110 §10.2.3), logging the store's error (whose `Display` must not
/// hold secrets, as [`StoreError`](crate::StoreError)
/// requires).
pub(crate) fn store_unavailable(
    retry_after: &HeaderValue,
    error: &dyn std::error::Error,
) -> Response<Full<Bytes>> {
    tracing::error!(%error, "token store failed");
    ErrorResponse::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::TemporarilyUnavailable,
    )
    .description("the token store is unavailable, retry later")
    .header(header::RETRY_AFTER, retry_after.clone())
    .into_http()
}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for ErrorResponse {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http().map(axum_core::body::Body::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_error_and_description() {
        let response = ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest)
            .description("token is missing");
        assert_eq!(
            &response.body()[..],
            br#"{"error":"invalid_request","error_description":"token is missing"}"#
        );
    }

    #[test]
    fn body_without_description_omits_the_member() {
        let response = ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidGrant);
        assert_eq!(&response.body()[..], br#"{"error":"invalid_grant"}"#);
    }

    #[test]
    fn rendering_sets_json_and_cache_headers() {
        let response = ErrorResponse::new(StatusCode::UNAUTHORIZED, ErrorCode::InvalidClient)
            .header(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"x\""),
            )
            .into_http();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let h = response.headers();
        assert_eq!(h[header::CONTENT_TYPE], "application/json");
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert_eq!(h[header::PRAGMA], "no-cache");
        assert_eq!(h[header::WWW_AUTHENTICATE], "Basic realm=\"x\"");
    }
}
