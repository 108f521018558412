//! The parsing pipeline shared by the endpoint layer and the extractors:
//! head checks, body parameters, client credentials, then the token.

use crate::client::ClientCredentials;
use crate::config::RevocationConfig;
use crate::params::BodyParams;
use crate::rejection::{ClientAuthRejection, RequestRejection, RevocationRejection};
use crate::token::RevocationRequest;
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

impl RevocationConfig {
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
    /// use tower_revoke::{RevocationConfig, TokenTypeHint};
    ///
    /// let (parts, body) = http::Request::post("/revoke")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
    ///     .body("token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token")
    ///     .unwrap()
    ///     .into_parts();
    /// let request = RevocationConfig::default().read_request(&parts, body.as_bytes()).unwrap();
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
    /// authentication method, then the required `token`.
    ///
    /// # Errors
    /// [`RevocationRejection::Request`] for a malformed request (checked
    /// first, except a missing token, checked last);
    /// [`RevocationRejection::ClientAuth`] for client authentication.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::{ClientAuthMethod, RevocationConfig};
    ///
    /// let (parts, body) = http::Request::post("/revoke")
    ///     .header("content-type", "application/x-www-form-urlencoded")
    ///     .body("token=abc&client_id=app1&client_secret=s3cr3t")
    ///     .unwrap()
    ///     .into_parts();
    /// let read = RevocationConfig::default().read_client_revocation(&parts, body.as_bytes()).unwrap();
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

    /// What can be checked before the body is read: media type and query.
    pub(crate) fn check_head(&self, parts: &Parts) -> Result<(), RequestRejection> {
        self.check_content_type(&parts.headers)?;
        self.check_query(parts.uri.query())?;
        Ok(())
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
}
