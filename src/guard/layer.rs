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
    /// `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        self.config_mut().realm = realm;
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
