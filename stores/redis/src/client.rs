//! Client authentication (RFC 6749 §2.3) against the client's key.

use crate::error::unexpected;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::{AsyncCommands, ExistenceCheck, SetOptions};
use tower_revoke::{
    AuthenticatedClient, ClientCredentials, ClientEntry, SecretDigest, StoreError, StoredClient,
    TokenDigest,
};

/// The value of a public client's key `P:c:{<client_id>}`; a confidential
/// client's holds `sha256:` and the hex digest of its secret.
const PUBLIC: &str = "public";
const SHA256: &str = "sha256:";

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One GET, then [`StoredClient::authenticate`]: the same work for
    /// unknown, public and confidential clients.
    pub(crate) async fn authenticate(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        let key = self.keys.client(credentials.client_id());
        let stored: Option<String> = self.bounded(self.query(|c| c.get(key))).await?;
        let digest;
        let client = match stored.as_deref() {
            None => StoredClient::Unknown,
            Some(PUBLIC) => StoredClient::Public,
            Some(value) => {
                let hex = value.strip_prefix(SHA256);
                let bytes = hex.and_then(TokenDigest::from_hex);
                let bytes = bytes.ok_or_else(|| unexpected("client secret digest"))?;
                digest = SecretDigest::from_bytes(*bytes.as_bytes());
                StoredClient::Confidential(&digest)
            }
        };
        Ok(client.authenticate(credentials))
    }

    /// Stores a client unless its id is taken (`SET NX`): confidential
    /// with the digest of its secret, public without one. Returns whether
    /// it stored it; an existing client is left exactly as it is (its
    /// secret is never replaced).
    ///
    /// # Errors
    /// Redis could not be reached or did not answer in time.
    pub async fn insert_client(&self, client: &ClientEntry) -> Result<bool, StoreError> {
        let value = match &client.client_secret {
            Some(secret) => {
                let digest = SecretDigest::of(secret);
                let hex = TokenDigest::from_bytes(*digest.as_bytes()).to_hex();
                format!("{SHA256}{hex}")
            }
            None => PUBLIC.to_owned(),
        };
        let key = self.keys.client(&client.client_id);
        let nx = SetOptions::default().conditional_set(ExistenceCheck::NX);
        let set = self.query(|c| c.set_options(key, value, nx));
        let stored: Option<String> = self.bounded(set).await?;
        Ok(stored.is_some())
    }
}
