//! [`BearerToken`] as a parts extractor.

use super::realm;
use crate::rejection::BearerRejection;
use crate::request::BearerToken;
use axum_core::extract::{FromRequestParts, OptionalFromRequestParts};
use http::header::AUTHORIZATION;
use http::request::Parts;

/// Extracts a Bearer access token from `Authorization: Bearer <b64token>`
/// (RFC 6750 §2.1), for a protected resource. The token is not checked
/// against a store here.
///
/// The realm of the challenge comes from the request's
/// [`Realm`](crate::response::Realm) extension, or the default
/// `"tower-revoke"`.
///
/// # Errors
/// A [`BearerRejection`] (RFC 6750 §3.1): 401 with
/// `WWW-Authenticate: Bearer realm="..."` and no content when there is no
/// `Authorization` header or it uses another scheme; 400 `invalid_request`
/// with `error="invalid_request"` in the challenge when the token is
/// malformed (not a `b64token`) or there are two `Authorization` headers.
impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = BearerRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_headers(&parts.headers)
            .map_err(|error| BearerRejection::new(error, realm(&parts.extensions).clone()))
    }
}

/// `Option<BearerToken>`: `None` when the request has no `Authorization`
/// header.
///
/// # Errors
/// An `Authorization` header that is present is read as by the plain
/// extractor and rejected as it rejects it, including one with another
/// scheme.
impl<S: Send + Sync> OptionalFromRequestParts<S> for BearerToken {
    type Rejection = BearerRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        if !parts.headers.contains_key(AUTHORIZATION) {
            return Ok(None);
        }
        <Self as FromRequestParts<S>>::from_request_parts(parts, state)
            .await
            .map(Some)
    }
}
