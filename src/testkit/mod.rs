//! The store conformance kit: every behaviour of the store traits, checked
//! against a store you hand it, in one call from your own test.
//!
//! ```
//! use tower_revoke::{testkit, MemoryStore};
//!
//! // In your tests: #[tokio::test(flavor = "multi_thread")]
//! # #[tokio::main(flavor = "multi_thread")]
//! async fn my_store_conforms() {
//!     testkit::Conformance::new(|seed| async move {
//!         // A fresh, empty store holding exactly `seed`.
//!         MemoryStore::from_seed(&seed)
//!     })
//!     .run()
//!     .await;
//! }
//! # fn main() { my_store_conforms() }
//! ```
//!
//! [`Conformance::run`] calls the factory once per check with the kit's
//! [`seed`], so each check starts from the seeded state. A durable store
//! that implements [`Reset`] (every store of this workspace does, with its
//! crate's `testkit` feature) needs no factory:
//! `Conformance::with_store(store)` empties it and loads the seed through
//! [`IssuanceStore::seed`] before each check. Each check names itself in
//! its panic message. The checks:
//!
//! | check | what it holds the store to |
//! |---|---|
//! | `client_authentication` | RFC 6749 §2.3: confidential clients by any method carrying their exact secret; public clients with none; unknown clients refused; the raw Basic reading left to the endpoint |
//! | `outcomes_in_order` | RFC 7009 §2.1: unknown, expired and already revoked are `NotFound`; another client's token `IssuedToAnotherClient` (checked before revocability); a non-revocable one `UnsupportedTokenType`; nothing changes for any of them |
//! | `hint_is_advice` | RFC 7009 §2.2: a wrong or unknown `token_type_hint` never hides a token |
//! | `grant_cascade` | a refresh token ends every token of its grant, non-revocable ones too, and only that client's grant of that id; an access token only itself; the `cascaded` count |
//! | `expired_refresh_token_ends_its_grant` | RFC 7009 §2.1 SHOULD, answered `NotFound` |
//! | `introspection` | RFC 7662 §2.2 facts of active tokens (client, kind, `sub`, `exp`, a seeded `scope`); nothing for inactive ones |
//! | `subject_revocation` | bulk revocation by subject and labels, counted once, idempotent |
//! | `concurrent_revocations` | many tasks revoking tokens and grants at once: one `Revoked` per token, an exact end state |
//! | `concurrent_subject_revocations` | concurrent bulk revocations count every token once |
//! | `jwt_deny_list` | [`JwtDenyList`]: a denied (issuer, jti) stays denied until it lapses, is denied once, and never matches another pair |
//! | `jwt_subject_cutoff` | a subject's cutoff refuses its JWTs issued at or before it, for that issuer only, and only moves forward |
//! | `concurrent_jwt_denials` | of concurrent denials of one JWT, exactly one is first |
//! | `no_raw_secrets` (with [`Conformance::dump`]) | the store's storage holds no seeded token or secret |
//! | `client_registration` (with [`Conformance::run_with_issuance`], as the four below) | a client is registered once; its secret, or its being public, is never replaced |
//! | `token_recording` | idempotent; a token never moves to another client, kind or grant; unknown clients and malformed entries (an empty part, a scope not of RFC 6749 §3.3 syntax) refused; the recorded `scope` introspected; a revoked grant admits nothing |
//! | `refresh_rotation` | RFC 6749 §6, RFC 9700 §4.14.2: one rotation, then reuse ends the grant; successors without a subject or scope take the presented token's, one with its own scope keeps it; only the client's live refresh tokens rotate |
//! | `grace_period` | presented again within it, a rotated token rotates again in the same grant (successors taking its scope); not once the grant has ended |
//! | `concurrent_rotations` | of concurrent rotations of one token, exactly one rotates |
//! | `client_keys` (with [`Conformance::run_with_assertions`], as the two below) | RFC 7591 §2 `jwks` or `jwks_uri` read back as registered; a client with keys and no secret authenticates with neither a secret nor `none` |
//! | `assertion_single_use` | RFC 7523 §3: a client assertion is used once until its record expires; another client's equal `jti` is another assertion |
//! | `concurrent_assertion_uses` | of concurrent uses of one assertion, exactly one is first |
//! | `status_allocation` (with [`Conformance::run_with_status_lists`], as the two below) | draft-ietf-oauth-status-list-20 §12.5, §13.3: random slots, never allocated twice, below their list's capacity; lists numbered from 1, a new one when the newest is full, each keeping its capacity; capacities that are not whole bytes refused |
//! | `status_follows_revocations` | a status becomes INVALID with its `jti`'s denial, its subject's cutoff (set before or after allocation), and the revocation of its bound token (itself, by grant cascade, by reuse, by subject and labels, or before binding); nothing else changes; versions move with the list |
//! | `concurrent_status_allocations` | concurrent allocations get distinct slots |
//!
//! The concurrency checks spawn tokio tasks: run the kit on a
//! multi-threaded runtime to exercise real parallelism.

mod checks;

use crate::store::{
    ClientAssertionStore, IntrospectionStore, IssuanceStore, JwtDenyList, RevocationStore, Seed,
    StatusListStore, StoreError, SubjectRevocationStore,
};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The seed every check starts from (see the module docs). Clients `app1`
/// (secret `s3cr3t`), `app2` (secret `s3+cr3t`), public `pub1`; tokens of
/// every kind, grant, expiry, scope and label the checks need.
pub fn seed() -> Seed {
    Seed::from_json(SEED_JSON).expect("the conformance seed is valid")
}

/// The JSON document of [`seed`].
pub const SEED_JSON: &str = checks::SEED;

/// A seed of `grants` grants of client `app1` (public), three tokens each:
/// access tokens `A{g}`, `B{g}` and refresh token `R{g}`, of subject
/// `s{g % 4}`. Used by the concurrency checks.
pub fn grant_seed(grants: usize) -> Seed {
    Seed::from_json(&checks::grant_seed_json(grants)).expect("the grant seed is valid")
}

/// A store the kit can empty between checks, for
/// [`Conformance::with_store`]: a durable store's tables, a key prefix's
/// keys. For tests only: it deletes everything the store holds.
pub trait Reset: Send + Sync + 'static {
    /// Deletes every client, token, grant and deny-list entry of the store
    /// (within its own tables, schema or key prefix; nothing else).
    fn reset(&self) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// What [`Conformance::with_store`] makes a fresh store with.
pub type Fresh<St> = Pin<Box<dyn Future<Output = St> + Send>>;

type Dump<St> = Box<dyn Fn(Arc<St>) -> Pin<Box<dyn Future<Output = String> + Send>> + Send + Sync>;

/// The conformance run for stores made by a factory: `make(seed)` returns
/// a fresh store holding exactly `seed`.
pub struct Conformance<St, F> {
    make: F,
    dump: Option<Dump<St>>,
}

impl<St> Conformance<St, ()>
where
    St: Reset + IssuanceStore + Clone,
{
    /// A run over `store` itself: before each check the kit empties it
    /// ([`Reset::reset`]) and loads the check's seed through
    /// [`IssuanceStore::seed`]. Instead of a factory that deletes rows by
    /// hand.
    ///
    /// # Panics
    /// When resetting or seeding the store fails.
    ///
    /// # Example
    /// ```no_run
    /// # async fn conforms(store: impl tower_revoke::testkit::Reset + Clone
    /// #     + tower_revoke::IssuanceStore + tower_revoke::RevocationStore
    /// #     + tower_revoke::IntrospectionStore + tower_revoke::SubjectRevocationStore
    /// #     + tower_revoke::JwtDenyList) {
    /// use tower_revoke::testkit::Conformance;
    ///
    /// // `store`: a PostgresStore on a throwaway schema, say.
    /// Conformance::with_store(store).run_with_issuance().await;
    /// # }
    /// ```
    pub fn with_store(store: St) -> Conformance<St, impl FnMut(Seed) -> Fresh<St>> {
        let make = move |seed: Seed| {
            let store = store.clone();
            Box::pin(async move {
                store.reset().await.expect("the store empties itself");
                store.seed(&seed).await.expect("the store takes the seed");
                store
            }) as Fresh<St>
        };
        Conformance { make, dump: None }
    }
}

impl<St, F, Fut> Conformance<St, F>
where
    St: RevocationStore + IntrospectionStore + SubjectRevocationStore + JwtDenyList,
    F: FnMut(Seed) -> Fut,
    Fut: Future<Output = St>,
{
    /// A run over stores made by `make`.
    pub fn new(make: F) -> Self {
        Self { make, dump: None }
    }

    /// Also checks that `dump(store)`, everything the store keeps as text
    /// (for a database: every row of its tables), contains no seeded token
    /// and no client secret.
    #[must_use]
    pub fn dump<D, DFut>(mut self, dump: D) -> Self
    where
        D: Fn(Arc<St>) -> DFut + Send + Sync + 'static,
        DFut: Future<Output = String> + Send + 'static,
    {
        self.dump = Some(Box::new(move |store| Box::pin(dump(store))));
        self
    }

    /// Runs every check, each on a fresh store.
    ///
    /// # Panics
    /// On the first behaviour that does not conform, naming the check, or
    /// when the store returns an error.
    pub async fn run(mut self) {
        checks::client_authentication(&self.fresh().await).await;
        checks::outcomes_in_order(&self.fresh().await).await;
        checks::hint_is_advice(&self.fresh().await).await;
        checks::grant_cascade(&self.fresh().await).await;
        checks::expired_refresh_token_ends_its_grant(&self.fresh().await).await;
        checks::introspection(&self.fresh().await).await;
        checks::subject_revocation(&self.fresh().await).await;
        let store = Arc::new((self.make)(grant_seed(checks::GRANTS)).await);
        checks::concurrent_revocations(store).await;
        let store = Arc::new((self.make)(grant_seed(checks::GRANTS)).await);
        checks::concurrent_subject_revocations(store).await;
        checks::jwt_deny_list(&self.fresh().await).await;
        checks::jwt_subject_cutoff(&self.fresh().await).await;
        checks::concurrent_jwt_denials(Arc::new(self.fresh().await)).await;
        if let Some(dump) = &self.dump {
            let store = Arc::new((self.make)(seed()).await);
            checks::no_raw_secrets(dump(store).await);
        }
    }

    async fn fresh(&mut self) -> St {
        (self.make)(seed()).await
    }
}

impl<St, F, Fut> Conformance<St, F>
where
    St: RevocationStore + IntrospectionStore + SubjectRevocationStore + JwtDenyList + IssuanceStore,
    F: FnMut(Seed) -> Fut,
    Fut: Future<Output = St>,
{
    /// Runs every check of [`run`](Self::run), then those of
    /// [`IssuanceStore`]: client registration, token recording (idempotent,
    /// never moving a token, never reopening a revoked grant), refresh
    /// token rotation and reuse, the grace period, and concurrent rotations
    /// of one token (exactly one rotates).
    ///
    /// # Panics
    /// As [`run`](Self::run).
    pub async fn run_with_issuance(mut self) {
        checks::client_registration(&self.fresh().await).await;
        checks::token_recording(&self.fresh().await).await;
        checks::refresh_rotation(&self.fresh().await).await;
        checks::grace_period(&self.fresh().await).await;
        checks::concurrent_rotations(Arc::new(self.fresh().await)).await;
        self.run().await;
    }
}

impl<St, F, Fut> Conformance<St, F>
where
    St: RevocationStore
        + IntrospectionStore
        + SubjectRevocationStore
        + JwtDenyList
        + IssuanceStore
        + ClientAssertionStore,
    F: FnMut(Seed) -> Fut,
    Fut: Future<Output = St>,
{
    /// Runs every check of [`run_with_issuance`](Self::run_with_issuance),
    /// then those of [`ClientAssertionStore`]: registered keys read back
    /// (a client with keys and no secret is never public), single use of
    /// a client assertion until its record expires, and concurrent uses of
    /// one assertion (exactly one is first).
    ///
    /// # Panics
    /// As [`run`](Self::run).
    pub async fn run_with_assertions(mut self) {
        checks::client_keys(&self.fresh().await).await;
        checks::assertion_single_use(&self.fresh().await).await;
        checks::concurrent_assertion_uses(Arc::new(self.fresh().await)).await;
        self.run_with_issuance().await;
    }
}

impl<St, F, Fut> Conformance<St, F>
where
    St: RevocationStore
        + IntrospectionStore
        + SubjectRevocationStore
        + JwtDenyList
        + IssuanceStore
        + ClientAssertionStore
        + StatusListStore,
    F: FnMut(Seed) -> Fut,
    Fut: Future<Output = St>,
{
    /// Runs every check of [`run_with_assertions`](Self::run_with_assertions),
    /// then those of [`StatusListStore`]: random slots never allocated
    /// twice in lists of a fixed capacity, statuses that follow every
    /// revocation of the store, and concurrent allocations (all distinct).
    ///
    /// # Panics
    /// As [`run`](Self::run).
    pub async fn run_with_status_lists(mut self) {
        checks::status_allocation(&self.fresh().await).await;
        checks::status_follows_revocations(&self.fresh().await).await;
        checks::concurrent_status_allocations(Arc::new(self.fresh().await)).await;
        self.run_with_assertions().await;
    }
}
