//! [`BearerAuthLayer`]: the guard's configuration.

use super::BearerAuth;
use crate::{Realm, RevocationStore};
use http::HeaderValue;
use std::sync::Arc;
use std::time::Duration;
use tower_layer::Layer;

/// Requires an active Bearer access token on every request of the wrapped
/// service (RFC 6750 §2.1, §3). See the [module docs](crate::guard).
#[derive(Debug)]
pub struct BearerAuthLayer<St> {
    pub(crate) store: Arc<St>,
    pub(crate) realm: Realm,
    pub(crate) retry_after: HeaderValue,
}

impl<St> Clone for BearerAuthLayer<St> {
    fn clone(&self) -> Self {
        Self {
            store: Arc::clone(&self.store),
            realm: self.realm.clone(),
            retry_after: self.retry_after.clone(),
        }
    }
}

impl<St: RevocationStore> BearerAuthLayer<St> {
    /// A guard backed by `store`, realm `"tower-revoke"`, `Retry-After: 5`.
    pub fn new(store: St) -> Self {
        Self::from_shared(Arc::new(store))
    }

    /// Like [`new`](Self::new), for a store shared with a
    /// [`RevocationEndpointLayer`](crate::RevocationEndpointLayer).
    pub fn from_shared(store: Arc<St>) -> Self {
        Self {
            store,
            realm: Realm::default(),
            retry_after: HeaderValue::from_static("5"),
        }
    }
}

impl<St> BearerAuthLayer<St> {
    /// The realm of the `WWW-Authenticate: Bearer` challenge.
    ///
    /// # Panics
    /// If `realm` contains a control character.
    #[must_use]
    pub fn realm(mut self, realm: &str) -> Self {
        self.realm = Realm::new(realm);
        self
    }

    /// The `Retry-After` sent with 503 when the store fails, in whole
    /// seconds (a fraction is rounded up). Default 5 s.
    #[must_use]
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = crate::error::retry_after_value(delay);
        self
    }
}

impl<S, St> Layer<S> for BearerAuthLayer<St> {
    type Service = BearerAuth<S, St>;

    fn layer(&self, inner: S) -> Self::Service {
        BearerAuth::from_layer(inner, self.clone())
    }
}
