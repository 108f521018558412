//! A fresh store of each kind for one test: a SQLite file in a directory
//! of its own, a PostgreSQL database of its own, or a redis-server of its
//! own ([`Shared`]), or the memory store of the demo process; and what its
//! database holds, byte for byte, and which client assertions it recorded
//! as used.

use crate::demo::Demo;
use crate::services::{self, POSTGRES_URL, REDIS_URL};
use crate::shared_store::Shared;
use crate::Serial;
use std::collections::BTreeSet;
use std::path::PathBuf;
use tower_revoke_examples::demo::SEED;
use tower_revoke_redis::redis::{self, Value};
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection, SqliteConnection};
use tower_revoke_test_support::redis_keys;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// The demo's own memory: gone with the process; nothing to read from
    /// outside it.
    Memory,
    Sqlite,
    Postgres,
    Redis,
}

/// A fresh store for one test, which holds the test's turn
/// ([`crate::serial`]) as long as it lives.
pub struct Store {
    backing: Backing,
    _turn: Serial,
}

enum Backing {
    Memory,
    /// The database file `path` in the directory `dir`, removed on drop.
    Sqlite {
        dir: PathBuf,
        path: PathBuf,
        url: String,
    },
    Server(Shared),
}

impl Store {
    /// This test's turn and a fresh store of `kind`; `None` when the test
    /// is skipped (its server's URL is unset, said on stderr; a failure
    /// under CI).
    pub async fn open(kind: Kind, test: &str) -> Option<Self> {
        let var = match kind {
            Kind::Memory | Kind::Sqlite => None,
            Kind::Postgres => Some(POSTGRES_URL),
            Kind::Redis => Some(REDIS_URL),
        };
        if let Some(var) = var {
            services::url(var, test)?;
        }
        let turn = crate::serial().await;
        let backing = match var {
            None if matches!(kind, Kind::Memory) => Backing::Memory,
            None => {
                let dir = std::env::temp_dir().join(services::unique_name("trx-token"));
                std::fs::create_dir_all(&dir).expect("a temporary directory");
                let path = dir.join("demo.db");
                let url = format!("sqlite://{}", path.display());
                Backing::Sqlite { dir, path, url }
            }
            Some(var) => Backing::Server(Shared::create(var, test).await?),
        };
        Some(Self {
            backing,
            _turn: turn,
        })
    }

    /// A demo process on this store, seeded from the demo's seed, with
    /// `extra` variables.
    pub async fn demo(&self, extra: &[(&str, &str)]) -> Demo {
        self.demo_seeded(SEED, extra).await
    }

    /// A demo process on this store, seeded from the file `seed`, with
    /// `extra` variables.
    pub async fn demo_seeded(&self, seed: &str, extra: &[(&str, &str)]) -> Demo {
        Demo::start(self.url(), seed, extra).await
    }

    /// The demo's `TOWER_REVOKE_STORE`.
    pub fn url(&self) -> &str {
        match &self.backing {
            Backing::Memory => "memory",
            Backing::Sqlite { url, .. } => url,
            Backing::Server(shared) => shared.url(),
        }
    }

    /// How much the database holds: rows of `tower_revoke_tokens` (SQLite,
    /// PostgreSQL), or keys (Redis, `DBSIZE` of the test's own server).
    pub async fn held(&self) -> i64 {
        match &self.backing {
            Backing::Sqlite { url, .. } => {
                let mut conn = SqliteConnection::connect(url).await.expect("open the file");
                count_tokens(&mut conn).await
            }
            Backing::Server(shared @ Shared::Postgres(_)) => {
                let mut conn = PgConnection::connect(shared.url()).await.expect("connect");
                count_tokens(&mut conn).await
            }
            Backing::Server(shared @ Shared::Redis { .. }) => redis::cmd("DBSIZE")
                .query_async(&mut shared.redis().await)
                .await
                .expect("DBSIZE"),
            Backing::Memory => panic!("the memory store is read through the demo only"),
        }
    }

    /// The used client assertions the store records (RFC 7523 §3 item 7),
    /// as their digests in lowercase hex: the rows of
    /// `tower_revoke_assertions` (SQLite, PostgreSQL), or the keys
    /// `trv:ca:{DIGEST}` (Redis); `None` for the memory store.
    pub async fn used_assertions(&self) -> Option<BTreeSet<String>> {
        const DIGESTS: &str = "SELECT digest FROM tower_revoke_assertions";
        let rows: Vec<(Vec<u8>,)> = match &self.backing {
            Backing::Memory => return None,
            Backing::Sqlite { url, .. } => {
                let mut conn = SqliteConnection::connect(url).await.expect("open the file");
                sqlx::query_as(DIGESTS).fetch_all(&mut conn).await.unwrap()
            }
            Backing::Server(shared @ Shared::Postgres(_)) => {
                let mut conn = PgConnection::connect(shared.url()).await.expect("connect");
                sqlx::query_as(DIGESTS).fetch_all(&mut conn).await.unwrap()
            }
            Backing::Server(shared @ Shared::Redis { .. }) => {
                let keys = redis_keys::keys(&mut shared.redis().await, "trv:ca:*").await;
                let digest = |key: &str| {
                    let digest = key.strip_prefix("trv:ca:{")?.strip_suffix('}')?;
                    Some(digest.to_owned())
                };
                let digests = keys.iter().map(|key| digest(key).expect("trv:ca:{DIGEST}"));
                return Some(digests.collect());
            }
        };
        Some(rows.into_iter().map(|(digest,)| hex(&digest)).collect())
    }

    /// Everything the database holds, as bytes: the SQLite file and its
    /// `-wal` and `-shm` files where present; `pg_dump` of the database
    /// (plain SQL, `bytea` in hex); for Redis, every key (`SCAN`), its
    /// value read by its `TYPE` (`GET`, `HGETALL`, `ZRANGE ... WITHSCORES`,
    /// `SMEMBERS`, `LRANGE`) and its `DUMP`.
    pub async fn dump(&self) -> Vec<u8> {
        match &self.backing {
            Backing::Sqlite { path, .. } => {
                let mut bytes = Vec::new();
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    if let Ok(content) = std::fs::read(&file) {
                        bytes.extend(content);
                    }
                }
                assert!(!bytes.is_empty(), "{} exists", path.display());
                bytes
            }
            Backing::Server(shared @ Shared::Postgres(_)) => pg_dump(shared.url()).await,
            Backing::Server(shared @ Shared::Redis { .. }) => redis_dump(shared).await,
            Backing::Memory => panic!("the memory store is read through the demo only"),
        }
    }
}

/// `bytes` in lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `SELECT count(*) FROM tower_revoke_tokens` on `conn`.
async fn count_tokens<C: Connection>(conn: &mut C) -> i64
where
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    for<'q> <C::Database as sqlx::Database>::Arguments<'q>: sqlx::IntoArguments<'q, C::Database>,
    i64: sqlx::Type<C::Database> + for<'r> sqlx::Decode<'r, C::Database>,
    (i64,): for<'r> sqlx::FromRow<'r, <C::Database as sqlx::Database>::Row>,
{
    let (count,): (i64,) = sqlx::query_as("SELECT count(*) FROM tower_revoke_tokens")
        .fetch_one(&mut *conn)
        .await
        .expect("count the tokens");
    count
}

impl Drop for Backing {
    fn drop(&mut self) {
        if let Self::Sqlite { dir, .. } = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// `pg_dump` of the database at `url`, from the PostgreSQL binaries
/// `scripts/services` uses (`TOWER_REVOKE_PG_BIN`, default
/// `/usr/lib/postgresql/15/bin`); over TCP, which the test servers trust.
async fn pg_dump(url: &str) -> Vec<u8> {
    let bin = std::env::var("TOWER_REVOKE_PG_BIN")
        .unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".to_owned());
    let output = tokio::process::Command::new(format!("{bin}/pg_dump"))
        .arg(format!("--dbname={url}"))
        .output()
        .await
        .unwrap_or_else(|e| panic!("run {bin}/pg_dump: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "pg_dump: {stderr}");
    output.stdout
}

/// Every key of the Redis database and what it holds (see
/// [`Store::dump`]), one bulk string after another, newline-separated.
async fn redis_dump(shared: &Shared) -> Vec<u8> {
    let mut conn = shared.redis().await;
    let keys = redis_keys::keys(&mut conn, "*").await;
    assert!(!keys.is_empty(), "the store wrote keys");
    let mut bytes = Vec::new();
    for key in keys {
        let Some((_, value)) = redis_keys::read(&mut conn, &key).await else {
            continue; // expired meanwhile
        };
        let dumped: Value = redis::cmd("DUMP")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .unwrap();
        bytes.extend(key.as_bytes());
        bytes.push(b'\n');
        for value in [value, dumped] {
            flatten(value, &mut bytes);
        }
    }
    bytes
}

/// The bulk and simple strings in `value`, each followed by a newline;
/// anything else as its `Debug`.
fn flatten(value: Value, bytes: &mut Vec<u8>) {
    match value {
        Value::BulkString(data) => bytes.extend(data),
        Value::SimpleString(text) => bytes.extend(text.into_bytes()),
        Value::Array(values) | Value::Set(values) => {
            values.into_iter().for_each(|v| flatten(v, bytes));
        }
        Value::Map(pairs) => {
            for (key, value) in pairs {
                flatten(key, bytes);
                flatten(value, bytes);
            }
        }
        other => bytes.extend(format!("{other:?}").into_bytes()),
    }
    bytes.push(b'\n');
}
