//! The reads on a request's path, one round trip each and no write:
//! client authentication, introspection, the JWT deny-list check.

use crate::error::unexpected;
use crate::record::{
    active_token, now_secs, INTROSPECTED, KEYS_ONLY_CLIENT, PUBLIC_CLIENT, SHA256,
};
use crate::RedisStore;
use futures_util::future::try_join;
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::Token;
use tower_revoke::store::{JwtRecord, SecretDigest, StoredClient, TokenDigest};
use tower_revoke::{ActiveToken, AuthenticatedClient, StoreError};

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One GET of the client's key, then [`StoredClient::authenticate`]:
    /// the same work for unknown, public, keys-only and confidential
    /// clients. A keys-only client (registered keys, no secret) is
    /// [`StoredClient::KeysOnly`], never public: it authenticates with
    /// `private_key_jwt` only (RFC 7523 §2.2), so `none` fails.
    pub(crate) async fn authenticate(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        let key = self.keys.client(credentials.client_id());
        let stored: Option<String> = self.bounded(self.query(|c| c.get(key))).await?;
        let digest;
        let client = match stored.as_deref() {
            None => StoredClient::Unknown,
            Some(PUBLIC_CLIENT) => StoredClient::Public,
            Some(KEYS_ONLY_CLIENT) => StoredClient::KeysOnly,
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

    /// One HMGET of the token's hash, which alone tells whether the token
    /// is active (a grant's end is written into each of its tokens).
    pub(crate) async fn read_active(
        &self,
        token: &Token,
    ) -> Result<Option<ActiveToken>, StoreError> {
        let key = self.keys.token(&TokenDigest::of(token));
        let read = self.query(|c| c.hmget(key, &INTROSPECTED));
        let fields: Vec<Option<String>> = self.bounded(read).await?;
        active_token(&fields, now_secs())
    }

    /// An EXISTS and a GET sent together (the keys may live in two cluster
    /// slots): denied itself, or issued at or before its subject's cutoff.
    pub(crate) async fn is_jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        let denied = self.keys.denied_jti(jwt.issuer, jwt.jti);
        let cutoff = self.keys.subject_cutoff(jwt.issuer, jwt.subject);
        let both = try_join(
            self.query(|c| c.exists(denied)),
            self.query(|c| c.get(cutoff)),
        );
        let (denied, cutoff): (bool, Option<String>) = self.bounded(both).await?;
        let cutoff = match cutoff {
            Some(text) => Some(text.parse::<u64>().map_err(|_| unexpected("jwt cutoff"))?),
            None => None,
        };
        Ok(denied || cutoff.is_some_and(|cutoff| cutoff >= jwt.issued_at))
    }
}
