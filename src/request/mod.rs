//! Reading requests: the revocation request (RFC 7009 §2.1), client
//! authentication (RFC 6749 §2.3) and Bearer tokens (RFC 6750 §2.1).
//!
//! [`RequestReader`] is the one reader: the revocation endpoint, the
//! extractors and the guard all read through it, so they accept and refuse
//! exactly the same requests. The parts it returns are small typed values
//! ([`Token`], [`ClientId`], [`ClientSecret`], [`ClientCredentials`]) whose
//! `Debug` never shows a secret.

mod basic;
mod bearer;
mod client;
mod client_auth;
mod form;
mod limited;
mod params;
mod reader;
mod scheme;
mod token;

pub use basic::{parse_basic, BasicDecoding};
pub(crate) use bearer::presented as presented_bearer_token;
pub use bearer::BearerToken;
pub use client::{ClientAuthMethod, ClientAuthMethods, ClientCredentials, ClientId, ClientSecret};
pub use reader::ClientRevocation;
pub use token::{RevocationRequest, Token, TokenTypeHint};

pub(crate) use client::is_printable;
pub(crate) use limited::read_limited;

use crate::response::Realm;
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
/// credentials are decoded, and the realm of the challenges.
///
/// One value configures every reader of a request: give it to
/// [`RevocationEndpointLayer::reader`](crate::RevocationEndpointLayer::reader),
/// and insert it as a request extension for the [extractors](crate::extract)
/// (axum's `Extension(reader)` layer). Each option is set by one method, in
/// any order.
///
/// The default reads RFC 7009 requests: a form body of at most 16 KiB with a
/// `token` parameter; `client_secret_basic` (decoded
/// [`Lenient`](BasicDecoding::Lenient)ly), `client_secret_post` and `none`;
/// realm `"tower-revoke"`.
///
/// # Example
/// ```
/// use tower_revoke::{
///     BasicDecoding, BodyEncoding, ClientAuthMethod, ClientAuthMethods, Realm, RequestReader,
/// };
///
/// // Notion-style: JSON body, raw Basic credentials only.
/// let reader = RequestReader::default()
///     .body_encoding(BodyEncoding::Json)
///     .basic_decoding(BasicDecoding::Raw)
///     .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic))
///     .realm(Realm::new("notion"));
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
    pub(crate) realm: Realm,
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
            realm: Realm::default(),
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

    /// The realm of `WWW-Authenticate` challenges. Default `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        self.realm = realm;
        self
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
    /// use tower_revoke::{ClientAuthMethod, ClientAuthMethods, RequestReader};
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
    }
}
