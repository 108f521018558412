//! A SQLite file of its own for each test, in a directory removed
//! afterwards.

use sqlx::sqlite::SqlitePoolOptions;
use sqlx::{Row, SqlitePool};
use std::path::{Path, PathBuf};
use std::time::Duration;
use tower_revoke_sqlx::SqliteStore;

/// A temporary directory holding `store.db` (and its WAL files).
pub struct TestFile {
    dir: PathBuf,
}

impl TestFile {
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(super::unique_name("tower-revoke-sqlx"));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        Self { dir }
    }

    pub fn path(&self) -> PathBuf {
        self.dir.join("store.db")
    }

    /// A pool of `connections` on the file, with the store's options.
    pub async fn pool(&self, connections: u32) -> SqlitePool {
        pool(&self.path(), connections).await
    }
}

impl Drop for TestFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn pool(path: &Path, connections: u32) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(connections)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(SqliteStore::connect_options(path))
        .await
        .expect("open the SQLite file")
}

/// Every row of every table, one line per row, each value as its raw
/// bytes (so a token stored as a blob would show).
pub async fn dump(pool: &SqlitePool) -> String {
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(pool)
            .await
            .expect("list tables");
    assert!(
        tables.len() >= 4,
        "the dump must see the store's tables: {tables:?}"
    );
    let mut dump = String::new();
    for table in tables {
        let columns: Vec<String> =
            sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .expect("list columns");
        let exprs: Vec<_> = columns
            .iter()
            .map(|c| format!("CAST({c} AS BLOB)"))
            .collect();
        let query = format!("SELECT {} FROM {table}", exprs.join(", "));
        dump.push_str(&format!("== {table}\n"));
        for row in sqlx::query(&query)
            .fetch_all(pool)
            .await
            .expect("dump a table")
        {
            for i in 0..columns.len() {
                let value: Option<Vec<u8>> = row.try_get(i).expect("a value");
                dump.push_str(&String::from_utf8_lossy(&value.unwrap_or_default()));
                dump.push_str(" | ");
            }
            dump.push('\n');
        }
    }
    dump
}

/// Undoes migration 6 (the status lists and their triggers), but its
/// bookkeeping: for the tests that take a file back to an earlier version.
/// The triggers first: SQLite checks every trigger when a later
/// `ALTER TABLE` changes the schema.
pub async fn undo_version_6(pool: &SqlitePool) {
    sqlx::raw_sql(
        "DROP TRIGGER tower_revoke_status_denied_jti;
        DROP TRIGGER tower_revoke_status_denied_jti_again;
        DROP TRIGGER tower_revoke_status_cutoff;
        DROP TRIGGER tower_revoke_status_cutoff_raised;
        DROP TRIGGER tower_revoke_status_token;
        DROP TRIGGER tower_revoke_status_grant;
        DROP TABLE tower_revoke_status_slots;
        DROP TABLE tower_revoke_status_lists;",
    )
    .execute(pool)
    .await
    .expect("undo version 6");
}
