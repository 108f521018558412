//! Rejections of a Bearer-protected resource request (RFC 6750 §3).

use crate::response::BearerChallenge;
use crate::{ErrorResponse, Realm};
use http::header::WWW_AUTHENTICATE;

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidToken]
    #[description = "a bearer token is required"]
    /// No `Authorization: Bearer` header. The challenge has no `error`
    /// attribute (RFC 6750 §3.1).
    pub struct MissingBearerToken;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidToken]
    #[description = "the bearer token is malformed, expired or revoked"]
    /// A Bearer token that is malformed (RFC 6750 §2.1) or that the store
    /// does not hold as an active access token.
    pub struct InvalidBearerToken;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "more than one authorization header"]
    /// Two or more `Authorization` headers (RFC 6750 §3.1 `invalid_request`).
    pub struct MultipleAuthorizationHeaders;
}

composite_rejection! {
    /// What went wrong with a Bearer token.
    pub enum BearerError {
        /// See [`MissingBearerToken`].
        MissingBearerToken,
        /// See [`InvalidBearerToken`].
        InvalidBearerToken,
        /// See [`MultipleAuthorizationHeaders`].
        MultipleAuthorizationHeaders,
    }
}

/// A Bearer failure, ready to render with its `WWW-Authenticate: Bearer`
/// challenge (RFC 6750 §3): `error="invalid_token"` when a token was
/// presented, no `error` attribute when none was, `error="invalid_request"`
/// for several `Authorization` headers.
#[derive(Debug, Clone)]
pub struct BearerRejection {
    error: BearerError,
    realm: Realm,
}

impl BearerRejection {
    /// A rejection for `error`, challenging in `realm`.
    pub fn new(error: impl Into<BearerError>, realm: Realm) -> Self {
        Self {
            error: error.into(),
            realm,
        }
    }

    /// What went wrong.
    pub fn error(&self) -> BearerError {
        self.error
    }

    /// The error response for this rejection.
    pub fn error_response(&self) -> ErrorResponse {
        let challenge = match self.error {
            BearerError::MissingBearerToken(_) => BearerChallenge::NoToken,
            BearerError::InvalidBearerToken(_) => BearerChallenge::InvalidToken,
            BearerError::MultipleAuthorizationHeaders(_) => BearerChallenge::InvalidRequest,
        };
        ErrorResponse::new(self.error.status(), self.error.error_code())
            .description(self.error.description())
            .header(WWW_AUTHENTICATE, self.realm.bearer(challenge))
    }

    /// Renders the response, logging the rejection once (at DEBUG, target
    /// `tower_revoke::rejection`, with fixed texts only).
    pub fn into_http(self) -> http::Response<http_body_util::Full<bytes::Bytes>> {
        super::render("BearerRejection", self.error_response())
    }
}

impl std::fmt::Display for BearerRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for BearerRejection {}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for BearerRejection {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http().map(axum_core::body::Body::new)
    }
}
