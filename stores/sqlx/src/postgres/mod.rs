//! [`PostgresStore`]: the store over a PostgreSQL connection pool.

mod assertion;
mod issue;
mod listen;
mod sql;
mod traits;

pub use listen::RevocationListener;

use crate::clients::ClientCache;
use crate::error::failed;
use crate::group::GroupCommit;
use crate::migrate;
use crate::shared::Shared;
use sqlx::{Connection, PgConnection, PgPool, Postgres};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::StoreError;

/// How many batches of revocations run at once on one store and its
/// clones (see [group commit](PostgresStore#group-commit)), each on a
/// pooled connection: two keep the database busy while one batch's answer
/// travels back and the next gathers. (The `sql_revocation` bench at 16
/// clients: 1 and 4 did no better.)
const WRITERS: usize = 2;

/// A durable store in PostgreSQL (tested on PostgreSQL 15), implementing
/// every store trait of tower-revoke:
/// [`RevocationStore`](tower_revoke::RevocationStore),
/// [`IntrospectionStore`](tower_revoke::IntrospectionStore),
/// [`SubjectRevocationStore`](tower_revoke::SubjectRevocationStore),
/// [`JwtDenyList`](tower_revoke::JwtDenyList),
/// [`IssuanceStore`](tower_revoke::IssuanceStore),
/// [`ClientAssertionStore`](tower_revoke::ClientAssertionStore) and
/// [`StatusListStore`](tower_revoke::StatusListStore).
///
/// It uses the pool it is given, in whatever schema the pool's
/// `search_path` points to. Create the tables once with
/// [`migrate`](Self::migrate) (or from the [schema](crate#schema) by hand).
/// Cloning is cheap: clones share the pool.
///
/// # Round trips
/// Every trait method is one statement, so one round trip on the request's
/// path (prepared once per connection, then sent as one batch), but the
/// rotation of a refresh token rotated before (see [issuance](#issuance))
/// and the allocation of a status (see [status lists](#status-lists)):
/// [`revoke`](tower_revoke::RevocationStore::revoke) is a `WITH` query that
/// reads the token, revokes it and its grant, and counts what the grant
/// ended, in one implicit transaction (or its share of one, see
/// [group commit](#group-commit)). A revocation request (client check,
/// then revoke) and an introspection request (client check, then
/// introspect) cost one each while the client's row is in the
/// [client cache](#client-cache), two when it is read. sqlx adds a ping
/// when a connection goes back to the pool (after the answer), and one
/// before handing it out unless
/// [`test_before_acquire(false)`](sqlx::pool::PoolOptions::test_before_acquire)
/// (see [pool settings](crate#pool-settings)). The test
/// `tests/round_trips.rs` counts them through a TCP proxy.
///
/// # Group commit
/// Revocations that arrive while others are running wait and then run
/// together: whoever of them gets one of the store's 2 writer permits
/// first (first come, first served) takes the first of those waiting, its
/// writer's share (half of those waiting and running, up to 16: two
/// batches then take turns, one in the database while the other's answers
/// travel back), and runs them in one statement,
/// `tower_revoke_revoke_batch` (schema versions 7 and 8), which runs the
/// revocation statement for each in the order they came, inside one
/// implicit transaction, and then sends the notices of all of them
/// together. Each is answered once that commits. So a batch costs one
/// round trip, one commit, one notice per 120 digests it ended and the
/// pool's pings, however many revocations it holds; a revocation that
/// finds nothing running is the single statement, as before. A caller
/// sees what a statement of its own gives: each revocation sees the ones
/// before it (of two revocations of one token, the later finds it
/// revoked), and `Ok` means committed. When a batch fails (a lost
/// connection, or the rare deadlock between two batches that revoke the
/// same token at once, which PostgreSQL breaks after `deadlock_timeout`),
/// nothing of it is kept and each of its revocations runs again alone, so
/// an error reaches only the revocations it belongs to. A revocation still
/// waiting for its turn after the pool's acquire timeout fails (503), as
/// one waiting for a connection would. Clones share the permits, except a clone given another [`channel`](Self::channel) or
/// [`access_token_revokes_grant`](Self::access_token_revokes_grant).
///
/// # Client cache
/// [`authenticate_client`](tower_revoke::RevocationStore::authenticate_client)
/// reads a client's row (its secret digest, or that it is public or has
/// keys only) with one `SELECT`, and holds the rows of known clients in
/// process, shared by the store's clones, for at most
/// [`client_cache`](Self::client_cache)'s `max_staleness` (default 5 s),
/// counted from before the `SELECT` was sent; at most 10,000 clients. The
/// secret is still checked on every request (SHA-256 and a comparison in
/// constant time, [`StoredClient::authenticate`](tower_revoke::store::StoredClient::authenticate));
/// only the `SELECT` is saved. What this leaves stale:
/// - A client row changed or deleted in the database directly, or by
///   another instance, takes effect on this instance within
///   `max_staleness`: until then the old secret (or a deleted client)
///   still authenticates here.
/// - An unknown client id is never held: it is looked up on every
///   request, so a client registered by another instance, or inserted by
///   hand, is found at once.
/// - [`register_client`](tower_revoke::IssuanceStore::register_client) on
///   this instance (and so [`seed`](tower_revoke::IssuanceStore::seed))
///   forgets the client's entry: the next request reads the row.
///
/// Client ids are not secrets (RFC 6749 §2.2), and the cache makes that
/// visible: a request for a client held answers one round trip sooner
/// than one for an unknown id. Nothing about a secret is: the comparison
/// is the same for every client. `Duration::ZERO` turns the cache off;
/// the keys of `private_key_jwt` clients
/// ([`client_keys`](tower_revoke::ClientAssertionStore::client_keys)) are
/// always read.
///
/// # Issuance
/// [`IssuanceStore`](tower_revoke::IssuanceStore), with
/// [`MemoryStore`](tower_revoke::MemoryStore)'s rules:
/// - [`record_token`](tower_revoke::IssuanceStore::record_token) is one
///   statement. It creates the token's grant, or takes the row lock of the
///   stored one with `INSERT ... ON CONFLICT DO UPDATE`, which reads the
///   latest committed row rather than the statement's snapshot: a
///   revocation that ended the grant first makes the recording
///   `GrantRevoked`; one that comes later waits for the recording to
///   commit, and ends the new token with the grant. A recording racing a
///   revocation never revives the grant.
/// - [`rotate_refresh_token`](tower_revoke::IssuanceStore::rotate_refresh_token)
///   of a token never rotated is one statement: it locks the token's row
///   (`FOR UPDATE`) and its grant's, marks the token rotated
///   (`rotated_at`), records the successors in the grant (the token's own,
///   `rt:` and its digest in hex, for a token recorded without one), a
///   successor sent without a subject with the token's, and sends a notice
///   that the token is no longer active. Of concurrent rotations of one
///   token, one goes first; the others wait for its commit on the row
///   lock, then find the token rotated.
/// - A token rotated before (reuse, or a presentation within the grace
///   period) is decided next, on the same connection, in a transaction of
///   two statements: the first locks the token's and its grant's rows and
///   reads the facts, so the second, whose snapshot is taken after the
///   locks, sees every token of the grant. It records the successors
///   (within the grace period), or ends the grant and the token (reuse) and
///   sends the notices of every token this ended, as a revocation does.
///   Five round trips in all: the first statement, `BEGIN`, the two
///   statements, `COMMIT`.
/// - A successor that someone else recorded meanwhile fails the write with
///   a unique violation, which rolls the rotation back; the call runs
///   again and answers `Conflict`.
///
/// Row locks are always taken token first, then grant, as the revocation
/// statement takes them, so a rotation and a revocation never deadlock.
///
/// # Client assertions
/// [`ClientAssertionStore`](tower_revoke::ClientAssertionStore), for
/// `private_key_jwt` (RFC 7523 §2.2, §3):
/// - [`client_keys`](tower_revoke::ClientAssertionStore::client_keys) is
///   one `SELECT` of the client's `jwks` or `jwks_uri` (RFC 7591 §2). A
///   client with keys and no secret is never public: `none` does not
///   authenticate it.
/// - [`use_assertion`](tower_revoke::ClientAssertionStore::use_assertion)
///   is one statement (one round trip): `INSERT ... ON CONFLICT (digest)
///   DO UPDATE ... WHERE` the stored record has expired, which records the
///   assertion's digest or finds it used. The upsert acts on the latest
///   committed row, so of concurrent uses of one assertion, on any
///   connection or instance, one records it and the others, once it
///   commits, find it live: exactly one is `First`. The same statement
///   deletes up to 16 other expired records, oldest first, skipping rows
///   another statement holds (`FOR UPDATE SKIP LOCKED`): the table stays
///   about the size of the live records with no cleanup that locks it
///   (Ory Hydra's jti cleanup contended on its locks, hydra issue 4113),
///   and a use never waits on another use's deletions.
///
/// # Status lists
/// [`StatusListStore`](tower_revoke::StatusListStore): allocating a status
/// reads the newest list, then inserts the first free index of its random
/// draws (`INSERT ... SELECT ... ON CONFLICT DO NOTHING`; an index taken
/// meanwhile by a concurrent allocation means drawing again), or opens
/// the next list (`ON CONFLICT DO NOTHING`: of concurrent openers one
/// opens it and all allocate in it). Binding is one `UPDATE` that first
/// locks the token's row and its grant's (`FOR SHARE`), as a revocation
/// locks them; reading a list, or its version, is one `SELECT`. Statuses
/// become INVALID by triggers inside the revoking statements (see the
/// [schema](crate#schema)), under advisory locks that make racing
/// allocations, cutoffs, bindings and revocations see each other: a
/// revocation that matches a slot waits, from its trigger to its commit,
/// for another one that does; one that matches none takes no lock.
///
/// # Revocation notices
/// Every statement that ends tokens (a revocation, with its grant
/// cascade, or a batch of them; a bulk revocation; a rotation, for the
/// rotated token; reuse, for the grant's tokens) also calls `pg_notify` on the store's
/// [`channel`](Self::channel) (default `tower_revoke_revocations`) with
/// the digests of every token it ended, as
/// [`RevocationNotice`](tower_revoke::store::RevocationNotice) payloads of at
/// most [`MAX_DIGESTS_PER_MESSAGE`](tower_revoke::store::RevocationNotice::MAX_DIGESTS_PER_MESSAGE)
/// digests each (PostgreSQL's payload limit is 8000 bytes). The notices
/// ride in the revoking statement, so they cost no round trip, and
/// PostgreSQL delivers them only after that statement's transaction
/// commits: a listener never hears of a revocation that did not happen.
/// [`RevocationListener`] (or [`listen`](Self::listen)) receives them and
/// feeds a cache. PostgreSQL drops notices for a listener that is not
/// connected; the listener flushes its cache whenever it (re)connects.
/// Payloads hold digests only, never a token.
///
/// # Example
/// ```no_run
/// use std::time::Duration;
/// use sqlx::postgres::PgPoolOptions;
/// use tower_revoke::IssuanceStore;
/// use tower_revoke::store::Seed;
/// use tower_revoke_sqlx::PostgresStore;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let pool = PgPoolOptions::new()
///     .max_connections(16)
///     // A database that is down fails requests in 3 s (503), not 30 s.
///     .acquire_timeout(Duration::from_secs(3))
///     .connect_lazy("postgres://app@localhost/app")?;
/// let store = PostgresStore::new(pool);
/// store.migrate().await?;
/// store.seed(&Seed::from_file("seed.json")?).await?; // IssuanceStore::seed
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct PostgresStore {
    pool: PgPool,
    access_token_revokes_grant: bool,
    /// Shared by clones: each revocation runs on a clone of the store.
    channel: Arc<str>,
    clients: Option<Arc<ClientCache>>,
    group: Arc<GroupCommit>,
}

impl PostgresStore {
    /// The default [`client_cache`](Self::client_cache) staleness, 5 s:
    /// short, since a second already saves nearly every client `SELECT`,
    /// so that a client deleted or given a new secret is refused within it.
    pub const DEFAULT_CLIENT_CACHE_STALENESS: Duration = ClientCache::DEFAULT_MAX_STALENESS;

    /// The default channel of revocation notices.
    pub const DEFAULT_CHANNEL: &'static str = "tower_revoke_revocations";

    /// A store over `pool`, sending its revocation notices on
    /// [`DEFAULT_CHANNEL`](Self::DEFAULT_CHANNEL). Nothing is checked or
    /// created until the first call: run [`migrate`](Self::migrate) once at
    /// start.
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            access_token_revokes_grant: false,
            channel: Self::DEFAULT_CHANNEL.into(),
            clients: ClientCache::new(Self::DEFAULT_CLIENT_CACHE_STALENESS),
            group: Self::new_group(),
        }
    }

    /// The channel revocation notices are sent on with `pg_notify`
    /// (default `tower_revoke_revocations`); listeners must use the same.
    ///
    /// # Panics
    /// When `channel` is empty or longer than 63 bytes (PostgreSQL's limit
    /// on a channel name).
    #[must_use]
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        let channel = channel.into();
        assert!(
            (1..=63).contains(&channel.len()),
            "PostgresStore::channel: expected a name of 1 to 63 bytes, got {} bytes",
            channel.len()
        );
        self.channel = channel.into();
        self.group = Self::new_group();
        self
    }

    /// The [`channel`](Self::channel) option: for a
    /// [`RevocationListener`] on a connection of its own.
    pub fn get_channel(&self) -> &str {
        &self.channel
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
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Creates or upgrades the store's tables (see the [schema](crate#schema))
    /// in the pool's current schema, in one transaction. Safe to call on
    /// every start and from several instances at once (an advisory lock
    /// serialises them); applied versions are kept in
    /// `tower_revoke_migrations`. Skip it if you manage the schema yourself.
    ///
    /// A database migrated by a later version of this crate is left as it
    /// is.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be reached or refuses the
    /// DDL (for example, the role may not create tables).
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(failed("migrate"))?;
        migrate::run_script(&mut tx, sql::MIGRATION_BEGIN).await?;
        migrate::pending(&mut tx).await?;
        tx.commit().await.map_err(failed("migrate"))
    }

    /// Creates the database the store's pool connects to, if PostgreSQL
    /// answers that it does not exist (SQLSTATE `3D000`), as `createdb`
    /// does: connected to the maintenance database `postgres` (`template1`
    /// when the missing database is itself `postgres`) with the pool's
    /// other connect options, `CREATE DATABASE` with the name quoted as an
    /// identifier (owned by the pool's role, the server's defaults
    /// otherwise). Returns whether this call created it: a database that
    /// exists, or that another process created meanwhile, is left as it is.
    ///
    /// For a first start on a fresh server, before [`migrate`](Self::migrate).
    /// The check takes one connection from the pool, within its
    /// `acquire_timeout`, and gives it back for the next call; the role
    /// needs `CREATEDB` only when the database is missing.
    ///
    /// # Example
    /// ```no_run
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// use tower_revoke_sqlx::{sqlx::PgPool, PostgresStore};
    ///
    /// let pool = PgPool::connect_lazy("postgres://app@localhost/revocations")?;
    /// let store = PostgresStore::new(pool);
    /// if store.create_database_if_missing().await? {
    ///     println!("created the database");
    /// }
    /// store.migrate().await?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// [`StoreError`] when the server cannot be reached or refuses the
    /// connection for another reason, or refuses `CREATE DATABASE` (a role
    /// without `CREATEDB`).
    pub async fn create_database_if_missing(&self) -> Result<bool, StoreError> {
        const OPERATION: &str = "create the database";
        match self.pool.acquire().await {
            Ok(_) => return Ok(false),
            Err(error) if sql::is_sqlstate(&error, &sql::DATABASE_MISSING) => {}
            Err(error) => return Err(failed(OPERATION)(error)),
        }
        let options = self.pool.connect_options();
        let database = options
            .get_database()
            .unwrap_or(options.get_username())
            .to_owned();
        let maintenance = if database == "postgres" {
            "template1"
        } else {
            "postgres"
        };
        let mut admin = PgConnection::connect_with(&options.as_ref().clone().database(maintenance))
            .await
            .map_err(failed(OPERATION))?;
        let create = sql::create_database(&database);
        let created = match sqlx::raw_sql(&create).execute(&mut admin).await {
            Ok(_) => true,
            Err(error) if sql::is_sqlstate(&error, &sql::DATABASE_EXISTS) => false,
            Err(error) => return Err(failed(OPERATION)(error)),
        };
        // The answer is known: a failed goodbye changes nothing.
        let _ = admin.close().await;
        Ok(created)
    }

    /// A [group commit](Self#group-commit) of its own, with
    /// [`WRITERS`] batches at once.
    fn new_group() -> Arc<GroupCommit> {
        Arc::new(GroupCommit::new(WRITERS))
    }

    /// The statements this store runs as `SqliteStore` does.
    pub(crate) fn shared(&self) -> Shared<'_, Postgres> {
        Shared::new(&self.pool).with_clients(self.clients.as_deref())
    }
}

/// Shows the pool's size, never its connection options.
impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("pool_size", &self.pool.size())
            .field(
                "access_token_revokes_grant",
                &self.access_token_revokes_grant,
            )
            .field("channel", &self.channel)
            .field("client_cache", &self.clients)
            .finish()
    }
}
