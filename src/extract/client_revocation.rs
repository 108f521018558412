//! [`ClientRevocation`] as a body extractor.

use super::Buffered;
use crate::rejection::RevocationRejection;
use crate::request::ClientRevocation;
use axum_core::extract::{FromRequest, Request};

/// Extracts the whole revocation request: the token and `token_type_hint`
/// (RFC 7009 §2.1) with the client credentials of exactly one client
/// authentication method (RFC 6749 §2.3), read across the headers and the
/// body together.
///
/// The methods are `client_secret_basic` (`Authorization: Basic`, decoded
/// per [`BasicDecoding`](crate::request::BasicDecoding)), `client_secret_post` (body
/// `client_id` and `client_secret`), `none` (body `client_id` alone) and,
/// when configured, the app-key header pair. A body `client_id` beside a
/// header method must equal the header's id. The credentials are not
/// verified here: that is the store's job.
///
/// # Errors
/// - [`RevocationRejection::Request`] for a malformed request, as for the
///   [`RevocationRequest`](crate::request::RevocationRequest) extractor; the head is
///   checked before the body is read, and a missing token is reported only
///   once the client is known.
/// - [`RevocationRejection::ClientAuth`]: 400 `invalid_request` for more
///   than one method (two `Authorization` headers, Basic with a body
///   `client_secret`, the app-key pair with Basic), a body `client_id`
///   that differs from the header's, or a `client_secret` without a
///   `client_id`; 401 `invalid_client` for no credentials, malformed
///   credentials, another `Authorization` scheme, or a method the
///   configuration does not accept. A 401 carries
///   `WWW-Authenticate: Basic realm="..."`, with `error="invalid_client"`
///   when an `Authorization` header was sent (RFC 6749 §5.2).
impl<S: Send + Sync> FromRequest<S> for ClientRevocation {
    type Rejection = RevocationRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let buffered = Buffered::read(req, state).await?;
        let (credentials, params) = buffered
            .reader()
            .read_body(&buffered.parts.headers, &buffered.body)
            .map_err(|rejection| rejection.realm(buffered.realm()))?;
        let request = params.into_request()?;
        Ok(Self {
            credentials,
            request,
        })
    }
}
