//! The store an example runs on, chosen at start by `TOWER_REVOKE_STORE`
//! and seeded from `TOWER_REVOKE_SEED`.
//!
//! | `TOWER_REVOKE_STORE` | store |
//! |---|---|
//! | unset, empty or `memory` | [`MemoryStore`]: revocations last until the process exits |
//! | `sqlite://PATH` | [`SqliteStore::open`] on the file at `PATH` (created if missing; `sqlite://revocations.db` is relative, `sqlite:///var/lib/app/revocations.db` absolute) |
//! | `postgres://USER@HOST:PORT/DB` (or `postgresql://`) | [`PostgresStore`] over a pool of at most `TOWER_REVOKE_PG_MAX_CONNECTIONS` connections (default 10) that waits at most 3 s for a connection, so a database that is down or saturated answers 503 rather than stalling; the database `DB` is created if the server has none of that name |
//! | `redis://HOST:PORT/DB` | [`RedisStore::connect`] |
//!
//! The durable stores are migrated (`migrate()`, where the store has one)
//! and then seeded with their idempotent `seed`: entries already stored
//! are left as they are, so restarting on the same store and seed never
//! re-activates a revoked token or changes a secret.
//!
//! Every one of them also keeps what `private_key_jwt` (RFC 7523) needs:
//! the keys seeded clients registered (`jwks`, `jwks_uri`) and the used
//! client assertions, shared by every instance on one durable store
//! ([`Opened::assertions`]); and the statuses of the JWTs the demo mints,
//! which its Token Status Lists publish, INVALID in the same write as the
//! revocation that decides them ([`Opened::statuses`]).
//!
//! # Security
//! The [`Display`](fmt::Display) of a [`StoreChoice`] (which the examples
//! print at start) replaces a password in the URL, and a `password` query
//! parameter, with `***`.

use crate::guard_cache;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::store::{
    BoxStore, CheckedSeedFile, DynClientAssertionStore, DynStatusListStore, Seed, SeedError,
    SeedReport,
};
use tower_revoke::{
    ClientAssertionStore, ExpiredDeletion, IntrospectionStore, IssuanceStore, JwtDenyList,
    MemoryStore, RevocationStore, StatusListStore, SubjectRevocationStore,
};
use tower_revoke_redis::RedisStore;
use tower_revoke_sqlx::RevocationListener as PgRevocationListener;
use tower_revoke_sqlx::{sqlx, PostgresStore, SqliteStore};

/// The variable the store is chosen by.
pub const STORE_VAR: &str = "TOWER_REVOKE_STORE";

/// How long a request waits for a PostgreSQL connection before failing
/// (503): short, as the `tower-revoke-sqlx` docs recommend.
pub const POSTGRES_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// The variable the PostgreSQL pool's size is read from: at most this many
/// connections at once (the notice listener's is not one of them).
pub const PG_MAX_CONNECTIONS_VAR: &str = "TOWER_REVOKE_PG_MAX_CONNECTIONS";

/// The PostgreSQL pool's size when `TOWER_REVOKE_PG_MAX_CONNECTIONS` is
/// unset: sqlx's default.
pub const DEFAULT_PG_MAX_CONNECTIONS: u32 = 10;

/// A store named by `TOWER_REVOKE_STORE`, not opened yet.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// The in-memory store.
    Memory,
    /// A SQLite database file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by its URL.
    Postgres(String),
    /// A Redis database, by its URL.
    Redis(String),
}

/// A store that could not be chosen, opened or seeded. Its `Display`
/// names the variable or the store (with any password redacted), never a
/// token or a secret.
#[derive(Debug)]
pub struct StoreStartError(String);

impl StoreStartError {
    pub(crate) fn new(message: String) -> Self {
        Self(message)
    }
}

impl fmt::Display for StoreStartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreStartError {}

/// An opened, seeded store, ready for the app.
pub struct Opened {
    /// The store, behind the guard cache if one was asked for.
    pub store: BoxStore,
    /// The same store, for `private_key_jwt` client authentication (RFC
    /// 7523): the keys its clients registered, and the used assertions
    /// (single use, across every instance sharing a durable store). Never
    /// behind the guard cache, which serves Bearer checks only.
    pub assertions: Arc<dyn DynClientAssertionStore>,
    /// The same store, for the statuses of the JWTs the demo mints (Token
    /// Status Lists), shared by every instance on one durable store. Never
    /// behind the guard cache.
    pub statuses: Arc<dyn DynStatusListStore>,
    /// What seeding inserted.
    pub seeded: SeedReport,
    /// The guard cache: `off`, or its staleness and how it is invalidated.
    pub cache: String,
}

impl StoreChoice {
    /// The choice in `TOWER_REVOKE_STORE` (unset: [`Memory`](Self::Memory)).
    ///
    /// # Errors
    /// The value is not one of the forms in the [module docs](self).
    pub fn from_env() -> Result<Self, StoreStartError> {
        match std::env::var(STORE_VAR) {
            Ok(value) => Self::parse(&value),
            Err(std::env::VarError::NotPresent) => Ok(Self::Memory),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(StoreStartError(format!("{STORE_VAR} is not valid UTF-8")))
            }
        }
    }

    /// Reads one value of `TOWER_REVOKE_STORE`.
    ///
    /// # Errors
    /// The value is not one of the forms in the [module docs](self); the
    /// message does not repeat a URL's password.
    pub fn parse(value: &str) -> Result<Self, StoreStartError> {
        let value = value.trim();
        let expected = "expected memory, sqlite://PATH, postgres://USER@HOST:PORT/DB \
                        or redis://HOST:PORT/DB";
        let Some((scheme, rest)) = value.split_once("://") else {
            return match value {
                "" | "memory" => Ok(Self::Memory),
                _ => Err(StoreStartError(format!(
                    "{STORE_VAR}={value:?} is not a store: {expected}"
                ))),
            };
        };
        let refused = |why: String| {
            let shown = redact(value);
            StoreStartError(format!("{STORE_VAR}={shown:?}: {why}"))
        };
        match scheme {
            "sqlite" if rest.is_empty() => {
                Err(refused("the database file's path is missing".into()))
            }
            "sqlite" => Ok(Self::Sqlite(PathBuf::from(rest))),
            "postgres" | "postgresql" => match PgConnectOptions::from_str(value) {
                Ok(_) => Ok(Self::Postgres(value.to_owned())),
                Err(e) => Err(refused(format!("not a PostgreSQL URL: {e}"))),
            },
            "redis" => match redis_client(value) {
                Ok(_) => Ok(Self::Redis(value.to_owned())),
                Err(e) => Err(refused(format!("not a Redis URL: {e}"))),
            },
            _ => Err(refused(format!("unknown scheme {scheme:?}: {expected}"))),
        }
    }

    /// [`open`](Self::open)s the store seeded from the seed file at
    /// `path`: the in-memory store reads it entry by entry, twice (see
    /// [`open_checked`](Self::open_checked)), so a seed of millions of
    /// tokens is never held whole beside the store; a durable store reads
    /// it whole, once.
    ///
    /// # Errors
    /// The seed file cannot be read or is refused, or as [`open`](Self::open).
    pub async fn open_file(
        &self,
        path: &str,
        cache: Option<Duration>,
    ) -> Result<Opened, StoreStartError> {
        match self {
            Self::Memory => {
                let file = CheckedSeedFile::check(path).map_err(seed_refused)?;
                self.open_checked(&file, cache).await
            }
            _ => {
                self.open(&Seed::from_file(path).map_err(seed_refused)?, cache)
                    .await
            }
        }
    }

    /// [`open_file`](Self::open_file) for a seed file already checked
    /// (the demo checks it first, for its clients' CORS origins): the
    /// in-memory store, sized for its tokens, reads it once more, entry by
    /// entry, for them (`MemoryStore::load_checked_seed_file`); a durable
    /// store reads it whole.
    ///
    /// # Errors
    /// The seed file cannot be read again or is refused, or as
    /// [`open`](Self::open).
    pub async fn open_checked(
        &self,
        file: &CheckedSeedFile,
        cache: Option<Duration>,
    ) -> Result<Opened, StoreStartError> {
        match self {
            Self::Memory => {
                let store = MemoryStore::with_capacity(file.tokens());
                let counts = store.load_checked_seed_file(file).map_err(seed_refused)?;
                Ok(Opened::new(store, counts, cache, None))
            }
            _ => {
                let seed = Seed::from_file(file.path()).map_err(seed_refused)?;
                self.open(&seed, cache).await
            }
        }
    }

    /// Opens the store, migrates it (durable stores), seeds it with
    /// `seed`, idempotently, and puts it behind the guard cache when
    /// `cache` is set (see [`crate::guard_cache`]), starting
    /// the store's notice listener (PostgreSQL, Redis) on this runtime.
    ///
    /// # Errors
    /// The database cannot be reached, created, migrated or seeded.
    pub async fn open(
        &self,
        seed: &Seed,
        cache: Option<Duration>,
    ) -> Result<Opened, StoreStartError> {
        let failed = |step: &str, error: tower_revoke::StoreError| {
            StoreStartError(format!("cannot {step} the store {self}: {error}"))
        };
        match self {
            Self::Memory => {
                let store = MemoryStore::new();
                let counts = store.seed(seed).await.map_err(|e| failed("seed", e))?;
                Ok(Opened::new(store, counts, cache, None))
            }
            Self::Sqlite(path) => {
                let store = SqliteStore::open(path)
                    .await
                    .map_err(|e| failed("open", e))?;
                store.migrate().await.map_err(|e| failed("migrate", e))?;
                let counts = store.seed(seed).await.map_err(|e| failed("seed", e))?;
                purge_periodically(&store)?;
                Ok(Opened::new(store, counts, cache, None))
            }
            Self::Postgres(url) => {
                let store = PostgresStore::new(postgres_pool(url)?);
                // A fresh server has no database of the URL's name yet: the
                // README's command works as written.
                let created = store
                    .create_database_if_missing()
                    .await
                    .map_err(|e| failed("connect to", e))?;
                if created {
                    tracing::info!(store = %self, "created the PostgreSQL database");
                }
                store.migrate().await.map_err(|e| failed("migrate", e))?;
                let counts = store.seed(seed).await.map_err(|e| failed("seed", e))?;
                purge_periodically(&store)?;
                let channel = store.get_channel().to_owned();
                let listener = move |cache| {
                    let listener = PgRevocationListener::connect_lazy(url, cache)
                        .expect("a URL that parsed before")
                        .channel(channel);
                    drop(tokio::spawn(listener.run()));
                };
                let listen = ("PostgreSQL LISTEN/NOTIFY", Box::new(listener) as _);
                Ok(Opened::new(store, counts, cache, Some(listen)))
            }
            Self::Redis(url) => {
                let store = RedisStore::connect(url)
                    .await
                    .map_err(|e| failed("connect to", e))?
                    .expired_retention(redis_expired_retention()?);
                let counts = store.seed(seed).await.map_err(|e| failed("seed", e))?;
                let notices = store.clone();
                let listener = move |cache| drop(tokio::spawn(notices.listen(cache)));
                let listen = ("Redis pub/sub", Box::new(listener) as _);
                Ok(Opened::new(store, counts, cache, Some(listen)))
            }
        }
    }
}

impl Opened {
    /// `store`, seeded (`seeded`), for everything the demo does: its
    /// endpoints and guard (behind the guard cache when `cache` is set,
    /// `listen` starting the notice listener that invalidates it),
    /// `private_key_jwt`, and the statuses of its JWTs.
    fn new<St>(
        store: St,
        seeded: SeedReport,
        cache: Option<Duration>,
        listen: Option<(&'static str, guard_cache::StartListener<'_>)>,
    ) -> Self
    where
        St: RevocationStore
            + IntrospectionStore
            + SubjectRevocationStore
            + JwtDenyList
            + IssuanceStore
            + ClientAssertionStore
            + StatusListStore
            + Clone,
    {
        let assertions = Arc::new(store.clone());
        let statuses = Arc::new(store.clone());
        let (store, cache) = guard_cache::wrap(store, cache, listen);
        Self {
            store,
            assertions,
            statuses,
            seeded,
            cache,
        }
    }
}

/// The variable of the purge's period of SQLite and PostgreSQL: a
/// duration such as `1s` or `500ms`; off by default.
pub const PURGE_INTERVAL_VAR: &str = "TOWER_REVOKE_PURGE_INTERVAL";

/// The variable of how long Redis keeps an expired token's keys (a
/// duration; default a day, [`RedisStore::DEFAULT_EXPIRED_RETENTION`]).
pub const REDIS_RETENTION_VAR: &str = "TOWER_REVOKE_REDIS_EXPIRED_RETENTION";

/// Reads a duration variable; `None` when it is unset, empty or `off`.
fn duration_var(var: &str) -> Result<Option<Duration>, StoreStartError> {
    let value = std::env::var(var).unwrap_or_default();
    crate::common::parse_duration(var, &value).map_err(StoreStartError)
}

/// With `TOWER_REVOKE_PURGE_INTERVAL` set, deletes `store`'s expired rows
/// in batches of 1,000 ([`ExpiredDeletion::delete_expired`]) once per
/// period, on a task of its own; a failed purge is logged and tried again
/// next period.
fn purge_periodically<St>(store: &St) -> Result<(), StoreStartError>
where
    St: ExpiredDeletion + Clone,
{
    let Some(period) = duration_var(PURGE_INTERVAL_VAR)? else {
        return Ok(());
    };
    let store = store.clone();
    drop(tokio::spawn(async move {
        let mut every = tokio::time::interval(period);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            match store.delete_expired(1_000).await {
                Ok(deleted) => tracing::debug!(deleted, "purged expired tokens"),
                Err(error) => tracing::warn!(%error, "purge failed; trying again next period"),
            }
        }
    }));
    Ok(())
}

/// `TOWER_REVOKE_REDIS_EXPIRED_RETENTION`, default a day.
fn redis_expired_retention() -> Result<Duration, StoreStartError> {
    let retention = duration_var(REDIS_RETENTION_VAR)?;
    Ok(retention.unwrap_or(
        RedisStore::<tower_revoke_redis::redis::aio::ConnectionManager>::DEFAULT_EXPIRED_RETENTION,
    ))
}

/// A lazy pool (connections open on first use) of
/// [`pg_max_connections`] with a short [`POSTGRES_ACQUIRE_TIMEOUT`].
fn postgres_pool(url: &str) -> Result<sqlx::PgPool, StoreStartError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|e| StoreStartError(format!("{STORE_VAR}: not a PostgreSQL URL: {e}")))?;
    let value = std::env::var(PG_MAX_CONNECTIONS_VAR).unwrap_or_default();
    Ok(PgPoolOptions::new()
        .max_connections(pg_max_connections(&value)?)
        .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
        .connect_lazy_with(options))
}

/// Reads one value of `TOWER_REVOKE_PG_MAX_CONNECTIONS`: empty for
/// [`DEFAULT_PG_MAX_CONNECTIONS`], else a whole number from 1 to 1000.
///
/// # Errors
/// Any other value, as a message naming the variable.
pub fn pg_max_connections(value: &str) -> Result<u32, StoreStartError> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(DEFAULT_PG_MAX_CONNECTIONS);
    }
    match value.parse::<u32>() {
        Ok(size @ 1..=1000) => Ok(size),
        _ => Err(StoreStartError(format!(
            "{PG_MAX_CONNECTIONS_VAR}={value:?} is not a pool size: expected a whole number from 1 to 1000"
        ))),
    }
}

fn redis_client(url: &str) -> Result<tower_revoke_redis::redis::Client, String> {
    tower_revoke_redis::redis::Client::open(url).map_err(|e| e.to_string())
}

/// `url` with its password and any `password` query parameter replaced by
/// `***`; a value that is not a URL is shown up to its scheme only.
pub fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://..."),
            None => url.to_owned(),
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query_pairs().any(|(k, _)| k == "password") {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "password" {
                    "***".into()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// Shows the store and the seeding's counts, not the assertion store
/// (the same store again).
impl fmt::Debug for Opened {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Opened")
            .field("store", &self.store)
            .field("seeded", &self.seeded)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// The store as `TOWER_REVOKE_STORE` names it, any password redacted.
impl fmt::Display for StoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Memory => f.write_str("memory"),
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(url) | Self::Redis(url) => f.write_str(&redact(url)),
        }
    }
}

/// As [`Display`](fmt::Display): never a password.
impl fmt::Debug for StoreChoice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StoreChoice({self})")
    }
}

/// A seed file's refusal, naming the variable that chose it.
fn seed_refused(e: SeedError) -> StoreStartError {
    StoreStartError(format!("seed (TOWER_REVOKE_SEED): {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unset_empty_and_memory_are_the_memory_store() {
        for value in ["", "memory", " memory "] {
            assert_eq!(StoreChoice::parse(value).unwrap(), StoreChoice::Memory);
        }
    }

    #[test]
    fn sqlite_takes_the_path_after_the_scheme() {
        let relative = StoreChoice::parse("sqlite://revocations.db").unwrap();
        assert_eq!(relative, StoreChoice::Sqlite("revocations.db".into()));
        let absolute = StoreChoice::parse("sqlite:///tmp/r.db").unwrap();
        assert_eq!(absolute, StoreChoice::Sqlite("/tmp/r.db".into()));
        assert!(StoreChoice::parse("sqlite://").is_err());
    }

    #[test]
    fn database_urls_are_kept_whole() {
        let pg = "postgres://app@127.0.0.1:5432/app";
        assert_eq!(
            StoreChoice::parse(pg).unwrap(),
            StoreChoice::Postgres(pg.into())
        );
        let redis = "redis://127.0.0.1:6379/0";
        assert_eq!(
            StoreChoice::parse(redis).unwrap(),
            StoreChoice::Redis(redis.into())
        );
    }

    #[test]
    fn unknown_values_are_refused_with_the_forms_expected() {
        for value in ["mem", "mysql://u@h/db", "/tmp/x.db"] {
            let error = StoreChoice::parse(value).unwrap_err().to_string();
            assert!(error.starts_with("TOWER_REVOKE_STORE="), "{error}");
            assert!(error.contains("sqlite://PATH"), "{error}");
        }
    }

    #[test]
    fn pool_size_is_a_whole_number_from_1_to_1000() {
        assert_eq!(pg_max_connections("").unwrap(), DEFAULT_PG_MAX_CONNECTIONS);
        assert_eq!(pg_max_connections(" 4 ").unwrap(), 4);
        assert_eq!(pg_max_connections("1000").unwrap(), 1000);
        for value in ["0", "-1", "1001", "4.5", "four"] {
            let error = pg_max_connections(value).unwrap_err().to_string();
            assert!(
                error.starts_with("TOWER_REVOKE_PG_MAX_CONNECTIONS="),
                "{error}"
            );
        }
    }

    #[test]
    fn passwords_are_redacted_when_shown() {
        let choice = StoreChoice::parse("postgres://app:hunter2@db:5432/app").unwrap();
        assert_eq!(choice.to_string(), "postgres://app:***@db:5432/app");
        assert!(!format!("{choice:?}").contains("hunter2"));
        let redis = StoreChoice::parse("redis://:hunter2@cache:6379/1").unwrap();
        assert_eq!(redis.to_string(), "redis://:***@cache:6379/1");
        let query = redact("postgres://app@db/app?password=hunter2&sslmode=require");
        assert_eq!(query, "postgres://app@db/app?password=***&sslmode=require");
        let error = StoreChoice::parse("mysql://app:hunter2@db/app").unwrap_err();
        assert!(!error.to_string().contains("hunter2"), "{error}");
    }
}
