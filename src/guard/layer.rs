//! [`BearerAuthLayer`]: the guard's configuration.

use super::BearerAuth;
use crate::response::retry_after_value;
use crate::response::Realm;
use crate::store::IntrospectionStore;
use http::HeaderValue;
use std::sync::Arc;
use std::time::Duration;
use tower_layer::Layer;

/// What the guard answers with besides the store, shared by its clones.
#[derive(Debug, Clone)]
pub(crate) struct GuardConfig {
    pub(crate) realm: Realm,
    pub(crate) retry_after: HeaderValue,
}

impl Default for GuardConfig {
    fn default() -> Self {
        Self {
            realm: Realm::default(),
            retry_after: HeaderValue::from_static("5"),
        }
    }
}

/// Requires an active Bearer access token on every request of the wrapped
/// service (RFC 6750 §2.1, §3). See the [module docs](crate::guard).
#[derive(Debug)]
pub struct BearerAuthLayer<St> {
    store: Arc<St>,
    config: Arc<GuardConfig>,
}

impl<St> Clone for BearerAuthLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<St: IntrospectionStore> BearerAuthLayer<St> {
    /// A guard backed by `store` (which may be an `Arc` of a store shared
    /// with a [`RevocationEndpointLayer`](crate::RevocationEndpointLayer)),
    /// realm `"tower-revoke"`, `Retry-After: 5`.
    pub fn new(store: St) -> Self {
        Self {
            store: Arc::new(store),
            config: Arc::default(),
        }
    }
}

impl<St> BearerAuthLayer<St> {
    fn config_mut(&mut self) -> &mut GuardConfig {
        Arc::make_mut(&mut self.config)
    }

    /// The realm of the `WWW-Authenticate: Bearer` challenge. Default
    /// `"tower-revoke"`. A [`resource_metadata`](Self::resource_metadata)
    /// URL set on the layer is kept unless `realm` carries its own.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        let config = self.config_mut();
        config.realm = match (realm.resource_metadata(), config.realm.resource_metadata()) {
            (None, Some(url)) => realm.with_resource_metadata(url),
            _ => realm,
        };
        self
    }

    /// Names the protected resource's metadata in every challenge:
    /// `WWW-Authenticate: Bearer realm="...", resource_metadata="<url>"`
    /// (RFC 9728 §5.1), so that a client refused here can discover the
    /// authorization server to get a token from. `url` is where
    /// [`ProtectedResourceMetadata`](crate::metadata::ProtectedResourceMetadata)
    /// is served: its
    /// [`metadata_url`](crate::metadata::ProtectedResourceMetadata::metadata_url).
    ///
    /// # Panics
    /// As [`Realm::with_resource_metadata`].
    #[must_use]
    pub fn resource_metadata(mut self, url: &str) -> Self {
        let config = self.config_mut();
        config.realm = config.realm.with_resource_metadata(url);
        self
    }

    /// The `Retry-After` sent with 503 when the store fails, in whole
    /// seconds (a fraction is rounded up). Default 5 s.
    #[must_use]
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.config_mut().retry_after = retry_after_value(delay);
        self
    }
}

impl<S, St> Layer<S> for BearerAuthLayer<St> {
    type Service = BearerAuth<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        BearerAuth::from_parts(inner, Arc::clone(&self.store), Arc::clone(&self.config))
    }
}
