//! PostgreSQL goes away and comes back while a store is in use: requests
//! fail with `Err` (nothing changes), and the same store works again
//! without being rebuilt.
//!
//! The test pauses a PostgreSQL cluster of its own (test-support's
//! `PostgresCluster`, started with `scripts/services` in a state directory
//! of its own), never the shared test server, so it runs in parallel with
//! every other test. It runs wherever the PostgreSQL tests run (`TOWER_REVOKE_TEST_POSTGRES_URL` set,
//! which says PostgreSQL is installed), and needs root as the script does.
#![cfg(feature = "postgres")]

use crate::support;

use sqlx::postgres::PgPoolOptions;
use std::time::{Duration, Instant};
use support::scenarios::{app1, is_active, revoke};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    testkit, IntrospectionStore, IssuanceStore, RevocationOutcome, RevocationStore, TokenKind,
};
use tower_revoke_sqlx::PostgresStore;
use tower_revoke_test_support::services::PostgresCluster;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_fails_while_postgres_is_down_and_recovers_by_itself() {
    if support::postgres_url("store_fails_while_postgres_is_down_and_recovers_by_itself").is_none()
    {
        return;
    }
    let cluster = tokio::task::spawn_blocking(PostgresCluster::start)
        .await
        .unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(&cluster.url)
        .unwrap();
    let store = PostgresStore::new(pool);
    store.migrate().await.expect("migrate");
    store.seed(&testkit::seed()).await.expect("seed");
    let access = RevocationOutcome::Revoked {
        kind: TokenKind::AccessToken,
        cascaded: 0,
    };
    assert_eq!(revoke(&store, "AT2").await, access, "before the outage");

    cluster.pause().await;
    let request = RevocationRequest::new(Token::new("RT2").unwrap(), None);
    for _ in 0..3 {
        let started = Instant::now();
        let outcome = store.revoke(&app1(), &request).await;
        assert!(outcome.is_err(), "revoke while down: {outcome:?}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        let found = store.introspect(request.token()).await;
        assert!(found.is_err(), "introspect while down: {found:?}");
    }

    cluster.resume().await;
    // The same store, not rebuilt: the first request after the restart
    // already succeeds (the pool tests connections before handing them
    // out), and nothing changed while the database was down.
    assert!(
        is_active(&store, "RT2").await,
        "the failed revocation changed nothing"
    );
    let refresh = RevocationOutcome::Revoked {
        kind: TokenKind::RefreshToken,
        cascaded: 0,
    };
    assert_eq!(revoke(&store, "RT2").await, refresh, "after the outage");
    assert!(
        !is_active(&store, "AT2").await,
        "revoked before the outage, still revoked"
    );
}
