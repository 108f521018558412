//! What the cache answers itself, what it asks the store, and for how long
//! an answer is served.

use crate::fixture::{revoke, store, token, Remote};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_revoke::cache::CachedStore;
use tower_revoke::client::ClientId;
use tower_revoke::store::{ClientEntry, Seed, TokenEntry};
use tower_revoke::{IntrospectionStore, MemoryStore, TokenKind};

const STALENESS: Duration = Duration::from_millis(200);
/// How late past its bound an answer may be found gone, on a busy machine.
const MARGIN: Duration = Duration::from_millis(300);

fn cached(remote: &Remote, staleness: Duration) -> CachedStore<Remote> {
    CachedStore::new(remote.clone(), staleness)
}

#[tokio::test]
async fn warm_token_is_answered_now_without_the_store() {
    let remote = Remote::new(store());
    let cache = cached(&remote, Duration::from_secs(60));
    assert!(cache.introspect_now("AT1").is_none(), "cold: ask the store");
    let active = cache.introspect(&token("AT1")).await.unwrap().unwrap();
    assert_eq!(active.sub(), Some("alice"));
    assert_eq!(remote.lookups(), 1);
    for _ in 0..10 {
        let now = cache.introspect_now("AT1").unwrap().unwrap();
        assert_eq!(now, Some(active.clone()));
        assert_eq!(
            cache.introspect(&token("AT1")).await.unwrap(),
            Some(active.clone())
        );
    }
    assert_eq!(remote.lookups(), 1);
    assert!(
        cache.introspect_now("AT2").is_none(),
        "other tokens stay cold"
    );
}

#[tokio::test]
async fn unknown_token_is_cached_as_not_active() {
    let remote = Remote::new(store());
    let cache = cached(&remote, Duration::from_secs(60));
    assert_eq!(cache.introspect(&token("nope")).await.unwrap(), None);
    assert_eq!(cache.introspect(&token("nope")).await.unwrap(), None);
    assert!(matches!(cache.introspect_now("nope"), Some(Ok(None))));
    assert_eq!(remote.lookups(), 1);
}

#[tokio::test]
async fn store_errors_are_never_cached() {
    let remote = Remote::new(store());
    let cache = cached(&remote, Duration::from_secs(60));
    remote.fail(true);
    assert!(cache.introspect(&token("AT1")).await.is_err());
    assert!(cache.introspect_now("AT1").is_none());
    assert!(cache.introspect(&token("AT1")).await.is_err());
    assert_eq!(remote.lookups(), 2);
    remote.fail(false);
    assert!(cache.introspect(&token("AT1")).await.unwrap().is_some());
    assert_eq!(remote.lookups(), 3);
}

#[tokio::test]
async fn active_answer_expires_after_max_staleness() {
    let remote = Remote::new(store());
    let cache = cached(&remote, STALENESS);
    let asked = Instant::now();
    cache.introspect(&token("AT1")).await.unwrap().unwrap();
    // No sooner than the bound: until it has passed, the answer is served.
    for _ in 0..2 {
        let hit = cache.introspect_now("AT1").is_some();
        let elapsed = asked.elapsed();
        assert!(hit || elapsed >= STALENESS, "gone after {elapsed:?}");
        tokio::time::sleep(STALENESS / 4).await;
    }
    assert_eq!(remote.lookups(), 1);
    // Within the bound and a generous margin, it is gone.
    tokio::time::sleep((STALENESS + MARGIN).saturating_sub(asked.elapsed())).await;
    assert!(cache.introspect_now("AT1").is_none());
    cache.introspect(&token("AT1")).await.unwrap().unwrap();
    assert_eq!(remote.lookups(), 2);
}

#[tokio::test]
async fn inactive_ttl_is_its_own_setting() {
    let remote = Remote::new(store());
    let cache = cached(&remote, Duration::from_secs(60)).inactive_ttl(STALENESS);
    cache.introspect(&token("nope")).await.unwrap();
    cache.introspect(&token("AT1")).await.unwrap();
    tokio::time::sleep(STALENESS + MARGIN).await;
    assert!(cache.introspect_now("nope").is_none());
    assert!(cache.introspect_now("AT1").is_some());
}

#[tokio::test]
async fn active_answer_never_outlives_the_tokens_exp() {
    let app1 = ClientId::new("app1").unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    let exp = now.as_secs() + 1;
    let entry =
        TokenEntry::new(token("SHORT"), TokenKind::AccessToken, app1.clone()).with_expires_at(exp);
    let store =
        MemoryStore::from_seed(&Seed::new([ClientEntry::new(app1, None)], [entry]).unwrap());
    let remote = Remote::new(store);
    let cache = cached(&remote, Duration::from_secs(60));
    assert!(cache.introspect(&token("SHORT")).await.unwrap().is_some());
    let until_exp = Duration::from_secs(exp).saturating_sub(now);
    tokio::time::sleep(until_exp + Duration::from_millis(100)).await;
    assert!(cache.introspect_now("SHORT").is_none(), "served past exp");
    assert_eq!(cache.introspect(&token("SHORT")).await.unwrap(), None);
    assert_eq!(remote.lookups(), 2);
}

#[tokio::test]
async fn an_in_process_store_is_answered_now_and_cached() {
    let memory = store();
    let cache = CachedStore::new(memory.clone(), Duration::from_secs(60));
    assert!(cache.introspect_now("AT1").unwrap().unwrap().is_some());
    // Revoked behind the cache's back: the cached answer is still served.
    revoke(&memory, "AT1").await;
    assert!(!memory.is_active("AT1"));
    assert!(cache.introspect_now("AT1").unwrap().unwrap().is_some());
}

#[test]
fn debug_shows_counts_and_settings_never_tokens() {
    let cache = CachedStore::new(store(), STALENESS).max_entries(10);
    cache.introspect_now("AT1");
    let debug = format!("{cache:?}");
    assert!(debug.starts_with("CachedStore { inner: MemoryStore { clients: 2, tokens: 6"));
    assert!(debug.contains("max_staleness: 200ms"), "{debug}");
    assert!(debug.contains("max_entries: 10"), "{debug}");
    assert!(!debug.contains("AT1"), "{debug}");
    let invalidator = format!("{:?}", cache.invalidator());
    assert!(
        invalidator.starts_with("CacheInvalidator { entries: "),
        "{invalidator}"
    );
}

#[test]
#[should_panic(expected = "CachedStore::max_entries: set options before cloning")]
fn options_after_sharing_the_cache_panic() {
    let cache = CachedStore::new(store(), STALENESS);
    let _invalidator = cache.invalidator();
    let _ = cache.max_entries(10);
}
