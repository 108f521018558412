//! [`RevocationRequest`] as a body extractor.

use super::Buffered;
use crate::rejection::RequestRejection;
use crate::request::RevocationRequest;
use axum_core::extract::{FromRequest, Request};

/// Extracts the revocation request (RFC 7009 §2.1) from the body, without
/// client authentication: the required token and the optional
/// `token_type_hint`.
///
/// The body is `application/x-www-form-urlencoded` (or JSON, per
/// [`RequestReader::body_encoding`](crate::request::RequestReader::body_encoding)),
/// decoded strictly: `+` is a space, an empty value is absent, unknown
/// parameters are ignored, and `;` does not separate parameters. Body
/// `client_id` / `client_secret` are checked for repeats and otherwise
/// ignored; use [`ClientRevocation`](crate::request::ClientRevocation) to
/// authenticate the client as well.
///
/// # Errors
/// A [`RequestRejection`]:
/// - 400 [`InvalidContentType`](crate::rejection::InvalidContentType) for a
///   missing or other media type, and
///   [`ParameterInQuery`](crate::rejection::ParameterInQuery) for the token
///   or `client_secret` in the query string, both before the body is read;
/// - 413 [`PayloadTooLarge`](crate::rejection::PayloadTooLarge) beyond
///   axum's `DefaultBodyLimit`, 400
///   [`FailedToReadBody`](crate::rejection::FailedToReadBody) when the body
///   stream fails;
/// - 400 [`InvalidFormEncoding`](crate::rejection::InvalidFormEncoding)
///   (`%ZZ`, `%FF`, raw bytes that are not UTF-8),
///   [`DuplicateParameter`](crate::rejection::DuplicateParameter) (RFC 6749
///   §3.2), [`MissingToken`](crate::rejection::MissingToken) for a token
///   absent or empty.
impl<S: Send + Sync> FromRequest<S> for RevocationRequest {
    type Rejection = RequestRejection;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let buffered = Buffered::read(req, state).await?;
        Ok(buffered
            .reader()
            .parse_body(&buffered.body)?
            .into_request()?)
    }
}
