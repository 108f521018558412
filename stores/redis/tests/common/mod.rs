//! What the Redis tests share: the server's URL (or a skip), a store under
//! a key prefix of its own, a dump of its keys, and cleaning up.

#![allow(dead_code, unreachable_pub)]

use redis::aio::ConnectionManager;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower_revoke_redis::RedisStore;

/// The test server's URL from `TOWER_REVOKE_TEST_REDIS_URL`; `None` (the
/// test skips, saying why) when it is unset, except under `CI=true`, where
/// a missing server fails the test.
pub fn redis_url(test: &str) -> Option<String> {
    match std::env::var("TOWER_REVOKE_TEST_REDIS_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{test}: CI=true but TOWER_REVOKE_TEST_REDIS_URL is unset: run `eval \"$(scripts/services start redis)\"`")
        }
        _ => {
            eprintln!(
                "skipping {test}: TOWER_REVOKE_TEST_REDIS_URL is unset \
                 (eval \"$(scripts/services start redis)\" to run it)"
            );
            None
        }
    }
}

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
    let mut cursor = 0_u64;
    let mut keys = Vec::new();
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .expect("SCAN");
        keys.extend(batch);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Every key under `prefix` with its type and full value, one per line.
pub async fn dump<C: redis::aio::ConnectionLike>(conn: &mut C, prefix: &str) -> String {
    let mut text = String::new();
    for key in keys(conn, prefix).await {
        let kind: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(conn)
            .await
            .unwrap();
        let command = match kind.as_str() {
            "string" => redis::cmd("GET").arg(&key).clone(),
            "hash" => redis::cmd("HGETALL").arg(&key).clone(),
            "zset" => redis::cmd("ZRANGE")
                .arg(&key)
                .arg(0)
                .arg(-1)
                .arg("WITHSCORES")
                .clone(),
            "set" => redis::cmd("SMEMBERS").arg(&key).clone(),
            "list" => redis::cmd("LRANGE").arg(&key).arg(0).arg(-1).clone(),
            "none" => continue, // expired meanwhile
            other => panic!("unexpected key type {other} of {key}"),
        };
        let value: redis::Value = command.query_async(conn).await.unwrap();
        text.push_str(&format!("{key} {kind} {value:?}\n"));
    }
    text
}

/// Deletes every key under `prefix`.
pub async fn clean(conn: &mut ConnectionManager, prefix: &str) {
    for key in keys(conn, prefix).await {
        let _: i64 = redis::cmd("DEL").arg(&key).query_async(conn).await.unwrap();
    }
}

/// A seed: client `app1` (secret `s3cr3t`) and public `pub1`, with grant
/// `G1` of `app1`: access token `AT1`, refresh token `RT1`.
pub const SEED: &str = r#"{
  "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}, {"client_id": "pub1"}],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"}
  ]
}"#;

pub fn seed(json: &str) -> tower_revoke::store::Seed {
    tower_revoke::store::Seed::from_json(json).expect("a valid seed")
}

pub fn token(value: &str) -> tower_revoke::request::Token {
    tower_revoke::request::Token::new(value).expect("a non-empty token")
}

pub fn digest(value: &str) -> tower_revoke::store::TokenDigest {
    tower_revoke::store::TokenDigest::of(&token(value))
}

pub fn app1() -> tower_revoke::AuthenticatedClient {
    tower_revoke::AuthenticatedClient {
        client_id: tower_revoke::client::ClientId::new("app1").unwrap(),
        client_type: tower_revoke::ClientType::Confidential,
    }
}

pub async fn revoke<S: tower_revoke::RevocationStore>(
    store: &S,
    value: &str,
) -> tower_revoke::RevocationOutcome {
    let request = tower_revoke::request::RevocationRequest::new(token(value), None);
    store.revoke(&app1(), &request).await.expect("revoke")
}

pub async fn is_active<S: tower_revoke::IntrospectionStore>(store: &S, value: &str) -> bool {
    let found = store.introspect(&token(value)).await.expect("introspect");
    found.is_some()
}

/// What a [`tower_revoke::store::Invalidate`] sink was told, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    All,
    Some(Vec<tower_revoke::store::TokenDigest>),
}

/// An `Invalidate` sink that records what it is told.
#[derive(Debug, Clone, Default)]
pub struct Recorder(std::sync::Arc<std::sync::Mutex<Vec<Event>>>);

impl tower_revoke::store::Invalidate for Recorder {
    fn invalidate(&self, digests: &[tower_revoke::store::TokenDigest]) {
        self.0.lock().unwrap().push(Event::Some(digests.to_vec()));
    }

    fn invalidate_all(&self) {
        self.0.lock().unwrap().push(Event::All);
    }
}

impl Recorder {
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    pub fn flushes(&self) -> usize {
        self.events().iter().filter(|e| **e == Event::All).count()
    }

    /// Every digest received so far.
    pub fn digests(&self) -> std::collections::BTreeSet<tower_revoke::store::TokenDigest> {
        let events = self.events();
        let each = events.iter().filter_map(|e| match e {
            Event::Some(digests) => Some(digests.clone()),
            Event::All => None,
        });
        each.flatten().collect()
    }

    /// Waits up to `within` for `done(self)`; panics naming `what`.
    pub async fn wait(
        &self,
        what: &str,
        within: std::time::Duration,
        done: impl Fn(&Self) -> bool,
    ) {
        let start = std::time::Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < within,
                "waited {within:?} for {what}: {:?}",
                self.events()
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
}
