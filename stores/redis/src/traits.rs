//! The store traits of `tower_revoke`, each method one call to the
//! [`RedisStore`] method that does the work (in `read.rs`, `revoke.rs`,
//! `deny.rs`, `issue.rs`, `insert.rs`, `assertion.rs`, `status/`).

use crate::RedisStore;
use redis::aio::ConnectionLike;
use tower_revoke::client::{ClientCredentials, ClientId};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::{
    run_to_completion, AssertionDigest, AssertionUse, ClientEntry, ClientKeys, JwtRecord,
    Recording, Registration, Rotation, RotationOutcome, StatusAllocation, StatusListState,
    StatusSlot, TokenEntry,
};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, ClientAssertionStore, IntrospectionStore, IssuanceStore,
    JwtDenyList, RevocationOutcome, RevocationStore, StatusListStore, StoreError,
    SubjectRevocationStore,
};

impl<C> RevocationStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One GET of the client's key, then
    /// [`StoredClient::authenticate`](tower_revoke::store::StoredClient::authenticate).
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
    /// one per other token of the grant (pipelined); then the notice. The
    /// steps run to completion on a task of their own
    /// ([`run_to_completion`]): a client hanging up mid-way (hyper drops
    /// the request's future) never leaves a grant half ended.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let (store, client, token) = (self.clone(), client.clone(), request.token().clone());
        run_to_completion(async move { store.revoke_token(&client, &token).await }).await
    }
}

impl<C> IntrospectionStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One HMGET of the token's hash, which alone tells whether the token
    /// is active (a grant's end is written into each of its tokens).
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.read_active(token).await
    }
}

impl<C> SubjectRevocationStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Skips tokens that are not revocable; does not extend to the other
    /// tokens of their grants. Each token is decided by one script, so
    /// concurrent calls count every token once; the scripts run to
    /// completion on a task of their own ([`run_to_completion`]).
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let (store, subject) = (self.clone(), subject.to_owned());
        let labels: Vec<(String, String)> = labels
            .iter()
            .map(|&(name, value)| (name.to_owned(), value.to_owned()))
            .collect();
        run_to_completion(async move {
            let labels: Vec<(&str, &str)> = labels.iter().map(|(n, v)| (&n[..], &v[..])).collect();
            store.revoke_subject(&subject, &labels).await
        })
        .await
    }
}

/// Denied JWTs as keys expiring when their entry lapses, subject cutoffs
/// as keys raised by a script; each also makes the statuses it reaches
/// INVALID ([`StatusListStore`]), and runs to completion on a task of its
/// own ([`run_to_completion`]), as on Redis Cluster that is a second step.
impl<C> JwtDenyList for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One script doing `SET key 1 NX PXAT <until>`: the key vanishes when
    /// the entry lapses, so the list never outgrows the live denied tokens.
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        let (store, issuer, jti) = (self.clone(), jwt.issuer.to_owned(), jwt.jti.to_owned());
        run_to_completion(async move { store.deny_jti(&issuer, &jti, until).await }).await
    }

    /// An EXISTS and a GET sent together (the keys may live in two
    /// cluster slots).
    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        self.is_jwt_denied(jwt).await
    }

    /// One script on the cutoff's key: raised, never lowered. The key never
    /// expires.
    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let (store, issuer, subject) = (self.clone(), issuer.to_owned(), subject.to_owned());
        run_to_completion(async move { store.raise_jwt_cutoff(&issuer, &subject, cutoff).await })
            .await
    }
}

/// Issuance with the rules of `MemoryStore`, in the steps of the crate
/// docs' "Issuance": each decision is one script on one slot (the client's,
/// the grant's barrier, the presented token's), so it holds on Redis
/// Cluster as on standalone Redis.
impl<C> IssuanceStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One script on the client's slot: its key (`SET NX`) and, when it
    /// registered `jwks` or `jwks_uri` (RFC 7591 §2), its keys, written
    /// together; a secret or keys are never replaced. A client with keys
    /// and no secret is stored as keys-only, never public.
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        self.register(client).await
    }

    /// Reads the client and the token together, then admits the token
    /// into its grant (refused once the grant is ended), then writes it:
    /// three round trips, two without a grant, run to completion on a task
    /// of their own ([`run_to_completion`]).
    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        let (store, token) = (self.clone(), token.clone());
        run_to_completion(async move { store.record(&token).await }).await
    }

    /// Checks the successors are new, decides on the presented token's
    /// slot (of concurrent rotations, exactly one is first), then records
    /// the successors into the grant, or on reuse ends the grant as a
    /// revocation does, notices included; run to completion on a task of
    /// their own ([`run_to_completion`]).
    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let (store, client, rotation) = (self.clone(), client.clone(), rotation.clone());
        run_to_completion(async move { store.rotate(&client, &rotation).await }).await
    }
}

/// `private_key_jwt` client authentication (RFC 7523 §2.2, §3): the keys a
/// client registered, and single use of each client assertion, shared by
/// every instance of the app.
impl<C> ClientAssertionStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One HMGET of the client's keys hash `P:ck:{<client_id>}`, written
    /// with the client by [`register_client`](IssuanceStore::register_client).
    async fn client_keys(&self, client_id: &ClientId) -> Result<Option<ClientKeys>, StoreError> {
        self.read_client_keys(client_id).await
    }

    /// One `SET P:ca:{<digest>} 1 NX PXAT <expires_at>`: `OK` is the first
    /// use, nil a replay (RFC 7523 §3 item 7). The key vanishes at
    /// `expires_at`; one already past leaves no key.
    async fn use_assertion(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        self.record_assertion(assertion, expires_at).await
    }
}

/// Token Status Lists (draft-ietf-oauth-status-list), in the steps of the
/// crate docs' "Status lists": a status is made INVALID by the script of
/// the revocation that decides it (on Redis Cluster, right after it).
impl<C> StatusListStore for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One script on the lists' slot takes a random index, then the
    /// status is indexed on its JWT's slot and its subject's (sent
    /// together): two round trips.
    async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        self.allocate(allocation).await
    }

    /// One script on the lists' slot, then one on the token's; run to
    /// completion on a task of their own ([`run_to_completion`]), so a slot
    /// is never left bound but untied.
    async fn bind_status(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        let (store, token) = (self.clone(), token.clone());
        run_to_completion(async move { store.bind(slot, &token).await }).await
    }

    /// One HMGET.
    async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        self.read_status_version(list).await
    }

    /// One script: the version and the INVALID indices read together.
    async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
        self.read_status_list(list).await
    }

    /// One HGET.
    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        self.read_status_lists().await
    }
}
