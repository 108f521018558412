//! Outages: a Redis that is down answers `Err` within the store's timeout,
//! the store and the listener reconnect by themselves, and the listener
//! flushes its cache after every reconnection. These tests start their own
//! redis-server in a temporary directory, so that stopping it disturbs no
//! other test.

use crate::common;
use crate::support::services::free_port;
use tower_revoke::IssuanceStore;

use std::time::{Duration, Instant};
use tower_revoke::{IntrospectionStore, RevocationOutcome};
use tower_revoke_redis::RedisStore;

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_and_listener_ride_out_an_outage() {
    if common::redis_url("store_and_listener_ride_out_an_outage").is_none() {
        return;
    }
    let mut server = common::RedisServer::start();
    let url = server.url(0);
    let timeout = Duration::from_secs(1);
    let store = RedisStore::new(common::manager(&url).await).timeout(timeout);
    store.seed(&common::seed(common::SEED)).await.unwrap();
    let recorder = common::Recorder::default();
    let client = redis::Client::open(url.as_str()).unwrap();
    let listener = tower_revoke_redis::RevocationListener::new(client, recorder.clone())
        .backoff(Duration::from_millis(50), Duration::from_millis(200))
        .ping_interval(Duration::from_millis(200))
        .run();
    let listener = tokio::spawn(listener);
    recorder
        .wait("the first flush", WAIT, |r| r.flushes() == 1)
        .await;

    // The listener's connection is cut: it reconnects and flushes.
    let mut admin = common::manager(&url).await;
    let killed: i64 = redis::cmd("CLIENT")
        .arg(&["KILL", "TYPE", "pubsub"][..])
        .query_async(&mut admin)
        .await
        .unwrap();
    assert_eq!(killed, 1);
    recorder
        .wait("a flush after the kill", WAIT, |r| r.flushes() == 2)
        .await;
    common::revoke(&store, "AT1").await;
    recorder
        .wait("AT1", WAIT, |r| {
            r.digests().contains(&common::digest("AT1"))
        })
        .await;

    // The server goes down: every call fails within the timeout.
    server.stop();
    for _ in 0..3 {
        let start = Instant::now();
        let found = store.introspect(&common::token("RT1")).await;
        assert!(found.is_err(), "{found:?}");
        assert!(
            start.elapsed() < timeout + Duration::from_millis(500),
            "{:?}",
            start.elapsed()
        );
    }
    let request = tower_revoke::request::RevocationRequest::new(common::token("RT1"), None);
    let revoked = tower_revoke::RevocationStore::revoke(&store, &common::app1(), &request).await;
    assert!(revoked.is_err(), "{revoked:?}");

    // It comes back (empty: no persistence): both reconnect by themselves.
    server.resume();
    store.seed(&common::seed(common::SEED)).await.ok();
    let start = Instant::now();
    loop {
        if let Ok(Some(_)) = store.introspect(&common::token("RT1")).await {
            break;
        }
        store.seed(&common::seed(common::SEED)).await.ok();
        assert!(start.elapsed() < WAIT, "the store did not reconnect");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    recorder
        .wait("a flush after the restart", WAIT, |r| r.flushes() == 3)
        .await;
    let outcome = common::revoke(&store, "RT1").await;
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { .. }),
        "{outcome:?}"
    );
    recorder
        .wait("RT1", WAIT, |r| {
            r.digests().contains(&common::digest("RT1"))
        })
        .await;
    listener.abort();
}

/// Needs no Redis: nothing listens on the port.
#[tokio::test]
async fn a_store_on_a_closed_port_fails_within_its_timeout() {
    let url = format!("redis://127.0.0.1:{}/0", free_port());
    let client = redis::Client::open(url.as_str()).unwrap();
    let config = RedisStore::connection_manager_config();
    let manager = redis::aio::ConnectionManager::new_lazy_with_config(client, config).unwrap();
    let timeout = Duration::from_secs(1);
    let store = RedisStore::new(manager).timeout(timeout);
    let start = Instant::now();
    let found = store.introspect(&common::token("AT1")).await;
    assert!(found.is_err(), "{found:?}");
    let revoked = common::app1();
    let request = tower_revoke::request::RevocationRequest::new(common::token("AT1"), None);
    let outcome = tower_revoke::RevocationStore::revoke(&store, &revoked, &request).await;
    assert!(outcome.is_err(), "{outcome:?}");
    assert!(
        start.elapsed() < 2 * timeout + Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );

    let start = Instant::now();
    let connected = RedisStore::connect(&url).await;
    assert!(connected.is_err());
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "connect took {:?}",
        start.elapsed()
    );
}
