//! [`RequestReader`]'s reading: head checks, body parameters, exactly one
//! client authentication method, then the token.

use super::params::{self, BodyParams};
use super::{client_auth, ClientAuthMethod, ClientCredentials, RequestReader, RevocationRequest};
use crate::rejection::{
    ClientAuthError, ClientAuthRejection, ClientAuthenticationFailed, RequestRejection,
    RevocationRejection,
};
use http::header::HeaderMap;
use http::request::Parts;

/// A checked revocation request with the client credentials it carried
/// (RFC 7009 §2.1 with RFC 6749 §2.3). The credentials are not yet verified:
/// that is the store's job.
#[derive(Debug, Clone)]
pub struct ClientRevocation {
    /// The client credentials, from exactly one method.
    pub credentials: ClientCredentials,
    /// The token and its hint.
    pub request: RevocationRequest,
}

impl RequestReader {
    /// Reads a revocation request without client authentication: the
    /// media type, the query string (no token or `client_secret` in it),
    /// and the body. Body `client_id` / `client_secret` are checked for
    /// duplicates and otherwise ignored.
    ///
    /// # Errors
    /// A 400 [`RequestRejection`] (see its variants).
    ///
    /// # Example
    /// The RFC 7009 §2.1 example request:
    /// ```
    /// use tower_revoke::{RequestReader, TokenTypeHint};
    ///
    /// let (parts, body) = http::Request::post("/revoke")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
    ///     .body("token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token")
    ///     .unwrap()
    ///     .into_parts();
    /// let request = RequestReader::default().read_request(&parts, body.as_bytes()).unwrap();
    /// assert_eq!(request.token().secret(), "45ghiukldjahdnhzdauz");
    /// assert_eq!(request.token_type_hint(), Some(&TokenTypeHint::RefreshToken));
    /// ```
    pub fn read_request(
        &self,
        parts: &Parts,
        body: &[u8],
    ) -> Result<RevocationRequest, RequestRejection> {
        self.check_head(parts)?;
        Ok(self.parse_body(body)?.into_request()?)
    }

    /// Reads client credentials carried in headers only: `Authorization:
    /// Basic` or the app-key pair (RFC 6749 §2.3.1).
    ///
    /// # Errors
    /// As for the full request, with no body parameters to consider.
    pub fn read_client_credentials(
        &self,
        headers: &HeaderMap,
    ) -> Result<ClientCredentials, ClientAuthRejection> {
        self.resolve_client(headers, None, None)
    }

    /// Reads the whole revocation request: head, body, exactly one client
    /// authentication method, then the required token.
    ///
    /// # Errors
    /// [`RevocationRejection::Request`] for a malformed request (checked
    /// first, except a missing token, checked last);
    /// [`RevocationRejection::ClientAuth`] for client authentication.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::{ClientAuthMethod, RequestReader};
    ///
    /// let (parts, body) = http::Request::post("/revoke")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body("token=abc&client_id=app1&client_secret=s3cr3t")
    ///     .unwrap()
    ///     .into_parts();
    /// let read = RequestReader::default().read_client_revocation(&parts, body.as_bytes()).unwrap();
    /// assert_eq!(read.credentials.method(), ClientAuthMethod::ClientSecretPost);
    /// assert_eq!(read.credentials.client_id().as_str(), "app1");
    /// ```
    pub fn read_client_revocation(
        &self,
        parts: &Parts,
        body: &[u8],
    ) -> Result<ClientRevocation, RevocationRejection> {
        self.check_head(parts)?;
        let (credentials, params) = self.read_body(&parts.headers, body)?;
        let request = params.into_request()?;
        Ok(ClientRevocation {
            credentials,
            request,
        })
    }

    /// The 401 `invalid_client` for credentials the store did not accept,
    /// with the challenge this reader would send for them: `Basic`, with
    /// `error="invalid_client"` when they came in an `Authorization` header
    /// (RFC 6749 §5.2). The same for every reason, so it tells no one
    /// whether the client exists.
    pub fn authentication_failed(&self, credentials: &ClientCredentials) -> ClientAuthRejection {
        let header_used = credentials.method() == ClientAuthMethod::ClientSecretBasic;
        self.client_auth_rejection(ClientAuthenticationFailed, header_used)
    }

    /// What can be checked before the body is read: media type and query.
    pub(crate) fn check_head(&self, parts: &Parts) -> Result<(), RequestRejection> {
        params::check_content_type(&parts.headers, self.body_encoding)?;
        params::check_query(parts.uri.query(), &self.token_parameter)?;
        Ok(())
    }

    /// Body parameters per the configured encoding; the token is optional.
    pub(crate) fn parse_body(&self, body: &[u8]) -> Result<BodyParams, RequestRejection> {
        params::parse_body(body, self.body_encoding, &self.token_parameter)
    }

    /// Body parameters and client credentials; the token is still optional.
    pub(crate) fn read_body(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<(ClientCredentials, BodyParams), RevocationRejection> {
        let mut params = self.parse_body(body)?;
        let credentials = self.resolve_client(
            headers,
            params.client_id.take(),
            params.client_secret.take(),
        )?;
        Ok((credentials, params))
    }

    fn resolve_client(
        &self,
        headers: &HeaderMap,
        client_id: Option<String>,
        client_secret: Option<String>,
    ) -> Result<ClientCredentials, ClientAuthRejection> {
        let read = client_auth::resolve(self, headers, client_id, client_secret);
        read.map_err(|(error, header_used)| self.client_auth_rejection(error, header_used))
    }

    /// A rejection challenging with `Basic` when this reader accepts it or
    /// the client sent an `Authorization` header (RFC 6749 §5.2).
    fn client_auth_rejection(
        &self,
        error: impl Into<ClientAuthError>,
        authorization_header: bool,
    ) -> ClientAuthRejection {
        let basic = self.methods.contains(ClientAuthMethod::ClientSecretBasic);
        let realm = (basic || authorization_header).then_some(&self.realm);
        ClientAuthRejection::new(error, realm, authorization_header)
    }
}
