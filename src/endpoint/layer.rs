//! [`RevocationEndpointLayer`]: the endpoint's configuration and builder.

use super::{OtherClientToken, RevocationEndpoint, RevokedResponse, UnknownTokenResponse};
use crate::{BasicDecoding, ClientAuthMethods, Realm, RevocationConfig, RevocationStore};
use http::HeaderValue;
use std::sync::Arc;
use std::time::Duration;
use tower_layer::Layer;

/// Everything the endpoint needs besides the store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct EndpointConfig {
    pub(crate) path: Box<str>,
    pub(crate) max_body_size: usize,
    pub(crate) request: RevocationConfig,
    pub(crate) other_client_token: OtherClientToken,
    pub(crate) revoked_response: RevokedResponse,
    pub(crate) unknown_token_response: UnknownTokenResponse,
    pub(crate) retry_after: HeaderValue,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        Self {
            path: "/revoke".into(),
            max_body_size: 16 * 1024,
            request: RevocationConfig::default(),
            other_client_token: OtherClientToken::default(),
            revoked_response: RevokedResponse::default(),
            unknown_token_response: UnknownTokenResponse::default(),
            retry_after: HeaderValue::from_static("5"),
        }
    }
}

/// Mounts an RFC 7009 revocation endpoint in front of a service.
///
/// `POST` requests to [`path`](Self::path) are answered by the endpoint with
/// `store`; every other request goes to the wrapped service untouched.
/// Builder methods take `self`; the defaults follow RFC 7009 and RFC 6749.
///
/// See the [module docs](crate::endpoint) for the behaviour and an example.
#[derive(Debug)]
pub struct RevocationEndpointLayer<St> {
    store: Arc<St>,
    config: Arc<EndpointConfig>,
}

impl<St> Clone for RevocationEndpointLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<St: RevocationStore> RevocationEndpointLayer<St> {
    /// An endpoint at `/revoke` backed by `store`, with the defaults:
    /// a 16 KiB body limit, form bodies, `client_secret_basic` (form-decoded),
    /// `client_secret_post` and `none`, realm `"tower-revoke"`,
    /// [`OtherClientToken::InvalidGrantForConfidential`], 200 `{}` for both
    /// revoked and unknown tokens, and `Retry-After: 5` on 503.
    pub fn new(store: St) -> Self {
        Self::from_shared(Arc::new(store))
    }

    /// Like [`new`](Self::new), for a store already shared with the rest of
    /// the application.
    pub fn from_shared(store: Arc<St>) -> Self {
        Self {
            store,
            config: Arc::new(EndpointConfig::default()),
        }
    }
}

impl<St> RevocationEndpointLayer<St> {
    fn config_mut(&mut self) -> &mut EndpointConfig {
        Arc::make_mut(&mut self.config)
    }

    /// The request path the endpoint answers, matched exactly (no prefix,
    /// no trailing-slash folding). Default `/revoke`.
    #[must_use]
    pub fn path(mut self, path: &str) -> Self {
        self.config_mut().path = path.into();
        self
    }

    /// The largest body the endpoint reads, in bytes; a larger one gets 413
    /// and is not read past the limit. Default 16 KiB (16384).
    #[must_use]
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.config_mut().max_body_size = bytes;
        self
    }

    /// How Basic credentials are decoded. Default
    /// [`BasicDecoding::FormUrlEncoded`] (RFC 6749 §2.3.1).
    #[must_use]
    pub fn basic_decoding(mut self, decoding: BasicDecoding) -> Self {
        let config = self.config_mut();
        config.request = config.request.clone().basic_decoding(decoding);
        self
    }

    /// The accepted client authentication methods. Default
    /// `client_secret_basic`, `client_secret_post` and `none`.
    #[must_use]
    pub fn client_auth_methods(mut self, methods: ClientAuthMethods) -> Self {
        let config = self.config_mut();
        config.request = config.request.clone().client_auth_methods(methods);
        self
    }

    /// The realm named in `WWW-Authenticate: Basic` challenges. Default
    /// `"tower-revoke"`.
    ///
    /// # Panics
    /// If `realm` contains a control character.
    #[must_use]
    pub fn realm(mut self, realm: &str) -> Self {
        let config = self.config_mut();
        config.request = config.request.clone().realm(Realm::new(realm));
        self
    }

    /// The whole request-parsing configuration at once: body encoding,
    /// token parameter name, methods, Basic decoding, app-key headers and
    /// realm (see [`RevocationConfig`]).
    #[must_use]
    pub fn request_config(mut self, config: RevocationConfig) -> Self {
        self.config_mut().request = config;
        self
    }

    /// How to answer a token that was issued to another client. Default
    /// [`OtherClientToken::InvalidGrantForConfidential`].
    #[must_use]
    pub fn other_client_token(mut self, policy: OtherClientToken) -> Self {
        self.config_mut().other_client_token = policy;
        self
    }

    /// The response to a successful revocation. Default
    /// [`RevokedResponse::JsonObject`] (RFC 7009 §2.2).
    #[must_use]
    pub fn revoked_response(mut self, response: RevokedResponse) -> Self {
        self.config_mut().revoked_response = response;
        self
    }

    /// The response to an unknown, expired or already revoked token.
    /// Default [`UnknownTokenResponse::LikeRevoked`] (RFC 7009 §2.2).
    #[must_use]
    pub fn unknown_token_response(mut self, response: UnknownTokenResponse) -> Self {
        self.config_mut().unknown_token_response = response;
        self
    }

    /// The `Retry-After` sent with 503 `temporarily_unavailable` when the
    /// store fails, in whole seconds (a fraction is rounded up). Default 5 s.
    #[must_use]
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.config_mut().retry_after = crate::error::retry_after_value(delay);
        self
    }
}

impl<S, St> Layer<S> for RevocationEndpointLayer<St> {
    type Service = RevocationEndpoint<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        RevocationEndpoint::from_parts(inner, Arc::clone(&self.store), Arc::clone(&self.config))
    }
}
