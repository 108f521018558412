//! A store that fails, to reach the 503 `temporarily_unavailable` of the
//! revocation endpoint and of the Bearer guard.

use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, MemoryStore, RevocationOutcome,
    RevocationStore, StoreError,
};

/// A store whose `revoke` fails. Every other call is answered by the
/// [`MemoryStore`] behind it, if any, or fails too.
#[derive(Debug, Clone)]
pub struct FailingStore(Option<MemoryStore>);

impl FailingStore {
    /// Fails every call, like a database that is down.
    pub const DOWN: Self = Self(None);

    /// Fails `revoke` only: clients authenticate, then the revocation
    /// itself cannot be done.
    pub fn revoke_only(store: MemoryStore) -> Self {
        Self(Some(store))
    }

    fn up(&self) -> Result<&MemoryStore, StoreError> {
        self.0.as_ref().ok_or_else(down)
    }
}

fn down() -> StoreError {
    StoreError::new("the token store is down")
}

impl RevocationStore for FailingStore {
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.up()?.authenticate_client(credentials).await
    }

    async fn revoke(
        &self,
        _: &AuthenticatedClient,
        _: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        Err(down())
    }
}

impl IntrospectionStore for FailingStore {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.up()?.introspect(token).await
    }
}
