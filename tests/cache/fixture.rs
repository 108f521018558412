//! A seeded [`MemoryStore`], and [`Remote`]: the same store seen as a
//! remote one would be (no `introspect_now`), counting the lookups it
//! serves, failing or holding a lookup on demand.

pub use crate::support::store::{digest, revoke, token};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, MemoryStore, RevocationOutcome,
    RevocationStore, StoreError, SubjectRevocationStore,
};

pub const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "0th3r-s3cr3t"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "subject": "bob"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "grant_id": "G1", "subject": "alice"},
    {"token": "XRT", "type": "refresh_token", "client_id": "app1", "grant_id": "G3", "expires_at": 1000},
    {"token": "XAT", "type": "access_token", "client_id": "app1", "grant_id": "G3", "subject": "erin"}
  ]
}"#;

/// A fresh store loaded from [`SEED`]; its clones share its state.
pub fn store() -> MemoryStore {
    MemoryStore::from_seed_json(SEED).expect("the test seed loads")
}

/// A [`MemoryStore`] behind a network, as the cache sees it: no
/// `introspect_now`, every `introspect` counted. Clones share everything.
#[derive(Clone, Default)]
pub struct Remote {
    pub store: MemoryStore,
    state: Arc<State>,
}

#[derive(Default)]
struct State {
    lookups: AtomicUsize,
    failing: AtomicBool,
    holding: AtomicBool,
    held: Notify,
    release: Notify,
}

impl Remote {
    pub fn new(store: MemoryStore) -> Self {
        Self {
            store,
            state: Arc::default(),
        }
    }

    /// How many times `introspect` was called.
    pub fn lookups(&self) -> usize {
        self.state.lookups.load(Ordering::SeqCst)
    }

    /// Makes every lookup fail (or succeed again).
    pub fn fail(&self, failing: bool) {
        self.state.failing.store(failing, Ordering::SeqCst);
    }

    /// Makes the next lookups read the store, then wait for [`release`](Self::release).
    pub fn hold(&self) {
        self.state.holding.store(true, Ordering::SeqCst);
    }

    /// Waits until a held lookup has read the store.
    pub async fn held(&self) {
        self.state.held.notified().await;
    }

    /// Lets held lookups answer.
    pub fn release(&self) {
        self.state.holding.store(false, Ordering::SeqCst);
        self.state.release.notify_waiters();
    }
}

impl IntrospectionStore for Remote {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.state.lookups.fetch_add(1, Ordering::SeqCst);
        if self.state.failing.load(Ordering::SeqCst) {
            return Err(StoreError::new("connection refused"));
        }
        let answer = self.store.introspect(token).await;
        if self.state.holding.load(Ordering::SeqCst) {
            let release = self.state.release.notified();
            self.state.held.notify_one();
            release.await;
        }
        answer
    }
}

impl RevocationStore for Remote {
    async fn authenticate_client(
        &self,
        credentials: &tower_revoke::client::ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.store.authenticate_client(credentials).await
    }

    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.store.revoke(client, request).await
    }
}

impl SubjectRevocationStore for Remote {
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        self.store.revoke_subject_tokens(subject, labels).await
    }
}
