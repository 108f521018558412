//! Rejections of client authentication (RFC 6749 §2.3, §5.2).

use crate::response::{ErrorResponse, Realm};
use http::header::WWW_AUTHENTICATE;

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "client authentication is required"]
    /// The request carries no client credentials at all.
    pub struct MissingClientCredentials;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "malformed client credentials"]
    /// Client credentials that cannot be read: bad base64, no `:`, an empty
    /// or control-character id or secret, bad escapes after decoding, an
    /// incomplete app-key header pair (RFC 6749 §2.3.1, RFC 7617 §2).
    pub struct MalformedClientCredentials;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "unsupported authorization scheme for client authentication"]
    /// An `Authorization` header with a scheme other than `Basic`.
    pub struct UnsupportedAuthScheme;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "client authentication method not allowed"]
    /// A well-formed method this endpoint does not accept.
    pub struct ClientAuthMethodNotAllowed;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "client authentication failed"]
    /// The store did not accept the credentials: an unknown client, a wrong
    /// secret, or a method the client may not use. All render identically.
    pub struct ClientAuthenticationFailed;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "more than one client authentication method was used"]
    /// Two methods in one request, or a credential header repeated
    /// (RFC 6749 §2.3: "MUST NOT use more than one authentication method in
    /// each request").
    pub struct MultipleClientAuthMethods;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "client_id does not match the authenticated client"]
    /// A body `client_id` that differs from the id in the credentials header.
    pub struct ClientIdMismatch;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "client_secret requires client_id"]
    /// A body `client_secret` without a `client_id` (RFC 6749 §2.3.1).
    pub struct MissingClientId;
}

define_rejection! {
    #[status = BAD_REQUEST]
    #[code = InvalidRequest]
    #[description = "client_assertion and client_assertion_type must be sent together"]
    /// One of `client_assertion` and `client_assertion_type` without the
    /// other (RFC 7521 §4.2: both are REQUIRED).
    pub struct IncompleteClientAssertion;
}

define_rejection! {
    #[status = UNAUTHORIZED]
    #[code = InvalidClient]
    #[description = "unsupported client_assertion_type"]
    /// A `client_assertion_type` other than
    /// [`JWT_BEARER`](crate::client::JWT_BEARER) (RFC 7521 §4.2.1: an
    /// assertion the server cannot process is `invalid_client`).
    pub struct UnsupportedClientAssertionType;
}

composite_rejection! {
    /// What went wrong with client authentication.
    pub enum ClientAuthError {
        /// See [`MissingClientCredentials`].
        MissingClientCredentials,
        /// See [`MalformedClientCredentials`].
        MalformedClientCredentials,
        /// See [`UnsupportedAuthScheme`].
        UnsupportedAuthScheme,
        /// See [`ClientAuthMethodNotAllowed`].
        ClientAuthMethodNotAllowed,
        /// See [`ClientAuthenticationFailed`].
        ClientAuthenticationFailed,
        /// See [`MultipleClientAuthMethods`].
        MultipleClientAuthMethods,
        /// See [`ClientIdMismatch`].
        ClientIdMismatch,
        /// See [`MissingClientId`].
        MissingClientId,
        /// See [`IncompleteClientAssertion`].
        IncompleteClientAssertion,
        /// See [`UnsupportedClientAssertionType`].
        UnsupportedClientAssertionType,
    }
}

/// A client authentication failure, ready to render: the error and, for a
/// 401, the `WWW-Authenticate` challenge.
///
/// A 401 carries `WWW-Authenticate: Basic realm="..."`, plus
/// `error="invalid_client"` when the client used an `Authorization` header
/// (RFC 6749 §5.2), whenever it challenges: the readers challenge when they
/// accept `client_secret_basic` or the client sent an `Authorization`
/// header. A 400 carries no challenge. The realm is `"tower-revoke"` unless
/// set with [`realm`](Self::realm), as each layer does with its own.
#[derive(Debug, Clone)]
pub struct ClientAuthRejection {
    error: ClientAuthError,
    challenge: bool,
    authorization_header: bool,
    realm: Realm,
}

impl ClientAuthRejection {
    /// A rejection for `error`, with a `Basic` challenge when `challenge`
    /// and the status is 401, and `error="invalid_client"` in the challenge
    /// when `authorization_header`.
    pub fn new(
        error: impl Into<ClientAuthError>,
        challenge: bool,
        authorization_header: bool,
    ) -> Self {
        let error = error.into();
        Self {
            challenge: challenge && error.status() == http::StatusCode::UNAUTHORIZED,
            error,
            authorization_header,
            realm: Realm::default(),
        }
    }

    /// The realm of the challenge. Default `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: &Realm) -> Self {
        self.realm = realm.clone();
        self
    }

    /// What went wrong.
    pub fn error(&self) -> ClientAuthError {
        self.error
    }

    /// The HTTP status (400 or 401).
    pub fn status(&self) -> http::StatusCode {
        self.error.status()
    }

    /// The error response for this rejection.
    pub fn error_response(&self) -> ErrorResponse {
        let response = ErrorResponse::new(self.error.status(), self.error.error_code())
            .description(self.error.description());
        if self.challenge {
            let challenge = self.realm.basic(self.authorization_header);
            response.header(WWW_AUTHENTICATE, challenge)
        } else {
            response
        }
    }

    /// Renders the response, logging the rejection once (at DEBUG, target
    /// `tower_revoke::rejection`, with fixed texts only).
    pub fn into_http(self) -> http::Response<http_body_util::Full<bytes::Bytes>> {
        super::render("ClientAuthRejection", self.error_response())
    }
}

impl std::fmt::Display for ClientAuthRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.error.fmt(f)
    }
}

impl std::error::Error for ClientAuthRejection {}

#[cfg(feature = "axum")]
impl axum_core::response::IntoResponse for ClientAuthRejection {
    fn into_response(self) -> axum_core::response::Response {
        self.into_http().map(axum_core::body::Body::new)
    }
}
