//! [`MemoryStore`]: the embedded, in-memory
//! [`RevocationStore`](crate::RevocationStore).

mod fingerprint;
mod record;
mod rules;
mod shard;

use super::seed::{self, SeedError, TokenEntry};
use crate::client::{ClientId, ClientSecret};
use fingerprint::{Fingerprint, Fingerprinter, Half};
use record::{now, Details, Record};
use shard::ShardedMap;
use std::fmt;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// An in-memory [`RevocationStore`](crate::RevocationStore): clients and
/// tokens in sharded hash maps, each token with an atomic revoked flag.
///
/// Cloning is cheap and every clone shares the same state, so one store can
/// back a revocation endpoint and the protected routes of the same app.
/// Revoked tokens are flagged, never removed (memory only grows).
///
/// # Rules
/// - Client authentication (RFC 6749 §2.3): a confidential client (one with
///   a secret) must present its secret, by any method that carries one; a
///   public client must present none (method `none`).
/// - Revocation (RFC 7009 §2.1): the token is found whatever its
///   `token_type_hint`. Unknown, expired or already revoked: `NotFound`.
///   Issued to another client: `IssuedToAnotherClient`. Not revocable:
///   `UnsupportedTokenType`. A refresh token revokes every token of its
///   grant; an access token only itself (see
///   [`access_token_revokes_grant`](Self::access_token_revokes_grant)).
/// - Bearer checks: only an access token that is neither revoked nor
///   expired is active.
///
/// # Performance
/// Every lookup is a hash lookup (with indexes by grant id and by subject):
/// the cost of a request does not grow with the number of tokens, and a
/// revocation of an access token reads one small record stored in the
/// table itself. Maps are sharded (64 `RwLock`s each) and a revocation only
/// takes a read lock and flips the token's atomic flag, so requests on
/// different tokens run in parallel.
///
/// # Security
/// Tokens are not kept: the token map is keyed by a 128-bit SipHash
/// fingerprint under a random per-store key. Client secrets are kept as
/// given, compared in constant time; an unknown client costs one dummy
/// comparison, though the length of a secret may still show in timing (see
/// [`constant_time_eq`](crate::constant_time_eq)). `Debug` shows only
/// counts.
///
/// # Example
/// ```
/// use tower_revoke::{
///     AuthenticatedClient, ClientAuthMethod, ClientCredentials, ClientId, ClientSecret,
///     ClientType, MemoryStore, RevocationOutcome, RevocationRequest, RevocationStore, Token,
/// };
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
/// assert_eq!(outcome, RevocationOutcome::Revoked);
/// assert!(!store.is_active("AT1")); // the whole grant is revoked
/// # }
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    shared: Arc<Shared>,
    access_token_revokes_grant: bool,
}

struct Shared {
    clients: ShardedMap<Box<str>, Client>,
    /// Tokens by fingerprint: the store never keeps a token itself.
    tokens: ShardedMap<Fingerprint, Record, Half<false>, Half<true>>,
    fingerprinter: Fingerprinter,
    /// The tokens of each grant id.
    grants: ShardedMap<Box<str>, Vec<Fingerprint>>,
    /// The tokens of each subject.
    subjects: ShardedMap<Box<str>, Vec<Fingerprint>>,
}

struct Client {
    /// Shared by the client's tokens.
    client_id: Arc<ClientId>,
    /// `None` for a public client.
    secret: Option<ClientSecret>,
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
            }),
            access_token_revokes_grant: false,
        }
    }

    /// A store loaded from a JSON seed document.
    ///
    /// The document is an object with two optional arrays:
    /// - `clients`: objects with `client_id` (required) and `client_secret`
    ///   (optional; without it the client is public and authenticates with
    ///   method `none`).
    /// - `tokens`: objects with `token`, `type` (`"access_token"` or
    ///   `"refresh_token"`) and `client_id` (a client listed in `clients`),
    ///   all required; and optionally `grant_id`, `subject`, `labels` (an
    ///   object of strings), `expires_at` (Unix seconds, a non-negative
    ///   integer) and `revocable` (`true` by default; `false` for tokens the
    ///   store cannot revoke). See [`TokenEntry`] for what each one means.
    ///
    /// Strings must be non-empty; optional fields are left out, not `null`.
    /// Entries are checked and inserted one at a time as the document is
    /// read, so a large seed is never held as a JSON tree.
    ///
    /// # Errors
    /// A [`SeedError`] naming the first entry and field at fault: invalid
    /// JSON, an unknown or repeated field, a missing field, a value of the
    /// wrong type or empty, a duplicate client id or token, or a token of an
    /// unknown client.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::MemoryStore;
    ///
    /// let store = MemoryStore::from_seed_json(r#"{
    ///     "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}, {"client_id": "pub1"}],
    ///     "tokens": [
    ///         {"token": "AT1", "type": "access_token", "client_id": "app1", "subject": "alice",
    ///          "labels": {"provider": "github"}},
    ///         {"token": "old", "type": "access_token", "client_id": "pub1", "expires_at": 1000},
    ///         {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false}
    ///     ]
    /// }"#)
    /// .unwrap();
    /// assert!(store.is_active("AT1"));
    /// assert!(!store.is_active("old"));
    ///
    /// let err = MemoryStore::from_seed_json(r#"{"tokens": [{"token": "t", "type": "id_token"}]}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), r#"tokens[0].type: expected "access_token" or "refresh_token""#);
    /// ```
    pub fn from_seed_json(json: &str) -> Result<Self, SeedError> {
        let store = Self::new();
        seed::load(&store, json)?;
        Ok(store)
    }

    /// A store loaded from the JSON seed file at `path` (format: see
    /// [`from_seed_json`](Self::from_seed_json)).
    ///
    /// # Errors
    /// A [`SeedError`] starting with the path: the file cannot be read or is
    /// not UTF-8, or its content is refused as by `from_seed_json`.
    pub fn from_seed_file(path: impl AsRef<Path>) -> Result<Self, SeedError> {
        let store = Self::new();
        seed::load_file(&store, path.as_ref())?;
        Ok(store)
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

    /// Registers a client: confidential with `client_secret`, public
    /// (method `none`) without.
    ///
    /// # Errors
    /// `client_id: duplicate client id` when the id is taken.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::{ClientId, ClientSecret, MemoryStore};
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
        let key = client_id.as_str().into();
        let client = Client {
            client_id: Arc::new(client_id),
            secret: client_secret,
        };
        match self.shared.clients.insert_new(key, client) {
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
    /// use tower_revoke::{ClientId, MemoryStore, Token, TokenEntry, TokenKind};
    ///
    /// let store = MemoryStore::new();
    /// let app1 = ClientId::new("app1").unwrap();
    /// store.insert_client(app1.clone(), None).unwrap();
    /// let token = Token::new("AT1").unwrap();
    /// store
    ///     .insert_token(TokenEntry::new(token, TokenKind::AccessToken, app1).subject("alice"))
    ///     .unwrap();
    /// assert!(store.is_active("AT1"));
    /// ```
    pub fn insert_token(&self, entry: TokenEntry) -> Result<(), SeedError> {
        entry.check()?;
        let shared = &*self.shared;
        let client_id = entry.client_id.as_str();
        let Some(client_id) = shared.clients.with(client_id, |c| Arc::clone(&c.client_id)) else {
            let problem = format!("unknown client {client_id:?}");
            return Err(SeedError::entry("client_id", problem));
        };
        let fingerprint = shared.fingerprinter.of(entry.token.secret());
        let grant_id: Option<Arc<str>> = entry.grant_id.map(Into::into);
        let subject: Option<Arc<str>> = entry.subject.map(Into::into);
        let labels: Box<[_]> = entry
            .labels
            .into_iter()
            .map(|(n, v)| (n.into(), v.into()))
            .collect();
        let details = (grant_id.is_some() || subject.is_some() || !labels.is_empty()).then(|| {
            Box::new(Details {
                grant_id: grant_id.clone(),
                subject: subject.clone(),
                labels,
            })
        });
        let record = Record {
            client_id,
            expires_at: entry.expires_at.unwrap_or(u64::MAX),
            details,
            kind: entry.kind,
            revocable: entry.revocable,
            revoked: AtomicBool::new(false),
        };
        if !shared.tokens.insert_new(fingerprint, record) {
            return Err(SeedError::entry("token", "duplicate token"));
        }
        if let Some(grant_id) = grant_id {
            shared
                .grants
                .upsert(&*grant_id, |tokens| tokens.push(fingerprint));
        }
        if let Some(subject) = subject {
            shared
                .subjects
                .upsert(&*subject, |tokens| tokens.push(fingerprint));
        }
        Ok(())
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
    use crate::store::seed::TokenKind;
    use crate::token::Token;

    fn entry(token: &str, client_id: &str) -> TokenEntry {
        let token = Token::new(token).unwrap();
        TokenEntry::new(
            token,
            TokenKind::AccessToken,
            ClientId::new(client_id).unwrap(),
        )
    }

    #[test]
    fn insert_token_refuses_unknown_clients_and_duplicates() {
        let store = MemoryStore::new();
        let err = store.insert_token(entry("AT1", "app1")).unwrap_err();
        assert_eq!(err.to_string(), r#"client_id: unknown client "app1""#);
        store
            .insert_client(ClientId::new("app1").unwrap(), None)
            .unwrap();
        store.insert_token(entry("AT1", "app1")).unwrap();
        let err = store.insert_token(entry("AT1", "app1")).unwrap_err();
        assert_eq!(err.to_string(), "token: duplicate token");
    }

    #[test]
    fn clones_share_tokens_but_not_settings() {
        let store = MemoryStore::new();
        let clone = store.clone().access_token_revokes_grant(true);
        store
            .insert_client(ClientId::new("app1").unwrap(), None)
            .unwrap();
        store
            .insert_token(entry("AT1", "app1").expires_at(1))
            .unwrap();
        store.insert_token(entry("AT2", "app1")).unwrap();
        assert!(!clone.is_active("AT1"), "expired");
        assert!(clone.is_active("AT2"));
        assert!(!store.access_token_revokes_grant && clone.access_token_revokes_grant);
    }

    #[test]
    fn debug_shows_counts_only() {
        let store = MemoryStore::new();
        let secret = ClientSecret::new("s3cr3t");
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
}
