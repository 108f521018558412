//! How the cache forgets: revocations through it, notices from the store's
//! channel ([`Invalidate`]), and lookups that were in flight meanwhile.

use crate::fixture::{digest, revoke, store, token, Remote};
use std::time::Duration;
use tower_revoke::cache::CachedStore;
use tower_revoke::store::{Invalidate, RevocationNotice};
use tower_revoke::{IntrospectionStore, RevocationOutcome, SubjectRevocationStore, TokenKind};

const MINUTE: Duration = Duration::from_secs(60);

/// A cache over `remote`, warm with every active token of the seed.
async fn warm(remote: &Remote) -> CachedStore<Remote> {
    warm_cache(CachedStore::new(remote.clone(), MINUTE)).await
}

async fn warm_cache(cache: CachedStore<Remote>) -> CachedStore<Remote> {
    for value in WARM {
        assert!(cache.introspect(&token(value)).await.unwrap().is_some());
    }
    cache
}

/// The active tokens of the seed: app1's, then app2's OT1.
const WARM: [&str; 5] = ["AT1", "AT2", "RT1", "XAT", "OT1"];

/// What the cache answers now for `value`: `Some(active)` from the cache,
/// `None` when it would ask the store.
fn cached(cache: &CachedStore<Remote>, value: &str) -> Option<bool> {
    let answer = cache.introspect_now(value)?;
    Some(answer.unwrap().is_some())
}

#[tokio::test]
async fn revoking_through_the_cache_forgets_the_token_at_once() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    let outcome = revoke(&cache, "AT1").await;
    assert!(matches!(
        outcome,
        RevocationOutcome::Revoked { cascaded: 0, .. }
    ));
    assert_eq!(cached(&cache, "AT1"), None);
    assert_eq!(cache.introspect(&token("AT1")).await.unwrap(), None);
    assert_eq!(cached(&cache, "AT2"), Some(true), "other tokens stay warm");
}

#[tokio::test]
async fn revoking_through_a_clone_forgets_the_token() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    revoke(&cache.clone(), "AT1").await;
    assert_eq!(cached(&cache, "AT1"), None);
}

#[tokio::test]
async fn a_grant_cascade_through_the_cache_flushes_the_clients_answers() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    let outcome = revoke(&cache, "RT1").await;
    let kind = TokenKind::RefreshToken;
    assert_eq!(outcome, RevocationOutcome::Revoked { kind, cascaded: 1 });
    for value in ["AT1", "AT2", "RT1", "XAT"] {
        assert_eq!(cached(&cache, value), None, "{value}");
    }
    assert_eq!(cached(&cache, "OT1"), Some(true), "another client's grant");
    assert_eq!(cache.introspect(&token("AT1")).await.unwrap(), None);
    assert!(cache.introspect(&token("AT2")).await.unwrap().is_some());
    assert_eq!(cached(&cache, "AT2"), Some(true), "cached again");
}

#[tokio::test]
async fn an_expired_refresh_token_revoked_through_the_cache_ends_its_grant() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    assert_eq!(revoke(&cache, "XRT").await, RevocationOutcome::NotFound);
    assert!(!remote.store.is_active("XAT"));
    assert_eq!(cached(&cache, "XAT"), None);
    assert_eq!(cache.introspect(&token("XAT")).await.unwrap(), None);
    assert_eq!(cached(&cache, "OT1"), Some(true));
}

#[tokio::test]
async fn without_flush_on_cascade_not_found_flushes_nothing() {
    let remote = Remote::new(store());
    let cache = CachedStore::new(remote.clone(), MINUTE).flush_on_cascade(false);
    let cache = warm_cache(cache).await;
    assert_eq!(revoke(&cache, "nope").await, RevocationOutcome::NotFound);
    for value in WARM {
        assert_eq!(cached(&cache, value), Some(true), "{value}");
    }
}

#[tokio::test]
async fn without_flush_on_cascade_the_grant_waits_for_its_notice() {
    let remote = Remote::new(store());
    let cache = CachedStore::new(remote.clone(), MINUTE).flush_on_cascade(false);
    let cache = warm_cache(cache).await;
    revoke(&cache, "RT1").await;
    assert_eq!(cached(&cache, "RT1"), None);
    assert_eq!(cached(&cache, "AT1"), Some(true), "stale until the notice");
    assert_eq!(cached(&cache, "AT2"), Some(true));
    // The store's channel names every token of the grant.
    let notice = RevocationNotice::new(vec![digest("RT1"), digest("AT1")]);
    let notice = RevocationNotice::parse(&notice.to_payload()).unwrap();
    cache.invalidator().invalidate(notice.digests());
    assert_eq!(cached(&cache, "AT1"), None);
    assert_eq!(cached(&cache, "AT2"), Some(true));
}

#[tokio::test]
async fn revoking_a_subjects_tokens_through_the_cache_flushes_the_subjects_answers() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    assert_eq!(cache.revoke_subject_tokens("nobody", &[]).await.unwrap(), 0);
    assert_eq!(cache.revoke_subject_tokens("alice", &[]).await.unwrap(), 3);
    for value in ["AT1", "RT1", "OT1"] {
        assert_eq!(cached(&cache, value), None, "{value}");
    }
    assert_eq!(cached(&cache, "AT2"), Some(true), "bob's");
    assert_eq!(cache.introspect(&token("OT1")).await.unwrap(), None);
}

#[tokio::test]
async fn revoked_behind_the_cache_is_served_until_invalidated() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    revoke(&remote, "AT1").await;
    assert_eq!(
        cached(&cache, "AT1"),
        Some(true),
        "the cache has not been told"
    );
    cache.invalidate(&[digest("AT1")]);
    assert_eq!(cached(&cache, "AT1"), None);
    assert_eq!(cache.introspect(&token("AT1")).await.unwrap(), None);
    assert_eq!(cached(&cache, "AT1"), Some(false));
    assert_eq!(cached(&cache, "AT2"), Some(true));
}

#[tokio::test]
async fn invalidate_all_forgets_everything_at_once() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    let invalidator = cache.invalidator();
    invalidator.invalidate_all();
    for value in WARM {
        assert_eq!(cached(&cache, value), None, "{value}");
    }
    let before = remote.lookups();
    warm_cache(cache.clone()).await;
    assert_eq!(remote.lookups(), before + WARM.len());
    cache.invalidate_all();
    assert_eq!(cached(&cache, "AT2"), None);
}

#[tokio::test]
async fn a_lookup_in_flight_during_a_notice_does_not_put_its_answer_back() {
    let remote = Remote::new(store());
    let cache = CachedStore::new(remote.clone(), MINUTE);
    remote.hold();
    let lookup = tokio::spawn({
        let cache = cache.clone();
        async move { cache.introspect(&token("AT1")).await }
    });
    // The store has read "active"; then AT1 is revoked elsewhere, and the
    // notice arrives before the lookup's answer does.
    remote.held().await;
    revoke(&remote, "AT1").await;
    cache.invalidator().invalidate(&[digest("AT1")]);
    remote.release();
    let answer = lookup.await.unwrap().unwrap();
    assert!(answer.is_some(), "the answer read before the revocation");
    assert_eq!(cached(&cache, "AT1"), None, "but it was not cached");
    assert_eq!(cache.introspect(&token("AT1")).await.unwrap(), None);
}

/// Every rule of the store contract holds through the cache: what a
/// revocation through it ended is never answered active afterwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_cached_store_conforms_like_the_store_it_wraps() {
    tower_revoke::testkit::Conformance::new(|seed| async move {
        CachedStore::new(tower_revoke::MemoryStore::from_seed(&seed), MINUTE)
    })
    .run()
    .await;
}
