//! `tower_revoke`'s conformance kit against a real Redis, with a dump of
//! every key and value for the no-raw-secrets check.

use crate::common;
use std::sync::Arc;
use tower_revoke::testkit::Conformance;
use tower_revoke::IssuanceStore;
use tower_revoke_redis::RedisStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_conforms() {
    let Some(url) = common::redis_url("redis_store_conforms") else {
        return;
    };
    let prefix = common::unique_prefix("conformance");
    let store = RedisStore::new(common::manager(&url).await)
        .channel(format!("{prefix}:revocations"))
        .key_prefix(&prefix);
    Conformance::with_store(store)
        .dump(|store: Arc<RedisStore>| async move {
            let mut conn = store.connection().clone();
            let dump = common::dump(&mut conn, store.get_key_prefix()).await;
            assert!(dump.contains(":t:{"), "the dump holds the tokens: {dump}");
            dump
        })
        .run_with_status_lists()
        .await;
    common::clean(&mut common::manager(&url).await, &prefix).await;
}

/// JWT access tokens through `JwtStore` over Redis: a revocation from one
/// connection is refused through another (another instance of the app),
/// and so is a bulk revocation's cutoff.
#[tokio::test]
async fn jwt_revocations_are_seen_by_every_instance() {
    use crate::support::jwt;
    use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
    use tower_revoke::request::{RevocationRequest, Token};
    use tower_revoke::{
        IntrospectionStore, RevocationOutcome, RevocationStore, SubjectRevocationStore,
    };
    let Some(url) = common::redis_url("jwt_revocations_are_seen_by_every_instance") else {
        return;
    };
    let first = common::store(&url, "jwt").await;
    first.seed(&tower_revoke::testkit::seed()).await.unwrap();
    let second = RedisStore::new(common::manager(&url).await).key_prefix(first.get_key_prefix());
    let verifier = || JwtVerifier::new(jwt::ISSUER, [JwtKey::hs256(jwt::SECRET).unwrap()]);
    let (one, two) = (
        JwtStore::new(first.clone(), verifier()),
        JwtStore::new(second, verifier()),
    );
    let active = |store: &JwtStore<RedisStore>, token: &str| {
        let (store, token) = (store.clone(), Token::new(token).unwrap());
        async move { store.introspect(&token).await.unwrap().is_some() }
    };
    let (token, alice) = (jwt::token("app1", "carol"), jwt::token("app1", "alice"));
    assert!(active(&two, &token).await);
    let app1 = common::app1();
    let request = RevocationRequest::new(Token::new(token.clone()).unwrap(), None);
    let outcome = one.revoke(&app1, &request).await.unwrap();
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { .. }),
        "{outcome:?}"
    );
    assert!(!active(&two, &token).await);
    assert_eq!(
        two.revoke(&app1, &request).await.unwrap(),
        RevocationOutcome::NotFound
    );
    one.revoke_subject_tokens("alice", &[]).await.unwrap();
    assert!(!active(&two, &alice).await);
    let mut conn = common::manager(&url).await;
    common::clean(&mut conn, first.get_key_prefix()).await;
}
