//! Rejections of a Bearer-protected resource request (RFC 6750 §3).

use crate::response::BearerChallenge;
use crate::response::{ErrorResponse, Realm};
use http::header::WWW_AUTHENTICATE;

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidToken]
    #[description = "a bearer token is required"]
    /// No `Authorization: Bearer` header (none, or another scheme). Renders
    /// a 401 with the challenge and no content: RFC 6750 §3.1 says such a
    /// response "SHOULD NOT include an error code or other error
    /// information", in the challenge or the body.
    pub struct MissingBearerToken;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "the bearer token is malformed"]
    /// An `Authorization: Bearer` value that is not `Bearer`, one or more
    /// spaces and a `b64token` (RFC 6750 §2.1): nothing after the scheme, a
    /// tab, a space inside the token, a character outside the grammar. A
    /// malformed request, so 400 `invalid_request` (RFC 6750 §3.1).
    pub struct MalformedBearerToken;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidToken]
    #[description = "the bearer token is unknown, expired or revoked"]
    /// A well-formed Bearer token that the store does not hold as an active
    /// access token (RFC 6750 §3.1 `invalid_token`).
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
        /// See [`MalformedBearerToken`].
        MalformedBearerToken,
        /// See [`InvalidBearerToken`].
        InvalidBearerToken,
        /// See [`MultipleAuthorizationHeaders`].
        MultipleAuthorizationHeaders,
    }
}

/// A Bearer failure, ready to render with its `WWW-Authenticate: Bearer`
/// challenge (RFC 6750 §3): no `error` attribute and no content when no
/// token was presented, `error="invalid_token"` for a token that is not
/// active, `error="invalid_request"` for a malformed one or several
/// `Authorization` headers.
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

    /// The error response for this rejection, or `None` for
    /// [`MissingBearerToken`], which renders without content.
    pub fn error_response(&self) -> Option<ErrorResponse> {
        let challenge = match self.error {
            BearerError::MissingBearerToken(_) => return None,
            BearerError::InvalidBearerToken(_) => BearerChallenge::InvalidToken,
            BearerError::MalformedBearerToken(_) | BearerError::MultipleAuthorizationHeaders(_) => {
                BearerChallenge::InvalidRequest
            }
        };
        let response = ErrorResponse::new(self.error.status(), self.error.error_code())
            .description(self.error.description())
            .header(WWW_AUTHENTICATE, self.realm.bearer(challenge));
        Some(response)
    }

    /// Renders the response, logging the rejection once (at DEBUG, target
    /// `tower_revoke::rejection`, with fixed texts only).
    pub fn into_http(self) -> http::Response<http_body_util::Full<bytes::Bytes>> {
        match self.error_response() {
            Some(response) => super::render("BearerRejection", response),
            None => {
                let challenge = self.realm.bearer(BearerChallenge::NoToken);
                super::render_challenge(self.error.status(), challenge)
            }
        }
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
