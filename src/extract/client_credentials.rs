//! [`ClientCredentials`] as a parts extractor.

use super::{reader, realm};
use crate::client::ClientCredentials;
use crate::rejection::{ClientAuthError, ClientAuthRejection};
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::request::Parts;

/// Extracts client credentials carried in headers only (RFC 6749 §2.3.1):
/// `Authorization: Basic <base64(id:secret)>`, or the app-key header pair
/// when the configuration turns it on. The body is not read, so body
/// `client_id` / `client_secret` are not seen; use
/// [`ClientRevocation`](crate::request::ClientRevocation) for those.
///
/// The Basic scheme is matched without regard to case, followed by one or
/// more spaces and standard base64 with or without padding; the decoded
/// text is split at the first `:` and decoded per
/// [`BasicDecoding`](crate::request::BasicDecoding).
///
/// # Errors
/// A [`ClientAuthRejection`]: 401 `invalid_client` for no credentials,
/// malformed credentials (bad base64, no `:`, an empty or control-character
/// id or secret, bad escapes, an incomplete app-key pair), another
/// `Authorization` scheme, or a method the configuration does not accept;
/// 400 `invalid_request` for two `Authorization` headers or two methods.
/// A 401 carries `WWW-Authenticate: Basic realm="..."`, with
/// `error="invalid_client"` when an `Authorization` header was sent
/// (RFC 6749 §5.2).
impl<S: Send + Sync> FromRequestParts<S> for ClientCredentials {
    type Rejection = ClientAuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        reader(&parts.extensions)
            .read_client_credentials(&parts.headers)
            .map_err(|rejection| rejection.realm(realm(&parts.extensions)))
    }
}

/// `Option<ClientCredentials>`: `None` when the request carries no
/// credentials header at all (no `Authorization` header and, when the
/// app-key method is on, neither app-key header).
///
/// # Errors
/// Credentials that are present are read as by the plain extractor, and
/// rejected as it rejects them: a malformed Basic header or an incomplete
/// app-key pair is never taken for absence.
impl<S: Send + Sync> OptionalFromRequestParts<S> for ClientCredentials {
    type Rejection = ClientAuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        match <Self as FromRequestParts<S>>::from_request_parts(parts, state).await {
            Err(rejection) if carries_no_credentials(&rejection) => Ok(None),
            result => result.map(Some),
        }
    }
}

/// Whether the request carried no credentials at all, as opposed to
/// credentials that are wrong.
fn carries_no_credentials(rejection: &ClientAuthRejection) -> bool {
    matches!(
        rejection.error(),
        ClientAuthError::MissingClientCredentials(_)
    )
}
