//! [`SqliteStore`]: the embedded, durable store in one SQLite file.

mod assertion;
mod issue;
mod sql;
mod traits;

use crate::clients::ClientCache;
use crate::error::failed;
use crate::group::GroupCommit;
use crate::migrate;
use crate::shared::Shared;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::StoreError;

/// Every write transaction starts with this: it takes SQLite's write lock
/// at once, so a transaction never has to upgrade a read lock, which can
/// fail with `SQLITE_BUSY` however long the busy timeout is. Writers
/// from any connection or process queue on the busy timeout instead.
const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";

/// A durable store in one SQLite file, implementing every store trait of
/// tower-revoke: [`RevocationStore`](tower_revoke::RevocationStore),
/// [`IntrospectionStore`](tower_revoke::IntrospectionStore),
/// [`SubjectRevocationStore`](tower_revoke::SubjectRevocationStore),
/// [`JwtDenyList`](tower_revoke::JwtDenyList),
/// [`IssuanceStore`](tower_revoke::IssuanceStore),
/// [`ClientAssertionStore`](tower_revoke::ClientAssertionStore) and
/// [`StatusListStore`](tower_revoke::StatusListStore).
///
/// The embedded choice: no server, revocations survive restarts, and
/// several processes can share one file. [`open`](Self::open) sets the
/// file up for that (WAL journal, a busy timeout, foreign keys, `FULL`
/// synchronous commits); [`new`](Self::new) takes a pool you configured.
/// Every write is one `BEGIN IMMEDIATE` transaction. Cloning is cheap:
/// clones share the pool.
///
/// # Statements
/// SQLite runs in this process: no network round trips, but each
/// statement is one exchange with sqlx's worker thread for the connection.
/// Client authentication and introspection are one `SELECT` each (client
/// authentication none while the client's row is in the
/// [client cache](#client-cache)), bulk revocation one `UPDATE`. A
/// revocation is 1 to 4 statements inside a transaction it may share
/// ([group commit](#group-commit)): the token's facts (`SELECT`), then, as
/// the rules decide, the token's `UPDATE` and, to end a grant, the grant's
/// `UPDATE` and a count of the tokens it ended.
///
/// [`IssuanceStore`](tower_revoke::IssuanceStore): registering a client is
/// one `INSERT`. Recording a token and rotating a refresh token are each
/// one `BEGIN IMMEDIATE` transaction that reads the facts (one `SELECT`),
/// decides by `MemoryStore`'s rules, and writes: the grant and the token
/// (recording); the rotated mark and the successors, one sent without a
/// subject with the presented token's (a rotation), or the grant's end, a
/// count of what it ended and the reused token (reuse). The write lock is
/// held from `BEGIN` to `COMMIT`, so nothing can change between the read
/// and the write: a recording never enters a grant revoked meanwhile, and
/// of concurrent rotations of one token exactly one finds it unrotated.
///
/// [`ClientAssertionStore`](tower_revoke::ClientAssertionStore)
/// (`private_key_jwt`, RFC 7523 §2.2, §3): a client's keys are one
/// `SELECT` of its `jwks` or `jwks_uri` (RFC 7591 §2); a client with keys
/// and no secret is never public. Using a client assertion is one `BEGIN
/// IMMEDIATE` transaction of two statements: `INSERT ... ON CONFLICT DO
/// UPDATE ... WHERE` the stored record has expired (one row changed: the
/// first use; none: a replay), then a `DELETE` of up to 16 other expired
/// records, so the table stays about the size of the live records without
/// a sweep of its own.
///
/// [`StatusListStore`](tower_revoke::StatusListStore): allocating a status
/// is a `SELECT` of the newest list and an `INSERT` of the first free
/// index of its random draws (or, for a full list, an `INSERT` of the
/// next one, then the allocation again), each statement a write of its
/// own; binding is one `UPDATE`; reading a list, or its version, one
/// `SELECT`. Statuses become INVALID by triggers inside the revoking
/// statements (see the [schema](crate#schema)).
///
/// # Group commit
/// With `synchronous = FULL` each commit waits for the disk, hundreds of
/// µs against a few µs of statements, so a file commits a few thousand
/// transactions a second at most. The revocations waiting at one moment,
/// up to 16, therefore share one `BEGIN IMMEDIATE` ... `COMMIT`: whoever
/// of them gets the store's writer lock first (first come, first served)
/// runs them all, in the order they came, and each is answered once that
/// transaction is committed. A caller sees what a transaction of its own
/// gives: of two revocations of one token the later finds it revoked, and
/// `Ok` means committed. When a shared transaction fails, nothing of it is
/// kept and each of its revocations runs again alone, so an error reaches
/// only the revocations it belongs to. A revocation still waiting for its
/// turn after the pool's acquire timeout fails (503), as one waiting for a
/// connection would. Clones share the writer lock
/// (except a clone given another
/// [`access_token_revokes_grant`](Self::access_token_revokes_grant));
/// other writers (issuance, other processes) take SQLite's write lock
/// between batches.
///
/// # Client cache
/// As `PostgresStore`'s: the rows of
/// known clients that
/// [`authenticate_client`](tower_revoke::RevocationStore::authenticate_client)
/// reads are held in process for at most
/// [`client_cache`](Self::client_cache)'s `max_staleness` (default 5 s),
/// so a client row changed or deleted in the file directly, or by another
/// process, takes effect in this one within `max_staleness`; unknown
/// client ids are always looked up; this store's
/// [`register_client`](tower_revoke::IssuanceStore::register_client)
/// forgets the client's entry; the secret is checked on every request.
/// `Duration::ZERO` turns it off.
///
/// # Example
/// ```no_run
/// use tower_revoke::IssuanceStore;
/// use tower_revoke::store::Seed;
/// use tower_revoke_sqlx::SqliteStore;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = SqliteStore::open("revocations.db").await?;
/// store.migrate().await?;
/// // IssuanceStore::seed: idempotent, a revoked token stays revoked.
/// let report = store.seed(&Seed::from_file("seed.json")?).await?;
/// println!("{} new clients, {} new tokens", report.registered, report.recorded);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    access_token_revokes_grant: bool,
    clients: Option<Arc<ClientCache>>,
    group: Arc<GroupCommit>,
}

impl SqliteStore {
    /// The default [`client_cache`](Self::client_cache) staleness, 5 s:
    /// short, since a second already saves nearly every client `SELECT`,
    /// so that a client deleted or given a new secret is refused within it.
    pub const DEFAULT_CLIENT_CACHE_STALENESS: Duration = ClientCache::DEFAULT_MAX_STALENESS;

    /// A store over `pool`. Nothing is checked or created until the first
    /// call: run [`migrate`](Self::migrate) once at start.
    ///
    /// Give its connections foreign keys (sqlx's default) and a busy
    /// timeout; for several processes on one file, the WAL journal. See
    /// [`connect_options`](Self::connect_options).
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            access_token_revokes_grant: false,
            clients: ClientCache::new(Self::DEFAULT_CLIENT_CACHE_STALENESS),
            group: Self::new_group(),
        }
    }

    /// Opens (creating it if missing) the database file at `path` with
    /// [`connect_options`](Self::connect_options), in a pool of up to 4
    /// connections that waits at most 5 s for one.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be created or opened, or is not
    /// a SQLite database.
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, StoreError> {
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(Self::connect_options(path))
            .await
            .map_err(failed("open"))?;
        Ok(Self::new(pool))
    }

    /// The connection options [`open`](Self::open) uses, for a pool of
    /// your own: the file at `path`, created if missing; the WAL journal
    /// (readers never block the writer, several processes share the file);
    /// `synchronous = FULL` (a committed revocation survives a power cut,
    /// not only a crash); a 5 s busy timeout (a writer waits for another
    /// instead of failing); foreign keys on.
    pub fn connect_options(path: impl AsRef<Path>) -> SqliteConnectOptions {
        SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
    }

    /// Whether revoking an access token revokes every token of its grant,
    /// refresh tokens included (default `false`), as
    /// [`MemoryStore::access_token_revokes_grant`](tower_revoke::MemoryStore::access_token_revokes_grant).
    #[must_use]
    pub fn access_token_revokes_grant(mut self, enabled: bool) -> Self {
        self.access_token_revokes_grant = enabled;
        self.group = Self::new_group();
        self
    }

    /// How long a client's row, read by
    /// [`authenticate_client`](tower_revoke::RevocationStore::authenticate_client),
    /// is held in this process and used again instead of a `SELECT`
    /// (default [`DEFAULT_CLIENT_CACHE_STALENESS`](Self::DEFAULT_CLIENT_CACHE_STALENESS),
    /// 5 s); `Duration::ZERO` turns the cache off. See
    /// [client cache](Self#client-cache). Clones made before this call keep
    /// their own cache; the clones of the store it returns share one.
    #[must_use]
    pub fn client_cache(mut self, max_staleness: Duration) -> Self {
        self.clients = ClientCache::new(max_staleness);
        self
    }

    /// The pool the store uses.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Creates or upgrades the store's tables (see the [schema](crate#schema))
    /// in one `BEGIN IMMEDIATE` transaction, so concurrent calls from
    /// several processes apply each migration once. Applied versions are
    /// kept in `tower_revoke_migrations`. Safe to call on every start.
    ///
    /// A database migrated by a later version of this crate is left as it
    /// is.
    ///
    /// # Errors
    /// [`StoreError`] when the file cannot be written.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.begin_write("migrate").await?;
        migrate::pending(&mut tx).await?;
        tx.commit().await.map_err(failed("migrate"))
    }

    /// A [group commit](Self#group-commit) of its own: one batch at a
    /// time, since SQLite has one writer.
    fn new_group() -> Arc<GroupCommit> {
        Arc::new(GroupCommit::new(1))
    }

    /// A write transaction on a pooled connection, begun with
    /// [`BEGIN_WRITE`]; an error names `operation`.
    async fn begin_write(
        &self,
        operation: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool
            .begin_with(BEGIN_WRITE)
            .await
            .map_err(failed(operation))
    }

    /// The statements this store runs as `PostgresStore` does.
    pub(crate) fn shared(&self) -> Shared<'_, Sqlite> {
        Shared::new(&self.pool).with_clients(self.clients.as_deref())
    }
}

/// Shows the pool's size, never its connection options.
impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("pool_size", &self.pool.size())
            .field(
                "access_token_revokes_grant",
                &self.access_token_revokes_grant,
            )
            .field("client_cache", &self.clients)
            .finish()
    }
}
