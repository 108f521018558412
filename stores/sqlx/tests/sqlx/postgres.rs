//! `PostgresStore` against a real PostgreSQL server, each test in a schema
//! of its own. Skipped with a reason when `TOWER_REVOKE_TEST_POSTGRES_URL`
//! is not set, failed when CI is set (see `support::postgres_url`).
#![cfg(feature = "postgres")]

use crate::support;

use sqlx::postgres::PgPoolOptions;
use std::sync::Arc;
use std::time::Duration;
use support::postgres::{dump, Notices, TestDatabase, TestSchema};
use support::{postgres_url, scenarios};
use tower_revoke::testkit::{self, Conformance};
use tower_revoke::IssuanceStore;
use tower_revoke_sqlx::PostgresStore;

/// A migrated store in a fresh schema.
async fn store(test: &str, connections: u32) -> Option<(PostgresStore, TestSchema)> {
    let url = postgres_url(test)?;
    let schema = TestSchema::create(&url, connections).await;
    let store = PostgresStore::new(schema.pool.clone());
    store.migrate().await.expect("migrate");
    Some((store, schema))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_store_passes_the_conformance_kit() {
    let Some((store, _schema)) = store("postgres_store_passes_the_conformance_kit", 8).await else {
        return;
    };
    Conformance::with_store(store)
        .dump(|store: Arc<PostgresStore>| async move { dump(store.pool()).await })
        .run_with_status_lists()
        .await;
}

#[tokio::test]
async fn changed_clients_are_seen_within_max_staleness() {
    let test = "changed_clients_are_seen_within_max_staleness";
    for max_staleness in [Duration::from_secs(2), Duration::ZERO] {
        if let Some((store, _schema)) = store(test, 2).await {
            let store = store.client_cache(max_staleness);
            scenarios::changed_clients_are_seen_within_max_staleness(store, max_staleness).await;
        }
    }
}

/// Revocations that queue while another transaction holds a lock on the
/// tokens table run in shared batches once it is released; the one a
/// trigger refuses fails alone (see the scenario).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_revocation_fails_alone_in_a_shared_commit() {
    let test = "a_failing_revocation_fails_alone_in_a_shared_commit";
    let Some((store, schema)) = store(test, 8).await else {
        return;
    };
    store.seed(&testkit::grant_seed(16)).await.expect("seed");
    let refuse = format!(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql
         AS $$ BEGIN RAISE EXCEPTION '{}'; END $$;
         CREATE TRIGGER refuse BEFORE UPDATE OF revoked_at ON tower_revoke_tokens
         FOR EACH ROW WHEN (NEW.digest = '\\x{}'::bytea) EXECUTE FUNCTION refuse();",
        scenarios::REFUSAL,
        scenarios::REFUSED.to_hex()
    );
    sqlx::raw_sql(&refuse).execute(&schema.pool).await.unwrap();
    let mut blocker = schema.pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE tower_revoke_tokens IN SHARE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let release = async move { blocker.commit().await.unwrap() };
    scenarios::a_failing_revocation_fails_alone(store, release).await;
}

#[tokio::test]
async fn seeding_twice_keeps_revocations_and_secrets() {
    if let Some((store, _schema)) = store("seeding_twice_keeps_revocations_and_secrets", 2).await {
        scenarios::seeding_is_idempotent(store).await;
    }
}

#[tokio::test]
async fn purge_deletes_expired_rows_in_batches() {
    if let Some((store, _schema)) = store("purge_deletes_expired_rows_in_batches", 2).await {
        scenarios::purge_deletes_expired_rows_in_batches(store).await;
    }
}

#[tokio::test]
async fn access_token_ends_its_grant_when_configured() {
    if let Some((store, _schema)) = store("access_token_ends_its_grant_when_configured", 2).await {
        scenarios::access_token_can_end_its_grant(store.access_token_revokes_grant(true)).await;
    }
}

#[tokio::test]
async fn jwt_denials_survive_a_restart() {
    if let Some((store, schema)) = store("jwt_denials_survive_a_restart", 2).await {
        let second = PostgresStore::new(schema.pool.clone());
        scenarios::jwt_denials_are_durable(store, second).await;
    }
}

#[tokio::test]
async fn jwt_store_revocations_survive_a_restart() {
    let test = "jwt_store_revocations_survive_a_restart";
    if let Some((store, schema)) = store(test, 2).await {
        let second = PostgresStore::new(schema.pool.clone());
        scenarios::jwt_store_revocations_survive_a_restart(store, second).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_migrations_apply_once() {
    let Some(url) = postgres_url("concurrent_migrations_apply_once") else {
        return;
    };
    let schema = TestSchema::create(&url, 8).await;
    let store = PostgresStore::new(schema.pool.clone());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.migrate().await })
        })
        .collect();
    for task in tasks {
        task.await
            .unwrap()
            .expect("every concurrent migrate succeeds");
    }
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_revoke_migrations")
        .fetch_one(&schema.pool)
        .await
        .unwrap();
    assert_eq!(versions, 8);
}

/// A clean start logs nothing that looks like a warning: migrating a
/// migrated database again sends no NOTICE (`relation
/// "tower_revoke_migrations" already exists, skipping`, which sqlx logs at
/// INFO). A current-thread runtime, so that the capture, which is per
/// thread, sees the pool's connections.
#[tokio::test(flavor = "current_thread")]
async fn migrating_again_sends_no_notice() {
    let Some(url) = postgres_url("migrating_again_sends_no_notice") else {
        return;
    };
    let schema = TestSchema::create(&url, 2).await;
    let notices = Notices::capture();
    let store = PostgresStore::new(schema.pool.clone());
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrate again");
    assert_eq!(notices.take(), Vec::<String>::new(), "notices of migrate()");
    // The capture works: a statement with a notice of its own is seen.
    sqlx::raw_sql("DROP TABLE IF EXISTS tower_revoke_no_such_table")
        .execute(&schema.pool)
        .await
        .unwrap();
    let seen = notices.take();
    assert!(
        seen.len() == 1 && seen[0].starts_with("INFO ") && seen[0].contains("does not exist"),
        "{seen:?}"
    );
    // And the SET LOCAL ended with migrate()'s transaction.
    let level: String = sqlx::query_scalar("SHOW client_min_messages")
        .fetch_one(&schema.pool)
        .await
        .unwrap();
    assert_eq!(level, "notice");
}

/// The README's first start on a fresh server: the database of the URL is
/// created (its name quoted: spaces, quotes and capitals are kept), then
/// migrated; a second call finds it and leaves it alone.
#[tokio::test]
async fn a_missing_database_is_created() {
    let Some(url) = postgres_url("a_missing_database_is_created") else {
        return;
    };
    let database = TestDatabase::named(&url);
    assert!(!database.exists().await);
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(10))
        .connect_lazy_with(database.options());
    let store = PostgresStore::new(pool.clone());
    assert!(store.migrate().await.is_err(), "no database yet");
    assert!(store.create_database_if_missing().await.expect("create"));
    assert!(database.exists().await);
    store.migrate().await.expect("migrate the new database");
    let name: String = sqlx::query_scalar("SELECT current_database()")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, database.name);
    assert!(!store.create_database_if_missing().await.expect("exists"));
    pool.close().await;
}
