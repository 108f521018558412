//! The database servers the process tests run the demo on: their URLs (or
//! a skip), a PostgreSQL cluster and a redis-server of a test's own (all
//! test-support's, shared with the store crates' tests), and a PostgreSQL
//! database of each test's own.
//!
//! One rule for every test that needs a server ([`url`]): with its URL
//! unset the test is skipped with a printed reason, so `cargo test` passes
//! on a fresh machine; under CI (`CI` set, and not `false` or `0`) a
//! missing URL fails it instead, so CI never passes without testing.

use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};
use tower_revoke_test_support::cleanup::block_on_own_thread;
pub use tower_revoke_test_support::services::{
    unique_name, url, PostgresCluster, RedisServer, POSTGRES_URL, REDIS_URL,
};

/// A database of its own on the server at `server_url`, dropped (with
/// `FORCE`, closing the demo's connections) when this value is.
pub struct Database {
    server_url: String,
    name: String,
    /// The database's URL, as the demo's `TOWER_REVOKE_STORE`.
    pub url: String,
}

impl Database {
    pub async fn create(server_url: &str) -> Self {
        let name = unique_name("trx");
        let mut admin = PgConnection::connect(server_url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let base = server_url
            .rsplit_once('/')
            .expect("a URL with a database")
            .0;
        Self {
            server_url: server_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

/// Drops the database on a thread of its own with its own runtime: `Drop`
/// cannot await, and the test's runtime may be blocked on this thread.
impl Drop for Database {
    fn drop(&mut self) {
        let (url, name) = (self.server_url.clone(), self.name.clone());
        let dropped = block_on_own_thread(move || async move {
            let mut admin = PgConnection::connect(&url).await.ok()?;
            let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::raw_sql(&drop).execute(&mut admin).await.ok()?;
            admin.close().await.ok()
        });
        if dropped.is_none() {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}
