//! [`MemoryStore`]: the embedded, in-memory store.

mod deny;
mod fingerprint;
mod issue;
mod record;
mod rules;
mod shard;

use super::seed::{Seed, SeedError};
use super::{Recording, SecretDigest, TokenEntry};
use crate::client::{ClientId, ClientSecret};
use fingerprint::{Fingerprint, Fingerprinter, Prehashed};
use record::{now, Grant, Record};
use shard::ShardedMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;

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
///     ClientSecret::new("s3cr3t"),
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
    /// Clients by id; `None` is a public client.
    /// Clients by the fingerprint of their id, as tokens are keyed: a hit
    /// compares two 128-bit keys like a miss probes, so the time of a
    /// lookup does not tell whether the client exists.
    clients: ShardedMap<Fingerprint, Option<SecretDigest>, Prehashed>,
    /// Tokens by fingerprint: the store never keeps a token itself.
    tokens: ShardedMap<Fingerprint, Record, Prehashed>,
    fingerprinter: Fingerprinter,
    /// Grants by client id and grant id ([`grant_key`]).
    grants: ShardedMap<Box<str>, Arc<Grant>>,
    /// The tokens of each subject.
    subjects: ShardedMap<Box<str>, Vec<Fingerprint>>,
    /// What an unknown client's lookup copies instead of a stored digest.
    stand_in: SecretDigest,
    /// The JWT deny-list ([`JwtDenyList`](crate::JwtDenyList)).
    jwts: deny::DeniedJwts,
}

impl MemoryStore {
    /// An empty store: no clients, no tokens.
    pub fn new() -> Self {
        Self {
            shared: Arc::new(Shared {
                clients: ShardedMap::new(),
                tokens: ShardedMap::new(),
                fingerprinter: Fingerprinter::new(),
                grants: ShardedMap::new(),
                subjects: ShardedMap::new(),
                stand_in: SecretDigest::from_bytes([0; 32]),
                jwts: deny::DeniedJwts::default(),
            }),
            access_token_revokes_grant: false,
        }
    }

    /// A store loaded from a JSON seed document (format: [`Seed`]).
    ///
    /// # Errors
    /// A [`SeedError`] naming the first entry and field at fault.
    pub fn from_seed_json(json: &str) -> Result<Self, SeedError> {
        let store = Self::new();
        store.seed(&Seed::from_json(json)?);
        Ok(store)
    }

    /// A store loaded from the JSON seed file at `path` (format: [`Seed`]).
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path.
    pub fn from_seed_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let store = Self::new();
        store.seed(&Seed::from_file(path)?);
        Ok(store)
    }

    /// Inserts the seed's clients and tokens that the store does not hold
    /// yet, leaving those it holds exactly as they are (a revoked token
    /// stays revoked, a secret is not replaced). Returns how many clients
    /// and tokens it inserted.
    pub fn seed(&self, seed: &Seed) -> (usize, usize) {
        let mut inserted = (0, 0);
        for client in seed.clients() {
            let secret = client.client_secret.clone();
            let new = self.insert_client(client.client_id.clone(), secret).is_ok();
            inserted.0 += usize::from(new);
        }
        for token in seed.tokens() {
            inserted.1 += usize::from(self.insert_token(token.clone()).is_ok());
        }
        inserted
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

    /// Registers a client: confidential with `client_secret` (kept as its
    /// [`SecretDigest`]), public (method `none`) without.
    ///
    /// # Errors
    /// `client_id: duplicate client id` when the id is taken.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::MemoryStore;
    /// use tower_revoke::client::{ClientId, ClientSecret};
    ///
    /// let store = MemoryStore::new();
    /// store.insert_client(ClientId::new("app1").unwrap(), ClientSecret::new("s3cr3t")).unwrap();
    /// store.insert_client(ClientId::new("pub1").unwrap(), None).unwrap();
    /// assert!(store.insert_client(ClientId::new("pub1").unwrap(), None).is_err());
    /// ```
    pub fn insert_client(
        &self,
        client_id: ClientId,
        client_secret: Option<ClientSecret>,
    ) -> Result<(), SeedError> {
        let digest = client_secret.as_ref().map(SecretDigest::of);
        let key = self.shared.fingerprinter.of(client_id.as_str());
        match self.shared.clients.insert_new(key, digest) {
            true => Ok(()),
            false => Err(SeedError::entry("client_id", "duplicate client id")),
        }
    }

    /// Stores a token. It is active at once (unless already expired).
    ///
    /// # Errors
    /// `client_id: unknown client "<id>"` when its client was not inserted
    /// first; `token: duplicate token` when the token is already stored (the
    /// value is never printed); `grant_id`, `subject` or `labels.<name>:
    /// expected a non-empty string`, `labels: empty label name`.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::{MemoryStore, TokenKind};
    /// use tower_revoke::client::ClientId;
    /// use tower_revoke::request::Token;
    /// use tower_revoke::store::TokenEntry;
    ///
    /// let store = MemoryStore::new();
    /// let app1 = ClientId::new("app1").unwrap();
    /// store.insert_client(app1.clone(), None).unwrap();
    /// let token = Token::new("AT1").unwrap();
    /// store
    ///     .insert_token(TokenEntry::new(token, TokenKind::AccessToken, app1).with_subject("alice"))
    ///     .unwrap();
    /// assert!(store.is_active("AT1"));
    /// ```
    pub fn insert_token(&self, entry: TokenEntry) -> Result<(), SeedError> {
        entry
            .check()
            .map_err(|(at, problem)| SeedError::entry(&at, problem))?;
        let client_id = entry.client_id.clone();
        match self.record_entry(entry) {
            Recording::Recorded => Ok(()),
            Recording::UnknownClient => {
                let problem = format!("unknown client {:?}", client_id.as_str());
                Err(SeedError::entry("client_id", problem))
            }
            Recording::GrantRevoked => Err(SeedError::entry("grant_id", "the grant is revoked")),
            _ => Err(SeedError::entry("token", "duplicate token")),
        }
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

/// The key of a grant: its client's id, a NUL (which a client id cannot
/// hold), then the grant id. Two clients' grants never share a key.
fn grant_key(client_id: &ClientId, grant_id: &str) -> String {
    format!("{}\0{grant_id}", client_id.as_str())
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
    use crate::request::Token;
    use crate::store::TokenKind;

    fn entry(token: &str, client: &str) -> TokenEntry {
        let client = ClientId::new(client).unwrap();
        TokenEntry::new(Token::new(token).unwrap(), TokenKind::AccessToken, client)
    }

    #[test]
    fn debug_shows_counts_only() {
        let store = MemoryStore::new();
        let secret = ClientSecret::new("s3cr3t-value");
        store
            .insert_client(ClientId::new("app1").unwrap(), secret)
            .unwrap();
        store
            .insert_token(entry("AT-secret-value", "app1"))
            .unwrap();
        assert_eq!(
            format!("{store:?}"),
            "MemoryStore { clients: 1, tokens: 1, access_token_revokes_grant: false }"
        );
    }

    #[test]
    fn tokens_of_unknown_clients_and_duplicates_are_refused() {
        let store = MemoryStore::new();
        let err = store.insert_token(entry("AT1", "nobody")).unwrap_err();
        assert_eq!(err.to_string(), r#"client_id: unknown client "nobody""#);
        store
            .insert_client(ClientId::new("app1").unwrap(), None)
            .unwrap();
        store.insert_token(entry("AT1", "app1")).unwrap();
        let err = store.insert_token(entry("AT1", "app1")).unwrap_err();
        assert_eq!(err.to_string(), "token: duplicate token");
    }

    #[test]
    fn seeding_twice_changes_nothing() {
        let seed = Seed::from_json(
            r#"{"clients": [{"client_id": "app1"}],
                "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1"}]}"#,
        )
        .unwrap();
        let store = MemoryStore::new();
        assert_eq!(store.seed(&seed), (1, 1));
        assert_eq!(store.seed(&seed), (0, 0));
    }
}
