//! Resolving exactly one client authentication method across the headers
//! and the body (RFC 6749 §2.3).

use super::{parse_basic, RequestReader};
use crate::client::{
    ClientAssertion, ClientAuthMethod, ClientCredentials, ClientId, ClientSecret, JWT_BEARER,
};
use crate::rejection::{
    ClientAuthError, ClientAuthMethodNotAllowed, ClientIdMismatch, IncompleteClientAssertion,
    MalformedClientCredentials, MissingClientCredentials, MissingClientId,
    MultipleClientAuthMethods, UnsupportedClientAssertionType,
};
use http::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use std::fmt;

/// The body parameters that carry client credentials: `client_id` and
/// `client_secret` (RFC 6749 §2.3.1), `client_assertion_type` and
/// `client_assertion` (RFC 7521 §4.2). `Debug` redacts the secret and the
/// assertion.
#[derive(Default)]
pub(crate) struct BodyCredentials {
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) assertion_type: Option<String>,
    pub(crate) assertion: Option<String>,
}

impl BodyCredentials {
    /// The client assertion, when both its parameters are present and its
    /// type is [`JWT_BEARER`].
    fn assertion(&mut self) -> Result<Option<String>, ClientAuthError> {
        match (self.assertion_type.take(), self.assertion.take()) {
            (None, None) => Ok(None),
            (Some(kind), Some(assertion)) if kind == JWT_BEARER => Ok(Some(assertion)),
            (Some(_), Some(_)) => Err(UnsupportedClientAssertionType.into()),
            _ => Err(IncompleteClientAssertion.into()),
        }
    }
}

impl fmt::Debug for BodyCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |value: &Option<String>| value.as_ref().map(|_| "<redacted>");
        f.debug_struct("BodyCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &redacted(&self.client_secret))
            .field("assertion_type", &self.assertion_type)
            .field("assertion", &redacted(&self.assertion))
            .finish()
    }
}

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
/// - A body `client_assertion` is `private_key_jwt` (RFC 7523 §2.2); its
///   client id is the one its `sub` names, verified later by the reader's
///   [`ClientAssertionVerifier`](crate::jwt::ClientAssertionVerifier).
///
/// A body `client_id` beside another method must equal that method's id
/// (RFC 7521 §4.2 for an assertion).
///
/// # Errors
/// The error, and whether an `Authorization` header was used (for the
/// challenge): 400 [`MultipleClientAuthMethods`] for two methods or a
/// repeated credential header, [`ClientIdMismatch`], [`MissingClientId`],
/// [`IncompleteClientAssertion`]; 401 for no credentials, malformed
/// credentials, another scheme or assertion type, or a method the reader
/// does not accept.
pub(super) fn resolve(
    reader: &RequestReader,
    headers: &HeaderMap,
    body: BodyCredentials,
) -> Result<ClientCredentials, (ClientAuthError, bool)> {
    let authorization = if reader.methods.contains(ClientAuthMethod::ClientSecretBasic) {
        single(headers, &AUTHORIZATION)
    } else {
        Ok(None)
    };
    let has_authorization = !matches!(authorization, Ok(None));
    resolve_methods(reader, headers, authorization, body)
        .map_err(|error| (error, has_authorization))
}

fn resolve_methods(
    reader: &RequestReader,
    headers: &HeaderMap,
    authorization: Result<Option<&HeaderValue>, MultipleClientAuthMethods>,
    mut body: BodyCredentials,
) -> Result<ClientCredentials, ClientAuthError> {
    let authorization = authorization?;
    let app_key = app_key(reader, headers)?;
    let assertion = body.assertion()?;
    let BodyCredentials {
        client_id,
        client_secret,
        ..
    } = body;
    let methods_used = usize::from(authorization.is_some())
        + usize::from(app_key.is_some())
        + usize::from(client_secret.is_some())
        + usize::from(assertion.is_some());
    if methods_used > 1 {
        return Err(MultipleClientAuthMethods.into());
    }
    let credentials = if let Some(assertion) = assertion {
        asserted(reader, &assertion)?
    } else if let Some(value) = authorization {
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

/// `private_key_jwt` credentials for `assertion`, when the reader accepts
/// the method and the assertion names a client.
fn asserted(reader: &RequestReader, assertion: &str) -> Result<ClientCredentials, ClientAuthError> {
    if !reader.methods.contains(ClientAuthMethod::PrivateKeyJwt) {
        return Err(ClientAuthMethodNotAllowed.into());
    }
    let assertion = ClientAssertion::new(assertion).map_err(|_| MalformedClientCredentials)?;
    let client_id = reader.asserted_client_id(&assertion);
    let client_id = client_id.ok_or(MalformedClientCredentials)?;
    Ok(ClientCredentials::assertion(client_id, assertion))
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
