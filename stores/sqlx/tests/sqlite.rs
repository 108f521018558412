//! `SqliteStore` on a temporary file: always runs.
#![cfg(feature = "sqlite")]

mod support;

use std::sync::Arc;
use support::scenarios;
use support::sqlite::{dump, TestFile};
use tower_revoke::testkit::Conformance;
use tower_revoke_sqlx::SqliteStore;

async fn store(file: &TestFile, connections: u32) -> SqliteStore {
    let store = SqliteStore::new(file.pool(connections).await);
    store.migrate().await.expect("migrate");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_conformance_kit() {
    let file = TestFile::new();
    let store = store(&file, 4).await;
    Conformance::new(move |seed| {
        let store = store.clone();
        async move {
            sqlx::raw_sql("DELETE FROM tower_revoke_tokens; DELETE FROM tower_revoke_grants; DELETE FROM tower_revoke_clients;")
                .execute(store.pool())
                .await
                .expect("empty the tables");
            store.seed(&seed).await.expect("seed");
            store
        }
    })
    .dump(|store: Arc<SqliteStore>| async move { dump(store.pool()).await })
    .run()
    .await;
}

#[tokio::test]
async fn seeding_twice_keeps_revocations_and_secrets() {
    let file = TestFile::new();
    scenarios::seeding_is_idempotent(store(&file, 2).await).await;
}

#[tokio::test]
async fn purge_deletes_expired_rows_in_batches() {
    let file = TestFile::new();
    scenarios::purge_deletes_expired_rows_in_batches(store(&file, 2).await).await;
}

#[tokio::test]
async fn access_token_ends_its_grant_when_configured() {
    let file = TestFile::new();
    let store = store(&file, 2).await.access_token_revokes_grant(true);
    scenarios::access_token_can_end_its_grant(store).await;
}

#[tokio::test]
async fn open_creates_the_file_in_wal_mode() {
    let file = TestFile::new();
    let store = SqliteStore::open(file.path()).await.expect("open");
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrate again");
    assert!(file.path().exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_revoke_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(versions, 1);
}
