//! One database two demo processes share, and what the two-instance tests
//! do to it behind the demo's back: revoke a token without a notice, cut
//! the notice listener's connection, and watch the listener come back.

use crate::services::{self, Database, RedisServer};
use std::time::Duration;
use tower_revoke_redis::redis;
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};
use tower_revoke_sqlx::RevocationListener as PgRevocationListener;
use tower_revoke_test_support::store::digest;

pub enum Shared {
    Postgres(Database),
    /// A redis-server of the test's own (stopped when dropped) and its
    /// URL: the test counts and cuts every pub/sub client of it, which on
    /// the shared server would be other tests' listeners, in this binary
    /// or another one (nextest runs tests of several binaries at once).
    Redis {
        url: String,
        _server: RedisServer,
    },
}

impl Shared {
    /// A fresh database on the PostgreSQL server in `var`, or a fresh
    /// redis-server where `var` names the Redis one; `None` (skipped) when
    /// `var` is unset.
    pub async fn create(var: &str, test: &str) -> Option<Self> {
        let server = services::url(var, test)?;
        Some(if var == services::POSTGRES_URL {
            Self::Postgres(Database::create(&server).await)
        } else {
            let server = tokio::task::spawn_blocking(RedisServer::start)
                .await
                .unwrap();
            let url = server.url(0);
            Self::Redis {
                url,
                _server: server,
            }
        })
    }

    /// The demo's `TOWER_REVOKE_STORE`.
    pub fn url(&self) -> &str {
        match self {
            Self::Postgres(database) => &database.url,
            Self::Redis { url, .. } => url,
        }
    }

    /// Revokes `token` in the database directly: no notice is sent, so
    /// only a cache entry's expiry can end it at an instance.
    pub async fn revoke_silently(&self, token: &str) {
        match self {
            Self::Postgres(database) => {
                let mut conn = PgConnection::connect(&database.url).await.unwrap();
                let done =
                    sqlx::query("UPDATE tower_revoke_tokens SET revoked_at = 1 WHERE digest = $1")
                        .bind(digest(token).as_bytes().as_slice())
                        .execute(&mut conn)
                        .await
                        .unwrap();
                assert_eq!(done.rows_affected(), 1, "{token} is stored");
            }
            Self::Redis { .. } => {
                let key = format!("trv:t:{{{}}}", digest(token).to_hex());
                let set: i64 = redis::cmd("HSET")
                    .arg(&key)
                    .arg("revoked")
                    .arg("1")
                    .query_async(&mut self.redis().await)
                    .await
                    .unwrap();
                assert_eq!(set, 1, "{token}'s record had no revoked field");
            }
        }
    }

    /// Cuts every notice listener's connection, and returns once they are
    /// gone: `pg_terminate_backend` of the listeners' backends (found by
    /// their `application_name`, waiting up to 5 s for each to exit), or
    /// `CLIENT KILL TYPE pubsub`. Returns how many connections were cut.
    pub async fn cut_listeners(&self) -> usize {
        match self {
            Self::Postgres(database) => {
                let mut conn = PgConnection::connect(&database.url).await.unwrap();
                let cut: Vec<bool> = sqlx::query_scalar(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
                     WHERE datname = current_database() AND application_name = $1",
                )
                .bind(PgRevocationListener::<()>::APPLICATION_NAME)
                .fetch_all(&mut conn)
                .await
                .unwrap();
                cut.into_iter().filter(|c| *c).count()
            }
            Self::Redis { .. } => {
                let killed: i64 = redis::cmd("CLIENT")
                    .arg("KILL")
                    .arg("TYPE")
                    .arg("pubsub")
                    .query_async(&mut self.redis().await)
                    .await
                    .unwrap();
                killed as usize
            }
        }
    }

    /// How many notice listeners are connected.
    pub async fn listeners(&self) -> usize {
        match self {
            Self::Postgres(database) => {
                let mut conn = PgConnection::connect(&database.url).await.unwrap();
                let count: i64 = sqlx::query_scalar(
                    "SELECT count(*) FROM pg_stat_activity \
                     WHERE datname = current_database() AND application_name = $1",
                )
                .bind(PgRevocationListener::<()>::APPLICATION_NAME)
                .fetch_one(&mut conn)
                .await
                .unwrap();
                count as usize
            }
            Self::Redis { .. } => {
                let list: String = redis::cmd("CLIENT")
                    .arg("LIST")
                    .arg("TYPE")
                    .arg("pubsub")
                    .query_async(&mut self.redis().await)
                    .await
                    .unwrap();
                list.lines().filter(|l| !l.trim().is_empty()).count()
            }
        }
    }

    /// Waits (up to 30 s) until `count` listeners are connected.
    pub async fn wait_for_listeners(&self, count: usize) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.listeners().await != count {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{count} listener(s) connected within 30 s"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn redis(&self) -> redis::aio::MultiplexedConnection {
        let client = redis::Client::open(self.url()).unwrap();
        client.get_multiplexed_async_connection().await.unwrap()
    }
}
