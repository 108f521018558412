//! Stores that fail, to reach the endpoint's 503 `temporarily_unavailable`.

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

/// A store that fails every call, like a database that is down.
#[derive(Debug, Clone, Copy)]
pub struct FailingStore;

impl RevocationStore for FailingStore {
    type Error = StoreDown;

    async fn authenticate_client(
        &self,
        _: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreDown> {
        Err(StoreDown)
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
        _: &BearerToken,
    ) -> Result<Option<ActiveAccessToken>, StoreDown> {
        Err(StoreDown)
    }

    async fn revoke_subject_tokens(&self, _: &str, _: &[(&str, &str)]) -> Result<u64, StoreDown> {
        Err(StoreDown)
    }
}

/// A [`MemoryStore`] whose `revoke` fails: clients authenticate, then the
/// revocation itself cannot be done.
#[derive(Debug, Clone)]
pub struct FailingRevoke(pub MemoryStore);

impl RevocationStore for FailingRevoke {
    type Error = StoreDown;

    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreDown> {
        let result = self.0.authenticate_client(credentials).await;
        Ok(result.unwrap_or_else(|never| match never {}))
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
        let result = self.0.active_access_token(token).await;
        Ok(result.unwrap_or_else(|never| match never {}))
    }

    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreDown> {
        let result = self.0.revoke_subject_tokens(subject, labels).await;
        Ok(result.unwrap_or_else(|never| match never {}))
    }
}
