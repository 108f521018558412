//! Resolving exactly one client authentication method across the headers
//! and the body (RFC 6749 §2.3).

use super::{parse_basic, RequestReader};
use crate::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use crate::rejection::{
    ClientAuthError, ClientAuthMethodNotAllowed, ClientIdMismatch, MalformedClientCredentials,
    MissingClientCredentials, MissingClientId, MultipleClientAuthMethods,
};
use http::header::{HeaderMap, HeaderValue, AUTHORIZATION};

/// Resolves the one client authentication method of a request from its
/// headers and its body's `client_id` / `client_secret`.
///
/// - `Authorization` (any scheme) is `client_secret_basic`; another scheme
///   is `invalid_client`. While `client_secret_basic` is not accepted, the
///   header is ignored, as are the app-key headers while their method is
///   off.
/// - The app-key header pair, when that method is on.
/// - A body `client_secret` is `client_secret_post`; a body `client_id`
///   alone is `none`.
///
/// A body `client_id` beside a header method must equal the header's id.
///
/// # Errors
/// The error, and whether an `Authorization` header was used (for the
/// challenge): 400 [`MultipleClientAuthMethods`] for two methods or a
/// repeated credential header, [`ClientIdMismatch`], [`MissingClientId`];
/// 401 for no credentials, malformed credentials, another scheme, or a
/// method the reader does not accept.
pub(super) fn resolve(
    reader: &RequestReader,
    headers: &HeaderMap,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<ClientCredentials, (ClientAuthError, bool)> {
    let authorization = if reader.methods.contains(ClientAuthMethod::ClientSecretBasic) {
        single(headers, &AUTHORIZATION)
    } else {
        Ok(None)
    };
    let has_authorization = !matches!(authorization, Ok(None));
    resolve_methods(reader, headers, authorization, client_id, client_secret)
        .map_err(|error| (error, has_authorization))
}

fn resolve_methods(
    reader: &RequestReader,
    headers: &HeaderMap,
    authorization: Result<Option<&HeaderValue>, MultipleClientAuthMethods>,
    client_id: Option<String>,
    client_secret: Option<String>,
) -> Result<ClientCredentials, ClientAuthError> {
    let authorization = authorization?;
    let app_key = app_key(reader, headers)?;
    let methods_used = usize::from(authorization.is_some())
        + usize::from(app_key.is_some())
        + usize::from(client_secret.is_some());
    if methods_used > 1 {
        return Err(MultipleClientAuthMethods.into());
    }
    let credentials = if let Some(value) = authorization {
        parse_basic(value, reader.basic_decoding)?
    } else if let Some((id, secret)) = app_key {
        let id = utf8(id).and_then(|id| ClientId::new(id).ok());
        let secret = utf8(secret).and_then(|secret| ClientSecret::new(secret).ok());
        match (id, secret) {
            (Some(id), Some(secret)) => {
                ClientCredentials::new(id, Some(secret), ClientAuthMethod::AppKeyHeaders)
            }
            _ => return Err(MalformedClientCredentials.into()),
        }
    } else {
        let id = client_id.ok_or(if client_secret.is_some() {
            ClientAuthError::from(MissingClientId)
        } else {
            MissingClientCredentials.into()
        })?;
        let id = ClientId::new(id).map_err(|_| MalformedClientCredentials)?;
        let credentials = match client_secret {
            Some(secret) => {
                let secret = ClientSecret::new(secret).map_err(|_| MalformedClientCredentials)?;
                ClientCredentials::new(id, Some(secret), ClientAuthMethod::ClientSecretPost)
            }
            None => ClientCredentials::new(id, None, ClientAuthMethod::None),
        };
        return allowed(reader, credentials);
    };
    if client_id.is_some_and(|body_id| body_id != credentials.client_id().as_str()) {
        return Err(ClientIdMismatch.into());
    }
    allowed(reader, credentials)
}

fn allowed(
    reader: &RequestReader,
    credentials: ClientCredentials,
) -> Result<ClientCredentials, ClientAuthError> {
    if reader.methods.contains(credentials.method()) {
        Ok(credentials)
    } else {
        Err(ClientAuthMethodNotAllowed.into())
    }
}

/// Both app-key header values when the method is on and either header is
/// present; an incomplete pair is malformed, a repeated one is two methods.
fn app_key<'h>(
    reader: &RequestReader,
    headers: &'h HeaderMap,
) -> Result<Option<(&'h HeaderValue, &'h HeaderValue)>, ClientAuthError> {
    if !reader.methods.contains(ClientAuthMethod::AppKeyHeaders) {
        return Ok(None);
    }
    let id = single(headers, &reader.app_key_headers.client_id)?;
    let secret = single(headers, &reader.app_key_headers.client_secret)?;
    match (id, secret) {
        (None, None) => Ok(None),
        (Some(id), Some(secret)) => Ok(Some((id, secret))),
        _ => Err(MalformedClientCredentials.into()),
    }
}

/// The header's only value, if any.
fn single<'h>(
    headers: &'h HeaderMap,
    name: &http::HeaderName,
) -> Result<Option<&'h HeaderValue>, MultipleClientAuthMethods> {
    let mut values = headers.get_all(name).iter();
    let first = values.next();
    match values.next() {
        Some(_) => Err(MultipleClientAuthMethods),
        None => Ok(first),
    }
}

fn utf8(value: &HeaderValue) -> Option<&str> {
    std::str::from_utf8(value.as_bytes()).ok()
}
