//! `private_key_jwt` (RFC 7523 §3) on a real server, beyond the
//! conformance kit: a replay through another instance, the assertion key's
//! time to live, a keys-only client seeded from JSON, no raw `jti` at rest,
//! and `Reset` removing the new keys.

use crate::common;
use std::time::{SystemTime, UNIX_EPOCH};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId};
use tower_revoke::request::Token;
use tower_revoke::store::{AssertionDigest, AssertionUse, ClientKeys};
use tower_revoke::testkit::Reset;
use tower_revoke::{ClientAssertionStore, ClientType, IssuanceStore, RevocationStore};
use tower_revoke_redis::RedisStore;

/// A seed with a keys-only client by value and one by reference, a public
/// client and a confidential one with keys.
const KEYED_SEED: &str = r#"{"clients": [
  {"client_id": "signer", "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}},
  {"client_id": "fetcher", "jwks_uri": "https://client.example/jwks.json"},
  {"client_id": "pub1"},
  {"client_id": "both", "client_secret": "k3y3d", "jwks_uri": "https://both.example/jwks.json"}
]}"#;

fn now() -> u64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.expect("after 1970").as_secs()
}

fn id(value: &str) -> ClientId {
    ClientId::new(value).unwrap()
}

fn digest(jti: &str) -> AssertionDigest {
    AssertionDigest::of(&id("signer"), jti)
}

/// The assertion key of `jti` in `store`, as the crate docs lay it out.
fn assertion_key(store: &RedisStore, jti: &str) -> String {
    let hex = tower_revoke::store::TokenDigest::from_bytes(*digest(jti).as_bytes()).to_hex();
    format!("{}:ca:{{{hex}}}", store.get_key_prefix())
}

/// An empty store under a prefix of its own, for `test` (`None`: skipped,
/// see `common::redis_url`).
async fn fresh(test: &str) -> Option<RedisStore> {
    let url = common::redis_url(test)?;
    Some(common::store(&url, test).await)
}

/// [`fresh`], holding [`KEYED_SEED`].
async fn seeded(test: &str) -> Option<RedisStore> {
    let store = fresh(test).await?;
    store.seed(&common::seed(KEYED_SEED)).await.unwrap();
    Some(store)
}

/// Deletes the keys of `store`.
async fn clean(store: &RedisStore) {
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}

/// A second instance of the app: the same prefix on a connection of its own.
async fn second(url: &str, first: &RedisStore) -> RedisStore {
    RedisStore::new(common::manager(url).await).key_prefix(first.get_key_prefix())
}

async fn command<T: redis::FromRedisValue>(store: &RedisStore, name: &str, key: &str) -> T {
    let mut conn = store.connection().clone();
    redis::cmd(name)
        .arg(key)
        .query_async(&mut conn)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_replay_through_another_instance_is_refused() {
    let Some(url) = common::redis_url("a_replay_through_another_instance_is_refused") else {
        return;
    };
    let one = common::store(&url, "assertion-replay").await;
    let two = second(&url, &one).await;
    let live = now() + 60;
    let used = one.use_assertion(&digest("jti-1"), live).await.unwrap();
    assert_eq!(used, AssertionUse::First);
    let again = two.use_assertion(&digest("jti-1"), live).await.unwrap();
    assert_eq!(
        again,
        AssertionUse::Replayed,
        "a replay on another instance"
    );
    // Raced across the two instances, one use of an assertion is first.
    let uses: Vec<_> = (0..16)
        .map(|i| {
            let store = if i % 2 == 0 { one.clone() } else { two.clone() };
            tokio::spawn(async move { store.use_assertion(&digest("raced"), live).await })
        })
        .collect();
    let mut firsts = 0;
    for used in uses {
        firsts += usize::from(used.await.unwrap().unwrap() == AssertionUse::First);
    }
    assert_eq!(firsts, 1, "exactly one first use across instances");
    clean(&one).await;
}

#[tokio::test]
async fn an_assertion_key_lapses_at_its_expires_at() {
    let Some(store) = fresh("an_assertion_key_lapses_at_its_expires_at").await else {
        return;
    };
    let until = now() + 30;
    let used = store
        .use_assertion(&digest("jti-ttl"), until)
        .await
        .unwrap();
    assert_eq!(used, AssertionUse::First);
    let key = assertion_key(&store, "jti-ttl");
    let at: i64 = command(&store, "EXPIRETIME", &key).await;
    assert_eq!(
        at,
        i64::try_from(until).unwrap(),
        "{key} lapses at expires_at"
    );
    let ttl: i64 = command(&store, "TTL", &key).await;
    assert!((28..=30).contains(&ttl), "{key}: TTL {ttl}");
    // An expires_at already past (0 too, which Redis refuses as a PXAT):
    // first, and no key left behind.
    for (jti, past) in [("jti-past", now() - 1), ("jti-zero", 0)] {
        let used = store.use_assertion(&digest(jti), past).await.unwrap();
        assert_eq!(used, AssertionUse::First, "{jti}");
        let exists: i64 = command(&store, "EXISTS", &assertion_key(&store, jti)).await;
        assert_eq!(exists, 0, "{jti} left a key");
        let live = store.use_assertion(&digest(jti), until).await.unwrap();
        assert_eq!(live, AssertionUse::First, "{jti}: no record, no replay");
    }
    // A live record stays a replay whatever the replay's expires_at.
    let late = store.use_assertion(&digest("jti-ttl"), 0).await.unwrap();
    assert_eq!(late, AssertionUse::Replayed);
    clean(&store).await;
}

#[tokio::test]
async fn a_keys_only_client_seeded_from_json_is_never_public() {
    let Some(store) = seeded("a_keys_only_client_seeded_from_json_is_never_public").await else {
        return;
    };
    let none = |client: &str| ClientCredentials::new(id(client), None, ClientAuthMethod::None);
    for client in ["signer", "fetcher", "both"] {
        let found = store.authenticate_client(&none(client)).await.unwrap();
        assert_eq!(found, None, "{client} authenticated with none");
    }
    let public = store.authenticate_client(&none("pub1")).await.unwrap();
    assert_eq!(public.map(|c| c.client_type), Some(ClientType::Public));
    let prefix = store.get_key_prefix();
    let value: String = command(&store, "GET", &format!("{prefix}:c:{{signer}}")).await;
    assert_eq!(value, "keys", "the client key marks a keys-only client");
    let jwks = store.client_keys(&id("signer")).await.unwrap();
    assert!(
        matches!(&jwks, Some(ClientKeys::Jwks(text)) if text.contains("11qYAYKx")),
        "{jwks:?}"
    );
    let uri = ClientKeys::jwks_uri("https://client.example/jwks.json").unwrap();
    assert_eq!(store.client_keys(&id("fetcher")).await.unwrap(), Some(uri));
    assert_eq!(store.client_keys(&id("pub1")).await.unwrap(), None);
    // Seeding again (here with other keys) keeps what was registered.
    let changed = KEYED_SEED.replace("client.example", "other.example");
    let report = store.seed(&common::seed(&changed)).await.unwrap();
    assert_eq!((report.registered, report.already_registered), (0, 4));
    let kept = store.client_keys(&id("fetcher")).await.unwrap();
    assert!(matches!(kept, Some(ClientKeys::JwksUri(u)) if u.contains("client.example")));
    clean(&store).await;
}

#[tokio::test]
async fn a_dump_after_using_assertions_holds_no_raw_jti() {
    let Some(store) = seeded("a_dump_after_using_assertions_holds_no_raw_jti").await else {
        return;
    };
    let jtis: Vec<String> = (0..4)
        .map(|_| Token::generate().secret().to_owned())
        .collect();
    for jti in &jtis {
        let used = store.use_assertion(&digest(jti), now() + 60).await.unwrap();
        assert_eq!(used, AssertionUse::First);
    }
    let mut conn = store.connection().clone();
    let dump = common::dump(&mut conn, store.get_key_prefix()).await;
    assert!(dump.contains(&assertion_key(&store, &jtis[0])), "{dump}");
    for jti in &jtis {
        assert!(
            !dump.contains(jti.as_str()),
            "{jti} is in the dump:\n{dump}"
        );
    }
    assert!(!dump.contains("k3y3d"), "a secret is in the dump:\n{dump}");
    clean(&store).await;
}

#[tokio::test]
async fn reset_removes_client_keys_and_used_assertions() {
    let Some(store) = seeded("reset_removes_client_keys_and_used_assertions").await else {
        return;
    };
    let live = now() + 60;
    let used = store.use_assertion(&digest("jti-1"), live).await.unwrap();
    assert_eq!(used, AssertionUse::First);
    store.reset().await.unwrap();
    let mut conn = store.connection().clone();
    let left = common::keys(&mut conn, store.get_key_prefix()).await;
    assert!(left.is_empty(), "reset left {left:?}");
    assert_eq!(store.client_keys(&id("signer")).await.unwrap(), None);
    let again = store.use_assertion(&digest("jti-1"), live).await.unwrap();
    assert_eq!(again, AssertionUse::First, "the record went with the reset");
    clean(&store).await;
}
