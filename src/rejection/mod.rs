//! Typed rejections. Each failure is a small leaf type; leaves are grouped in
//! `#[non_exhaustive]` enums; each renders as an RFC 6749 §5.2 JSON error
//! through [`ErrorResponse`].

#[macro_use]
mod macros;
mod bearer;
mod client;
mod request;

pub use bearer::*;
pub use client::*;
pub use request::*;

use crate::response::{ErrorResponse, Realm};
use bytes::Bytes;
use http::Response;
use http_body_util::Full;

/// Renders a rejection, logging it once at DEBUG (target
/// `tower_revoke::rejection`), as axum-core's rejections log themselves
/// where they become a response. The fields are fixed texts: nothing the
/// request held.
pub(crate) fn render(rejection: &'static str, response: ErrorResponse) -> Response<Full<Bytes>> {
    tracing::debug!(
        target: "tower_revoke::rejection",
        rejection,
        status = response.status().as_u16(),
        error = response.code().as_str(),
        description = response.error_description(),
        "request rejected"
    );
    response.into_http()
}

/// Renders a 401 with only its challenge and the cache headers, no content
/// (RFC 6750 §3.1, for a request without credentials), logged as
/// [`render`] logs.
pub(crate) fn render_challenge(
    status: http::StatusCode,
    challenge: http::HeaderValue,
) -> Response<Full<Bytes>> {
    tracing::debug!(
        target: "tower_revoke::rejection",
        rejection = "BearerRejection",
        status = status.as_u16(),
        "request rejected without credentials"
    );
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(http::header::WWW_AUTHENTICATE, challenge);
    crate::response::no_store(headers);
    response
}

/// Any failure of a revocation request before the store is consulted: of the
/// request itself or of client authentication.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RevocationRejection {
    /// The request was malformed.
    Request(RequestRejection),
    /// Client authentication failed.
    ClientAuth(ClientAuthRejection),
}

impl RevocationRejection {
    /// The HTTP status this rejection renders with.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Request(r) => r.status(),
            Self::ClientAuth(r) => r.status(),
        }
    }

    /// The error response for this rejection.
    pub fn error_response(&self) -> ErrorResponse {
        match self {
            Self::Request(r) => r.error_response(),
            Self::ClientAuth(r) => r.error_response(),
        }
    }

    /// The realm of a client authentication challenge
    /// ([`ClientAuthRejection::realm`]); a malformed request has none.
    #[must_use]
    pub fn realm(self, realm: &Realm) -> Self {
        match self {
            Self::ClientAuth(r) => Self::ClientAuth(r.realm(realm)),
            request => request,
        }
    }

    /// Renders the response, logging the rejection once.
    pub fn into_http(self) -> Response<Full<Bytes>> {
        match self {
            Self::Request(r) => r.into_http(),
            Self::ClientAuth(r) => r.into_http(),
        }
    }
}

impl<T: Into<RequestRejection>> From<T> for RevocationRejection {
    fn from(rejection: T) -> Self {
        Self::Request(rejection.into())
    }
}

impl From<ClientAuthRejection> for RevocationRejection {
    fn from(rejection: ClientAuthRejection) -> Self {
        Self::ClientAuth(rejection)
    }
}

impl std::fmt::Display for RevocationRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Request(r) => r.fmt(f),
            Self::ClientAuth(r) => r.fmt(f),
        }
    }
}

impl std::error::Error for RevocationRejection {}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for RevocationRejection {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http().map(axum_core::body::Body::new)
    }
}
