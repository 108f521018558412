//! [`ClientAssertionStore`]: what `private_key_jwt` client authentication
//! needs from a store, with its dyn-compatible twin.

use super::{AssertionDigest, AssertionUse, BoxFuture, ClientKeys, StoreError};
use crate::client::ClientId;
use std::future::Future;
use std::sync::Arc;

/// What `private_key_jwt` client authentication (RFC 7523 §2.2, §3) needs
/// from a store: the keys a client registered
/// ([`ClientEntry::keys`](crate::store::ClientEntry::keys)), and single use
/// of each client assertion.
///
/// The `jwt` feature's `ClientAssertionVerifier` asks for it. Every shipped
/// store implements it, and the conformance kit checks it
/// (`testkit::Conformance::run_with_assertions`).
///
/// # Example
/// ```
/// use tower_revoke::client::ClientId;
/// use tower_revoke::store::{AssertionDigest, AssertionUse, ClientKeys};
/// use tower_revoke::{ClientAssertionStore, MemoryStore, StoreError};
///
/// # async fn run() -> Result<(), StoreError> {
/// let store = MemoryStore::new();
/// let app = ClientId::new("app1").unwrap();
/// let used = AssertionDigest::of(&app, "jti-1");
/// let exp = 4_102_444_800; // 2100-01-01T00:00:00Z
/// assert_eq!(store.use_assertion(&used, exp).await?, AssertionUse::First);
/// assert_eq!(store.use_assertion(&used, exp).await?, AssertionUse::Replayed);
/// # Ok(()) }
/// # tokio_test::block_on(run()).unwrap();
/// ```
pub trait ClientAssertionStore: Send + Sync + 'static {
    /// The keys `client_id` registered: `Ok(None)` for an unknown client
    /// and for one registered without keys. The verifier treats both alike
    /// (the same 401 `invalid_client`, at the same cost).
    fn client_keys(
        &self,
        client_id: &ClientId,
    ) -> impl Future<Output = Result<Option<ClientKeys>, StoreError>> + Send;

    /// Records the use of the assertion filed under `assertion` (its
    /// client and `jti`), to be remembered until `expires_at` (Unix
    /// seconds: the assertion's `exp` plus the verifier's leeway).
    ///
    /// [`AssertionUse::First`] when no unexpired record exists (an expired
    /// one is replaced), [`AssertionUse::Replayed`] otherwise. Atomic: of
    /// concurrent uses of one assertion, on any instance sharing the store,
    /// exactly one is `First` (RFC 7523 §3 item 7: the server "MAY ensure
    /// that JWTs are not replayed by maintaining the set of used "jti"
    /// values for the length of time for which the JWT would be considered
    /// valid"). A durable store remembers across restarts.
    ///
    /// Records vanish by themselves once expired: a store either lets them
    /// lapse (a time to live) or removes a few expired ones as it records
    /// new ones, never by a sweep that locks the table.
    fn use_assertion(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> impl Future<Output = Result<AssertionUse, StoreError>> + Send;
}

/// [`ClientAssertionStore`], dyn-compatible: `Arc<dyn
/// DynClientAssertionStore>` implements [`ClientAssertionStore`].
/// Implemented for every [`ClientAssertionStore`].
pub trait DynClientAssertionStore: Send + Sync + 'static {
    /// [`ClientAssertionStore::client_keys`], boxed.
    fn client_keys<'a>(
        &'a self,
        client_id: &'a ClientId,
    ) -> BoxFuture<'a, Result<Option<ClientKeys>, StoreError>>;

    /// [`ClientAssertionStore::use_assertion`], boxed.
    fn use_assertion<'a>(
        &'a self,
        assertion: &'a AssertionDigest,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<AssertionUse, StoreError>>;
}

impl<T: ClientAssertionStore> DynClientAssertionStore for T {
    fn client_keys<'a>(
        &'a self,
        client_id: &'a ClientId,
    ) -> BoxFuture<'a, Result<Option<ClientKeys>, StoreError>> {
        Box::pin(ClientAssertionStore::client_keys(self, client_id))
    }

    fn use_assertion<'a>(
        &'a self,
        assertion: &'a AssertionDigest,
        expires_at: u64,
    ) -> BoxFuture<'a, Result<AssertionUse, StoreError>> {
        Box::pin(ClientAssertionStore::use_assertion(
            self, assertion, expires_at,
        ))
    }
}

impl ClientAssertionStore for dyn DynClientAssertionStore {
    async fn client_keys(&self, client_id: &ClientId) -> Result<Option<ClientKeys>, StoreError> {
        DynClientAssertionStore::client_keys(self, client_id).await
    }

    async fn use_assertion(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        DynClientAssertionStore::use_assertion(self, assertion, expires_at).await
    }
}

/// Implements [`ClientAssertionStore`] for a pointer type by deref.
macro_rules! forward_client_assertion_store {
    ($($ptr:ty),+) => {$(
        impl<T: ?Sized + ClientAssertionStore> ClientAssertionStore for $ptr {
            fn client_keys(
                &self,
                client_id: &ClientId,
            ) -> impl Future<Output = Result<Option<ClientKeys>, StoreError>> + Send {
                ClientAssertionStore::client_keys(&**self, client_id)
            }

            fn use_assertion(
                &self,
                assertion: &AssertionDigest,
                expires_at: u64,
            ) -> impl Future<Output = Result<AssertionUse, StoreError>> + Send {
                ClientAssertionStore::use_assertion(&**self, assertion, expires_at)
            }
        }
    )+};
}

forward_client_assertion_store!(Arc<T>, Box<T>, &'static T);
