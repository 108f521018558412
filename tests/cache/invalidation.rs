//! How the cache forgets: revocations through it, notices from the store's
//! channel ([`Invalidate`]), and lookups that were in flight meanwhile.

use crate::fixture::{digest, revoke, store, token, Remote};
use std::time::Duration;
use tower_revoke::cache::CachedStore;
use tower_revoke::{
    IntrospectionStore, Invalidate, RevocationNotice, RevocationOutcome, SubjectRevocationStore,
    TokenKind,
};

const MINUTE: Duration = Duration::from_secs(60);

/// A cache over `remote`, warm with AT1, AT2 and RT1 (all active).
async fn warm(remote: &Remote) -> CachedStore<Remote> {
    warm_cache(CachedStore::new(remote.clone(), MINUTE)).await
}

async fn warm_cache(cache: CachedStore<Remote>) -> CachedStore<Remote> {
    for value in ["AT1", "AT2", "RT1"] {
        assert!(cache.introspect(&token(value)).await.unwrap().is_some());
    }
    cache
}

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
async fn unknown_tokens_revoked_through_the_cache_flush_nothing() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    assert_eq!(revoke(&cache, "nope").await, RevocationOutcome::NotFound);
    for value in ["AT1", "AT2", "RT1"] {
        assert_eq!(cached(&cache, value), Some(true));
    }
}

#[tokio::test]
async fn a_grant_cascade_through_the_cache_flushes_it() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    let outcome = revoke(&cache, "RT1").await;
    let kind = TokenKind::RefreshToken;
    assert_eq!(outcome, RevocationOutcome::Revoked { kind, cascaded: 1 });
    for value in ["AT1", "AT2", "RT1"] {
        assert_eq!(cached(&cache, value), None, "{value}");
    }
    assert_eq!(cache.introspect(&token("AT1")).await.unwrap(), None);
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
async fn revoking_a_subjects_tokens_through_the_cache_flushes_it() {
    let remote = Remote::new(store());
    let cache = warm(&remote).await;
    assert_eq!(cache.revoke_subject_tokens("nobody", &[]).await.unwrap(), 0);
    assert_eq!(cached(&cache, "AT2"), Some(true));
    assert_eq!(cache.revoke_subject_tokens("alice", &[]).await.unwrap(), 2);
    assert_eq!(cached(&cache, "AT1"), None);
    assert_eq!(cached(&cache, "AT2"), None, "flushed with the rest");
    assert_eq!(
        cache
            .introspect(&token("AT2"))
            .await
            .unwrap()
            .unwrap()
            .sub(),
        Some("bob")
    );
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
    for value in ["AT1", "AT2", "RT1"] {
        assert_eq!(cached(&cache, value), None, "{value}");
    }
    let before = remote.lookups();
    warm_cache(cache.clone()).await;
    assert_eq!(remote.lookups(), before + 3);
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
