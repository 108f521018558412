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

use crate::ErrorResponse;

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
        self.error_response().into_response()
    }
}
