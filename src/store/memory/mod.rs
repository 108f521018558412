//! [`MemoryStore`]: the embedded, in-memory store.

mod assertion;
mod deny;
pub(crate) mod fingerprint;
mod issue;
mod record;
mod rules;
mod shard;
mod status;

use super::seed::{self, CheckedSeedFile, Seed, SeedError};
use super::SeedReport;
use super::{ClientKeys, SecretDigest};
use crate::client::ClientId;
use crate::IssuanceStore;
use fingerprint::{Fingerprint, Fingerprinter, Prehashed};
use record::{now, Details, Grant, Record};
use shard::ShardedMap;
use std::fmt;
use std::future::Future;
use std::path::Path;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// An in-memory store implementing every store trait
/// ([`RevocationStore`](crate::RevocationStore),
/// [`IntrospectionStore`](crate::IntrospectionStore),
/// [`SubjectRevocationStore`](crate::SubjectRevocationStore),
/// [`JwtDenyList`](crate::JwtDenyList)): clients and tokens in sharded hash
/// maps, each token with an atomic revoked flag.
///
/// Cloning is cheap and every clone shares the same state, so one store can
/// back a revocation endpoint and the protected routes of the same app.
/// Revoked tokens are flagged, never removed (memory only grows), and
/// nothing survives the process: for revocations that last, use a durable
/// store.
///
/// # Rules
/// - Client authentication (RFC 6749 §2.3) by
///   [`StoredClient::authenticate`](crate::store::StoredClient::authenticate).
/// - Revocation (RFC 7009 §2.1) in the order
///   [`RevocationStore::revoke`](crate::RevocationStore::revoke) gives: a
///   refresh token revokes every token of its grant (grants are scoped to
///   their client); an access token only itself (see
///   [`access_token_revokes_grant`](Self::access_token_revokes_grant)).
/// - Introspection: a token is active while neither it nor its grant is
///   revoked and it has not expired.
///
/// # Performance
/// Every lookup is a hash lookup: the cost of a request does not grow with
/// the number of tokens. Maps are sharded (64 `RwLock`s each); a revocation
/// takes read locks only and flips atomic flags (the token's, and its
/// grant's for a cascade), so requests on different tokens run in parallel.
/// [`introspect_now`](crate::IntrospectionStore::introspect_now) answers
/// the Bearer guard without a future or an allocation.
///
/// # Memory
/// A token costs its bucket in the token map (a 16-byte fingerprint and a
/// 48-byte record), a share of its grant (one allocation, holding up to
/// two tokens inline) and 16 bytes in its subject's list; its client id
/// and its details (subject, scope, labels) are shared with every token
/// that has the same ones. `cargo bench --bench memory` measures it:
/// about 230 bytes of heap per token at 1,000,000 tokens (pairs of access
/// and refresh tokens with a grant, a subject and a scope each); what the
/// process keeps resident above that is the allocator's (see
/// `benches/README.md`). [`with_capacity`](Self::with_capacity) sizes the
/// token map up front.
///
/// # Security
/// Tokens are not kept: the token map is keyed by a 128-bit SipHash
/// fingerprint under a random per-store key. Client secrets are kept as
/// SHA-256 [`SecretDigest`]s. `Debug` shows only counts.
///
/// # Example
/// ```
/// use tower_revoke::{
///     AuthenticatedClient, ClientType, MemoryStore, RevocationOutcome, RevocationStore,
/// };
/// use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
/// use tower_revoke::request::{RevocationRequest, Token};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let store = MemoryStore::from_seed_json(r#"{
///     "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
///     "tokens": [
///         {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
///         {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1"}
///     ]
/// }"#)
/// .unwrap();
///
/// let credentials = ClientCredentials::new(
///     ClientId::new("app1").unwrap(),
///     Some(ClientSecret::new("s3cr3t").unwrap()),
///     ClientAuthMethod::ClientSecretBasic,
/// );
/// let client = store.authenticate_client(&credentials).await.unwrap().unwrap();
/// assert_eq!(client.client_type, ClientType::Confidential);
///
/// let request = RevocationRequest::new(Token::new("RT1").unwrap(), None);
/// let outcome = store.revoke(&client, &request).await.unwrap();
/// assert!(matches!(outcome, RevocationOutcome::Revoked { cascaded: 1, .. }));
/// assert!(!store.is_active("AT1")); // the whole grant is revoked
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    shared: Arc<Shared>,
    access_token_revokes_grant: bool,
}

struct Shared {
    /// Clients by the fingerprint of their id, as tokens are keyed: a hit
    /// compares two 128-bit keys like a miss probes, so the time of a
    /// lookup does not tell whether the client exists.
    clients: ShardedMap<Fingerprint, Client, Prehashed>,
    /// Tokens by fingerprint: the store never keeps a token itself.
    tokens: ShardedMap<Fingerprint, Record, Prehashed>,
    fingerprinter: Fingerprinter,
    /// Grants by the fingerprint of their client id and grant id
    /// ([`grant_key`]).
    grants: ShardedMap<Fingerprint, Arc<Grant>, Prehashed>,
    /// One copy of each distinct [`Details`] the records point to: the
    /// tokens of a subject with one scope share theirs.
    details: ShardedMap<Arc<Details>, ()>,
    /// The tokens of each subject.
    subjects: ShardedMap<Box<str>, Vec<Fingerprint>>,
    /// What an unknown client's lookup copies instead of a stored digest.
    stand_in: SecretDigest,
    /// The JWT deny-list ([`JwtDenyList`](crate::JwtDenyList)).
    jwts: deny::DeniedJwts,
    /// The used client assertions ([`ClientAssertionStore`](crate::ClientAssertionStore)).
    assertions: assertion::UsedAssertions,
    /// The Token Status Lists ([`StatusListStore`](crate::StatusListStore)).
    statuses: status::Statuses,
}

/// A registered client: its id (shared with its tokens' records), its
/// secret's digest (`None` without a secret) and its keys.
struct Client {
    id: Arc<ClientId>,
    secret: Option<SecretDigest>,
    keys: Option<ClientKeys>,
}

impl MemoryStore {
    /// An empty store: no clients, no tokens.
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    /// An empty store with room for `tokens` tokens before its token map
    /// grows: a store about to hold a seed of that many never holds two
    /// copies of its biggest table while it loads it.
    pub fn with_capacity(tokens: usize) -> Self {
        Self {
            shared: Arc::new(Shared {
                clients: ShardedMap::new(),
                tokens: ShardedMap::with_capacity(tokens),
                fingerprinter: Fingerprinter::new(),
                grants: ShardedMap::new(),
                details: ShardedMap::new(),
                subjects: ShardedMap::new(),
                stand_in: SecretDigest::from_bytes([0; 32]),
                jwts: deny::DeniedJwts::default(),
                assertions: assertion::UsedAssertions::default(),
                statuses: status::Statuses::default(),
            }),
            access_token_revokes_grant: false,
        }
    }

    /// A store holding `seed`, loaded through [`IssuanceStore::seed`] (so
    /// under exactly the rules of issuance).
    ///
    /// # Example
    /// ```
    /// use tower_revoke::MemoryStore;
    /// use tower_revoke::store::Seed;
    ///
    /// let seed = Seed::from_json(r#"{"clients": [{"client_id": "pub1"}],
    ///     "tokens": [{"token": "AT1", "type": "access_token", "client_id": "pub1"}]}"#).unwrap();
    /// assert!(MemoryStore::from_seed(&seed).is_active("AT1"));
    /// ```
    pub fn from_seed(seed: &Seed) -> Self {
        let store = Self::with_capacity(seed.tokens().len());
        // Every call of this store completes when first polled: nothing in
        // it waits, so the seed is loaded by this one poll.
        let loaded =
            pin!(IssuanceStore::seed(&store, seed)).poll(&mut Context::from_waker(Waker::noop()));
        match loaded {
            Poll::Ready(Ok(_)) => store,
            Poll::Ready(Err(error)) => unreachable!("MemoryStore never fails: {error}"),
            Poll::Pending => unreachable!("MemoryStore never waits"),
        }
    }

    /// A store loaded from a JSON seed document (format: [`Seed`]).
    ///
    /// # Errors
    /// A [`SeedError`] naming the first entry and field at fault.
    pub fn from_seed_json(json: &str) -> Result<Self, SeedError> {
        Ok(Self::from_seed(&Seed::from_json(json)?))
    }

    /// A store loaded from the JSON seed file at `path` (format: [`Seed`]),
    /// read entry by entry as [`load_seed_file`](Self::load_seed_file)
    /// reads it, its token map sized for the file's tokens.
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path.
    pub fn from_seed_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let file = CheckedSeedFile::check(path)?;
        let store = Self::with_capacity(file.tokens());
        store.load_checked_seed_file(&file)?;
        Ok(store)
    }

    /// Loads the JSON seed file at `path` (format: [`Seed`]) into this
    /// store under the rules of [`IssuanceStore::seed`], never holding the
    /// whole seed: the file is read twice, entry by entry, first to check
    /// it ([`CheckedSeedFile::check`]), then to load it
    /// ([`load_checked_seed_file`](Self::load_checked_seed_file)). A seed
    /// of a million tokens takes about a quarter of what
    /// [`Seed::from_file`] and [`from_seed`](Self::from_seed) take at
    /// their peak, and leaves no hole in the heap for the process to keep
    /// (`cargo bench --bench memory`).
    ///
    /// Everything [`Seed::from_file`] checks is checked before the store
    /// changes, except duplicate tokens: a token listed twice is recorded
    /// once and counted again as already recorded (or refused, when the
    /// two entries differ).
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path; the store is unchanged.
    /// (Should the file change between the two readings, an entry the
    /// second refuses stops the loading there.)
    pub fn load_seed_file(&self, path: impl AsRef<Path>) -> Result<SeedReport, SeedError> {
        self.load_checked_seed_file(&CheckedSeedFile::check(path)?)
    }

    /// Registers the clients of `file`, a seed file already checked, and
    /// records its tokens, read from the file entry by entry: the second
    /// half of [`load_seed_file`](Self::load_seed_file), for an app that
    /// checked the file itself to read its clients.
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path: the file cannot be read
    /// again, or changed since the check and an entry is refused now
    /// (the loading stops there).
    pub fn load_checked_seed_file(&self, file: &CheckedSeedFile) -> Result<SeedReport, SeedError> {
        let mut report = SeedReport::default();
        for client in file.clients().clients() {
            report.count_registration(self.register(client));
        }
        seed::for_each_token(file.path(), |token| {
            report.count_recording(self.record_entry(token));
        })?;
        Ok(report)
    }

    /// Whether revoking an access token revokes every token of its grant,
    /// refresh tokens included (default `false`: only the access token
    /// itself). Revoking a refresh token always revokes its whole grant.
    ///
    /// The setting belongs to this handle and the clones made from it
    /// afterwards; the tokens are shared with every clone.
    #[must_use]
    pub fn access_token_revokes_grant(mut self, enabled: bool) -> Self {
        self.access_token_revokes_grant = enabled;
        self
    }

    /// Whether `token` (of any kind) is stored, not revoked and not expired.
    pub fn is_active(&self, token: &str) -> bool {
        let (now, shared) = (now(), &*self.shared);
        let fingerprint = shared.fingerprinter.of(token);
        let active = shared
            .tokens
            .with(&fingerprint, |record| record.is_active(now));
        active == Some(true)
    }
}

/// The key of a grant: the fingerprint of its client's id, a NUL (which a
/// client id cannot hold), then the grant id. Two clients' grants never
/// share a key (but with a fingerprint's odds).
fn grant_key(fingerprinter: &Fingerprinter, client_id: &ClientId, grant_id: &str) -> Fingerprint {
    fingerprinter.of(&format!("{}\0{grant_id}", client_id.as_str()))
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows how many clients and tokens the store holds, never their values.
impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore")
            .field("clients", &self.shared.clients.len())
            .field("tokens", &self.shared.tokens.len())
            .field(
                "access_token_revokes_grant",
                &self.access_token_revokes_grant,
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_counts_only() {
        let seed = Seed::from_json(
            r#"{"clients": [{"client_id": "app1", "client_secret": "s3cr3t-value"}],
                "tokens": [{"token": "AT-secret-value", "type": "access_token", "client_id": "app1"}]}"#,
        )
        .unwrap();
        assert_eq!(
            format!("{:?}", MemoryStore::from_seed(&seed)),
            "MemoryStore { clients: 1, tokens: 1, access_token_revokes_grant: false }"
        );
    }
}
