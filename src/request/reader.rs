//! [`RequestReader`]: how requests are read (its options), and its reading:
//! head checks, body parameters, exactly one client authentication method,
//! then the token.

use super::client_auth::{self, BodyCredentials};
use super::params::{self, BodyParams};
use super::{BasicDecoding, ClientRevocation, RevocationRequest};
use crate::client::{
    ClientAssertion, ClientAuthMethod, ClientAuthMethods, ClientCredentials, ClientId,
};
use crate::rejection::{
    ClientAuthError, ClientAuthRejection, ClientAuthenticationFailed, RequestRejection,
    RevocationRejection,
};
use http::header::HeaderMap;
use http::request::Parts;
use http::HeaderName;

/// The media type of the revocation request body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum BodyEncoding {
    /// `application/x-www-form-urlencoded` (RFC 7009 §2.1), parsed strictly.
    #[default]
    Form,
    /// `application/json`: an object whose token member (and optional
    /// `token_type_hint`) are strings. Client credentials come from headers
    /// only. Not RFC 7009; some APIs (Notion) use it.
    Json,
}

/// The pair of headers that carry an app key: the client id and its
/// secret. Defaults to `X-App-Id` / `X-App-Token`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppKeyHeaders {
    /// The header carrying the client id.
    pub client_id: HeaderName,
    /// The header carrying the client secret.
    pub client_secret: HeaderName,
}

impl Default for AppKeyHeaders {
    fn default() -> Self {
        Self {
            client_id: HeaderName::from_static("x-app-id"),
            client_secret: HeaderName::from_static("x-app-token"),
        }
    }
}

/// How requests are read: the body's media type and token parameter, the
/// body limit, the accepted client authentication methods and how Basic
/// credentials are decoded.
///
/// One value configures every reader of a request: give it to
/// [`RevocationEndpointLayer::reader`](crate::RevocationEndpointLayer::reader),
/// and insert it as a request extension for the [extractors](crate::extract)
/// (axum's `Extension(reader)` layer). Each option is set by one method, in
/// any order.
///
/// The default reads RFC 7009 requests: a form body of at most 16 KiB with a
/// `token` parameter; `client_secret_basic` (decoded
/// [`Lenient`](BasicDecoding::Lenient)ly), `client_secret_post` and `none`.
///
/// The realm of the challenges is not the reader's: each layer has its
/// `realm` option, and the extractors read a [`Realm`](crate::response::Realm)
/// request extension.
///
/// # Example
/// ```
/// use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
/// use tower_revoke::request::{BasicDecoding, BodyEncoding, RequestReader};
///
/// // Notion-style: JSON body, raw Basic credentials only.
/// let reader = RequestReader::default()
///     .body_encoding(BodyEncoding::Json)
///     .basic_decoding(BasicDecoding::Raw)
///     .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic));
/// # let _ = reader;
/// ```
#[derive(Debug, Clone)]
pub struct RequestReader {
    pub(crate) body_encoding: BodyEncoding,
    pub(crate) token_parameter: Box<str>,
    pub(crate) max_body_size: usize,
    pub(crate) methods: ClientAuthMethods,
    pub(crate) basic_decoding: BasicDecoding,
    pub(crate) app_key_headers: AppKeyHeaders,
    #[cfg(feature = "jwt")]
    pub(crate) assertions: Option<crate::jwt::ClientAssertionVerifier>,
}

impl Default for RequestReader {
    fn default() -> Self {
        Self {
            body_encoding: BodyEncoding::default(),
            token_parameter: "token".into(),
            max_body_size: 16 * 1024,
            methods: ClientAuthMethods::default(),
            basic_decoding: BasicDecoding::default(),
            app_key_headers: AppKeyHeaders::default(),
            #[cfg(feature = "jwt")]
            assertions: None,
        }
    }
}

impl RequestReader {
    /// The body media type. Default [`BodyEncoding::Form`].
    #[must_use]
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.body_encoding = encoding;
        self
    }

    /// The name of the parameter carrying the token. Default `token`
    /// (RFC 7009 §2.1); for example `access_token` for Voucherify's API.
    ///
    /// # Panics
    /// If `name` is empty.
    #[must_use]
    pub fn token_parameter(mut self, name: &str) -> Self {
        assert!(
            !name.is_empty(),
            "token_parameter: the name must not be empty"
        );
        self.token_parameter = name.into();
        self
    }

    /// The largest body read, in bytes; a larger one gets 413 and is not
    /// read past the limit. Default 16 KiB (16384). The extractors leave
    /// this to axum's `DefaultBodyLimit`.
    #[must_use]
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The accepted client authentication methods. Default
    /// `client_secret_basic`, `client_secret_post` and `none`.
    #[must_use]
    pub fn client_auth_methods(mut self, methods: ClientAuthMethods) -> Self {
        self.methods = methods;
        self
    }

    /// How Basic credentials are decoded. Default
    /// [`BasicDecoding::Lenient`]: RFC 6749 §2.3.1 form-decoding first, the
    /// raw RFC 7617 reading when that fails to decode or to authenticate.
    #[must_use]
    pub fn basic_decoding(mut self, decoding: BasicDecoding) -> Self {
        self.basic_decoding = decoding;
        self
    }

    /// The app-key header names, used when
    /// [`ClientAuthMethod::AppKeyHeaders`] is among the
    /// [`client_auth_methods`](Self::client_auth_methods). Default
    /// `X-App-Id` / `X-App-Token`.
    #[must_use]
    pub fn app_key_headers(mut self, headers: AppKeyHeaders) -> Self {
        self.app_key_headers = headers;
        self
    }

    /// Accepts `private_key_jwt` client authentication (RFC 7523 §2.2),
    /// verified by `verifier`, beside the other
    /// [`client_auth_methods`](Self::client_auth_methods) (feature `jwt`).
    /// The endpoints then ask `verifier` about every request carrying a
    /// `client_assertion`, and RFC 8414 metadata lists the method and
    /// [`algorithms_supported`](crate::jwt::ClientAssertionVerifier::algorithms_supported).
    #[cfg(feature = "jwt")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
    #[must_use]
    pub fn client_assertions(mut self, verifier: crate::jwt::ClientAssertionVerifier) -> Self {
        self.methods = self.methods.with(ClientAuthMethod::PrivateKeyJwt);
        self.assertions = Some(verifier);
        self
    }

    /// The verifier of `private_key_jwt` assertions, if any (see
    /// [`client_assertions`](Self::client_assertions)).
    #[cfg(feature = "jwt")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
    pub fn client_assertion_verifier(&self) -> Option<&crate::jwt::ClientAssertionVerifier> {
        self.assertions.as_ref()
    }

    /// The signing algorithms accepted for `private_key_jwt`, as RFC 8414
    /// §2 metadata lists them in
    /// `revocation_endpoint_auth_signing_alg_values_supported` and
    /// `introspection_endpoint_auth_signing_alg_values_supported`; `None`
    /// while the method is off.
    pub fn client_auth_signing_algs_supported(&self) -> Option<Vec<&'static str>> {
        #[cfg(feature = "jwt")]
        if let Some(verifier) = &self.assertions {
            return Some(verifier.algorithms_supported());
        }
        None
    }

    /// The client a `private_key_jwt` assertion names, unverified; `None`
    /// without a verifier.
    pub(super) fn asserted_client_id(&self, assertion: &ClientAssertion) -> Option<ClientId> {
        #[cfg(feature = "jwt")]
        if self.assertions.is_some() {
            return crate::jwt::ClientAssertionVerifier::client_id_of(assertion);
        }
        let _ = assertion;
        None
    }

    /// The largest body read, in bytes (see
    /// [`max_body_size`](Self::max_body_size)): for a handler that buffers
    /// the body itself before [`read_client_form`](Self::read_client_form).
    pub fn get_max_body_size(&self) -> usize {
        self.max_body_size
    }

    /// The accepted client authentication methods by their IANA names
    /// (RFC 7591 §2), as RFC 8414 §2 metadata lists them in
    /// `revocation_endpoint_auth_methods_supported` and
    /// `introspection_endpoint_auth_methods_supported`: `client_secret_basic`,
    /// `client_secret_post`, `none`, each if accepted, in that order.
    ///
    /// [`ClientAuthMethod::AppKeyHeaders`] is left out even when accepted:
    /// it is not a registered method, and no client could find out from
    /// metadata which headers to send.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
    /// use tower_revoke::request::RequestReader;
    ///
    /// assert_eq!(
    ///     RequestReader::default().client_auth_methods_supported(),
    ///     ["client_secret_basic", "client_secret_post", "none"]
    /// );
    /// let app_keys = ClientAuthMethods::only(ClientAuthMethod::AppKeyHeaders)
    ///     .with(ClientAuthMethod::ClientSecretPost);
    /// let reader = RequestReader::default().client_auth_methods(app_keys);
    /// assert_eq!(reader.client_auth_methods_supported(), ["client_secret_post"]);
    /// ```
    pub fn client_auth_methods_supported(&self) -> Vec<&'static str> {
        let registered = self.methods.iter().filter(|m| m.is_registered());
        registered.map(ClientAuthMethod::as_str).collect()
    }

    /// The body media type this reader accepts.
    pub(crate) fn accepts_json(&self) -> bool {
        self.body_encoding == BodyEncoding::Json
    }

    /// Panics, naming the options, on a combination that could never
    /// authenticate a client.
    pub(crate) fn assert_consistent(&self) {
        let in_body = self.methods.contains(ClientAuthMethod::ClientSecretPost)
            || self.methods.contains(ClientAuthMethod::None);
        assert!(
            self.body_encoding == BodyEncoding::Form || !in_body,
            "body_encoding(Json) carries no client credentials in the body: \
             client_auth_methods must not include client_secret_post or none"
        );
        let assertions = self.methods.contains(ClientAuthMethod::PrivateKeyJwt);
        assert!(
            !assertions || self.client_auth_signing_algs_supported().is_some(),
            "client_auth_methods includes private_key_jwt without a verifier: \
             use RequestReader::client_assertions (feature jwt)"
        );
        assert!(
            !assertions || self.body_encoding == BodyEncoding::Form,
            "body_encoding(Json) carries no client assertion: private_key_jwt needs a form body"
        );
    }
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
    /// use tower_revoke::request::{RequestReader, TokenTypeHint};
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
        self.resolve_client(headers, BodyCredentials::default())
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
    /// use tower_revoke::client::ClientAuthMethod;
    /// use tower_revoke::request::RequestReader;
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
        let credentials = self.resolve_client(headers, std::mem::take(&mut params.client))?;
        Ok((credentials, params))
    }

    pub(super) fn resolve_client(
        &self,
        headers: &HeaderMap,
        body: BodyCredentials,
    ) -> Result<ClientCredentials, ClientAuthRejection> {
        let read = client_auth::resolve(self, headers, body);
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
        ClientAuthRejection::new(error, basic || authorization_header, authorization_header)
    }
}
