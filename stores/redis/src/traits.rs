//! The store traits of `tower_revoke`, implemented by the other modules.

use crate::record::{active_token, now_secs, INTROSPECTED};
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::{
    ActiveToken, AuthenticatedClient, ClientCredentials, IntrospectionStore, RevocationOutcome,
    RevocationRequest, RevocationStore, StoreError, SubjectRevocationStore, Token, TokenDigest,
};

impl<C> RevocationStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One GET of the client's key, then
    /// [`StoredClient::authenticate`](tower_revoke::StoredClient::authenticate).
    /// Ignores [`raw_alternative`](ClientCredentials::raw_alternative): the
    /// endpoint asks again with it.
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.authenticate(credentials).await
    }

    /// See the crate docs' "Revocation": one script on the token's slot,
    /// and for a refresh token with a grant, one on the grant's slot and
    /// one per other token of the grant (pipelined); then the notice.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.revoke_token(client, request.token()).await
    }
}

impl<C> IntrospectionStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One HMGET of the token's hash, which alone tells whether the token
    /// is active (a grant's end is written into each of its tokens).
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        let key = self.keys.token(&TokenDigest::of(token));
        let read = self.query(|c| c.hmget(key, &INTROSPECTED));
        let fields: Vec<Option<String>> = self.bounded(read).await?;
        active_token(&fields, now_secs())
    }
}

impl<C> SubjectRevocationStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Skips tokens that are not revocable; does not extend to the other
    /// tokens of their grants. Each token is decided by one script, so
    /// concurrent calls count every token once.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        self.revoke_subject(subject, labels).await
    }
}
