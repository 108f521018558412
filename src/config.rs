//! What a revocation endpoint accepts: body encoding, token parameter name,
//! client authentication methods, Basic decoding, app-key headers, realm.

use crate::basic::BasicDecoding;
use crate::client::{ClientAuthMethod, ClientAuthMethods};
use crate::realm::Realm;
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

/// The pair of headers that carry an app key: the client id and its secret.
/// Defaults to `X-App-Id` / `X-App-Token`.
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

/// How revocation requests are read: the parsing half of the endpoint,
/// shared by [`RevocationEndpointLayer`](crate::RevocationEndpointLayer) and
/// the extractors.
///
/// The default is RFC 7009 with RFC 6749 client authentication: a form body
/// with a `token` parameter; `client_secret_basic` (form-decoded),
/// `client_secret_post` and `none`; realm `"tower-revoke"`.
///
/// For the extractors, insert a configured value as a request extension
/// (for example with axum's `Extension` layer); without one they use the
/// default.
///
/// # Example
/// ```
/// use tower_revoke::{BasicDecoding, BodyEncoding, ClientAuthMethod, ClientAuthMethods, RevocationConfig};
///
/// // Notion-style: JSON body, raw Basic credentials only.
/// let config = RevocationConfig::default()
///     .body_encoding(BodyEncoding::Json)
///     .basic_decoding(BasicDecoding::Raw)
///     .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic));
/// # let _ = config;
/// ```
#[derive(Debug, Clone)]
pub struct RevocationConfig {
    pub(crate) body_encoding: BodyEncoding,
    pub(crate) token_parameter: Box<str>,
    pub(crate) methods: ClientAuthMethods,
    pub(crate) basic_decoding: BasicDecoding,
    pub(crate) app_key_headers: AppKeyHeaders,
    pub(crate) realm: Realm,
}

impl Default for RevocationConfig {
    fn default() -> Self {
        Self {
            body_encoding: BodyEncoding::default(),
            token_parameter: "token".into(),
            methods: ClientAuthMethods::default(),
            basic_decoding: BasicDecoding::default(),
            app_key_headers: AppKeyHeaders::default(),
            realm: Realm::default(),
        }
    }
}

impl RevocationConfig {
    /// The body media type. Default [`BodyEncoding::Form`].
    #[must_use]
    pub fn body_encoding(mut self, encoding: BodyEncoding) -> Self {
        self.body_encoding = encoding;
        self
    }

    /// The name of the parameter carrying the token. Default `token`
    /// (RFC 7009 §2.1); for example `access_token` for Voucherify's API.
    #[must_use]
    pub fn token_parameter(mut self, name: &str) -> Self {
        self.token_parameter = name.into();
        self
    }

    /// The accepted client authentication methods. Default
    /// `client_secret_basic`, `client_secret_post`, `none`.
    #[must_use]
    pub fn client_auth_methods(mut self, methods: ClientAuthMethods) -> Self {
        self.methods = methods;
        self
    }

    /// How Basic credentials are decoded. Default
    /// [`BasicDecoding::FormUrlEncoded`] (RFC 6749 §2.3.1).
    #[must_use]
    pub fn basic_decoding(mut self, decoding: BasicDecoding) -> Self {
        self.basic_decoding = decoding;
        self
    }

    /// The app-key header names, and turns the
    /// [`AppKeyHeaders`](ClientAuthMethod::AppKeyHeaders) method on.
    #[must_use]
    pub fn app_key_headers(mut self, headers: AppKeyHeaders) -> Self {
        self.app_key_headers = headers;
        self.methods = self.methods.with(ClientAuthMethod::AppKeyHeaders);
        self
    }

    /// The realm of `WWW-Authenticate` challenges. Default `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        self.realm = realm;
        self
    }
}
