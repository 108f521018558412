//! [`ClientCache`]: the client rows that
//! [`authenticate_client`](tower_revoke::RevocationStore::authenticate_client)
//! reads, held in process by both stores (issue 23), so that a revocation
//! or an introspection request costs one statement on the database rather
//! than two.
//!
//! What is held, per client id, is exactly what the `SELECT` returned: the
//! client is public, has keys only, or has this secret digest. The
//! authentication itself ([`StoredClient::authenticate`]: one SHA-256 of
//! the presented secret, one comparison in constant time) still runs on
//! every request; only the `SELECT` is saved.
//!
//! - Only known clients are held: an unknown client id always asks the
//!   database, so a client registered by another instance (or by hand) is
//!   found at once, and requests with made-up ids cannot fill the cache.
//! - An entry is served for at most `max_staleness`, counted from before
//!   the `SELECT` that read it was sent: a row changed or deleted in the
//!   database after that is seen by this instance within `max_staleness`.
//! - This instance's `register_client` forgets the client's entry (a
//!   registration never replaces a row, so this only makes sure the next
//!   request reads what the database holds); the conformance kit's reset
//!   empties the cache.
//! - At most [`DEFAULT_CAPACITY`](ClientCache::DEFAULT_CAPACITY) clients
//!   (`quick_cache`'s CLOCK-Pro eviction beyond).
//!
//! Entries hold a SHA-256 digest of the secret, never the secret, and are
//! never shown by `Debug`.

use quick_cache::sync::Cache;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_revoke::client::ClientCredentials;
use tower_revoke::store::{SecretDigest, StoredClient};
use tower_revoke::AuthenticatedClient;

/// A known client, as its row in `tower_revoke_clients` says.
#[derive(Clone)]
pub(crate) enum ClientRow {
    /// No secret and no keys.
    Public,
    /// Keys (`jwks` or `jwks_uri`) and no secret.
    KeysOnly,
    /// The digest of its secret.
    Confidential(SecretDigest),
}

impl ClientRow {
    /// [`StoredClient::authenticate`] over this row.
    pub(crate) fn authenticate(
        &self,
        credentials: &ClientCredentials,
    ) -> Option<AuthenticatedClient> {
        match self {
            Self::Public => StoredClient::Public,
            Self::KeysOnly => StoredClient::KeysOnly,
            Self::Confidential(digest) => StoredClient::Confidential(digest),
        }
        .authenticate(credentials)
    }
}

/// A row and when the `SELECT` that read it was sent.
#[derive(Clone)]
struct Entry {
    row: ClientRow,
    read_at: Instant,
}

/// Known clients' rows by client id, each served for at most
/// `max_staleness`; shared by a store's clones.
pub(crate) struct ClientCache {
    entries: Cache<String, Entry>,
    max_staleness: Duration,
}

impl ClientCache {
    /// How long an entry is served by default: 5 s. Any staleness of a
    /// second or more already saves nearly every `SELECT` (one per client
    /// and instance per period, against hundreds or thousands of requests),
    /// so the default is kept short: a client deleted or given a new secret
    /// in the database is refused by every instance within 5 s.
    pub(crate) const DEFAULT_MAX_STALENESS: Duration = Duration::from_secs(5);

    /// How many clients are held at most.
    pub(crate) const DEFAULT_CAPACITY: usize = 10_000;

    /// A cache serving entries for at most `max_staleness`; `None` (no
    /// cache: every request reads the row) for `Duration::ZERO`.
    pub(crate) fn new(max_staleness: Duration) -> Option<Arc<Self>> {
        (!max_staleness.is_zero()).then(|| {
            Arc::new(Self {
                entries: Cache::new(Self::DEFAULT_CAPACITY),
                max_staleness,
            })
        })
    }

    /// The row of `client_id` when one is held and was read less than
    /// `max_staleness` ago.
    pub(crate) fn get(&self, client_id: &str) -> Option<ClientRow> {
        let entry = self.entries.get(client_id)?;
        (entry.read_at.elapsed() < self.max_staleness).then_some(entry.row)
    }

    /// Holds `row` for `client_id`, read by a `SELECT` sent at `read_at`.
    pub(crate) fn put(&self, client_id: &str, row: ClientRow, read_at: Instant) {
        self.entries
            .insert(client_id.to_owned(), Entry { row, read_at });
    }

    /// Forgets `client_id`'s row: the next request reads it.
    pub(crate) fn forget(&self, client_id: &str) {
        self.entries.remove(client_id);
    }

    /// Forgets every row.
    #[cfg_attr(not(feature = "testkit"), allow(dead_code))]
    pub(crate) fn clear(&self) {
        self.entries.clear();
    }
}

/// The settings and the number of clients held, never a row.
impl fmt::Debug for ClientCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCache")
            .field("max_staleness", &self.max_staleness)
            .field("clients", &self.entries.len())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_revoke::client::{ClientAuthMethod, ClientId, ClientSecret};

    fn basic(secret: &str) -> ClientCredentials {
        ClientCredentials::new(
            ClientId::new("app1").unwrap(),
            Some(ClientSecret::new(secret).unwrap()),
            ClientAuthMethod::ClientSecretBasic,
        )
    }

    fn confidential(secret: &str) -> ClientRow {
        ClientRow::Confidential(SecretDigest::of(&ClientSecret::new(secret).unwrap()))
    }

    #[test]
    fn zero_staleness_is_no_cache() {
        assert!(ClientCache::new(Duration::ZERO).is_none());
    }

    #[test]
    fn an_entry_is_served_until_max_staleness_from_its_read() {
        let cache = ClientCache::new(Duration::from_secs(5)).unwrap();
        let now = Instant::now();
        cache.put("app1", confidential("s3cr3t"), now);
        let row = cache.get("app1").expect("fresh");
        assert!(row.authenticate(&basic("s3cr3t")).is_some());
        assert!(row.authenticate(&basic("wrong")).is_none());
        assert!(cache.get("app2").is_none());
        // Read 5 s ago: stale, whenever it was put.
        let earlier = now.checked_sub(Duration::from_secs(5)).unwrap();
        cache.put("app1", confidential("s3cr3t"), earlier);
        assert!(cache.get("app1").is_none());
    }

    #[test]
    fn forget_and_clear_drop_entries() {
        let cache = ClientCache::new(Duration::from_secs(5)).unwrap();
        cache.put("app1", ClientRow::Public, Instant::now());
        cache.put("app2", ClientRow::KeysOnly, Instant::now());
        cache.forget("app1");
        assert!(cache.get("app1").is_none());
        assert!(cache.get("app2").is_some());
        cache.clear();
        assert!(cache.get("app2").is_none());
    }

    #[test]
    fn debug_shows_no_digest() {
        let cache = ClientCache::new(Duration::from_secs(5)).unwrap();
        cache.put("app1", confidential("s3cr3t"), Instant::now());
        let shown = format!("{cache:?}");
        assert_eq!(shown, "ClientCache { max_staleness: 5s, clients: 1 }");
    }
}
