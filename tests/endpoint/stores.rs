//! A store that fails, to reach the endpoint's 503 `temporarily_unavailable`.

use std::convert::Infallible;
use tower_revoke::{
    ActiveAccessToken, AuthenticatedClient, BearerToken, ClientCredentials, MemoryStore,
    RevocationOutcome, RevocationRequest, RevocationStore,
};

/// Why a test store failed.
#[derive(Debug)]
pub struct StoreDown;

impl std::fmt::Display for StoreDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the token store is down")
    }
}

impl std::error::Error for StoreDown {}

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

    fn up(&self) -> Result<&MemoryStore, StoreDown> {
        self.0.as_ref().ok_or(StoreDown)
    }
}

impl RevocationStore for FailingStore {
    type Error = StoreDown;

    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreDown> {
        Ok(infallible(
            self.up()?.authenticate_client(credentials).await,
        ))
    }

    async fn revoke(
        &self,
        _: &AuthenticatedClient,
        _: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreDown> {
        Err(StoreDown)
    }

    async fn active_access_token(
        &self,
        token: &BearerToken,
    ) -> Result<Option<ActiveAccessToken>, StoreDown> {
        Ok(infallible(self.up()?.active_access_token(token).await))
    }

    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreDown> {
        Ok(infallible(
            self.up()?.revoke_subject_tokens(subject, labels).await,
        ))
    }
}

fn infallible<T>(result: Result<T, Infallible>) -> T {
    result.unwrap_or_else(|never| match never {})
}
