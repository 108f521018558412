//! What the Redis tests share: the server's URL (or a skip), a store under
//! a key prefix of its own, a dump of its keys, and cleaning up; and, from
//! test-support, the seed and `app1`'s calls, the notice recorder and
//! redis-servers of a test's own.

pub use crate::support::notices::{Event, Recorder};
pub use crate::support::services::{redis_server, redis_url, RedisServer};
pub use crate::support::store::{app1, cascade, digest, is_active, revoke, seed, token, SEED};
use redis::aio::ConnectionManager;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tower_revoke_redis::RedisStore;
use tower_revoke_test_support::redis_keys;

/// A key prefix no other test (or test run) uses.
pub fn unique_prefix(test: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("trv-test:{test}:{}:{n}", std::process::id())
}

/// A connection manager with the recommended configuration.
pub async fn manager(url: &str) -> ConnectionManager {
    let client = redis::Client::open(url).expect("a valid Redis URL");
    let config = RedisStore::connection_manager_config();
    client
        .get_connection_manager_with_config(config)
        .await
        .expect("the test Redis is reachable")
}

/// An empty store under a prefix of its own, and its channel of its own,
/// connected by URL (so it can start its listener).
pub async fn store(url: &str, test: &str) -> RedisStore {
    let prefix = unique_prefix(test);
    RedisStore::connect(url)
        .await
        .expect("the test Redis is reachable")
        .channel(format!("{prefix}:revocations"))
        .key_prefix(prefix)
}

/// The keys under `prefix`, sorted.
pub async fn keys<C: redis::aio::ConnectionLike>(conn: &mut C, prefix: &str) -> Vec<String> {
    redis_keys::keys(conn, &format!("{prefix}:*")).await
}

/// Every key under `prefix` with its type and full value, one per line.
pub async fn dump<C: redis::aio::ConnectionLike>(conn: &mut C, prefix: &str) -> String {
    let mut text = String::new();
    for key in keys(conn, prefix).await {
        if let Some((kind, value)) = redis_keys::read(conn, &key).await {
            text.push_str(&format!("{key} {kind} {value:?}\n"));
        }
    }
    text
}

/// Deletes every key under `prefix`.
pub async fn clean(conn: &mut ConnectionManager, prefix: &str) {
    for key in keys(conn, prefix).await {
        let _: i64 = redis::cmd("DEL").arg(&key).query_async(conn).await.unwrap();
    }
}

/// Blocks until `done()`, looking every 20 ms; panics naming `what` after
/// `within`.
pub fn wait_until(what: &str, within: Duration, done: impl Fn() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < within, "waited {within:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
