//! Seeding is idempotent: what a store holds is left exactly as it is.

use crate::common;

use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::{IssuanceStore, RevocationOutcome, RevocationStore};
use tower_revoke_test_support::store::seed_into;

#[tokio::test]
async fn seeding_twice_stores_nothing_more() {
    let Some(url) = common::redis_url("seeding_twice_stores_nothing_more") else {
        return;
    };
    let store = common::store(&url, "seed-twice").await;
    let document = common::seed(common::SEED);
    assert_eq!(seed_into(&store, &document).await, ((2, 2), (0, 0, 0)));
    let mut conn = store.connection().clone();
    let before = common::dump(&mut conn, store.get_key_prefix()).await;
    assert_eq!(seed_into(&store, &document).await, ((0, 0), (2, 2, 0)));
    let after = common::dump(&mut conn, store.get_key_prefix()).await;
    assert_eq!(before, after, "a second seed changed the keys");
    common::clean(&mut conn, store.get_key_prefix()).await;
}

#[tokio::test]
async fn seeding_again_neither_reactivates_nor_replaces_a_secret() {
    let Some(url) = common::redis_url("seeding_again_neither_reactivates_nor_replaces_a_secret")
    else {
        return;
    };
    let store = common::store(&url, "seed-again").await;
    store.seed(&common::seed(common::SEED)).await.unwrap();
    assert!(matches!(
        common::revoke(&store, "RT1").await,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    let changed = common::SEED.replace("s3cr3t", "n3w-s3cr3t");
    let again = seed_into(&store, &common::seed(&changed)).await;
    assert_eq!(again, ((0, 0), (2, 2, 0)));
    assert!(!common::is_active(&store, "RT1").await, "RT1 came back");
    assert!(!common::is_active(&store, "AT1").await, "AT1 came back");
    let creds = |secret: &str| {
        let id = ClientId::new("app1").unwrap();
        ClientCredentials::new(
            id,
            Some(ClientSecret::new(secret).unwrap()),
            ClientAuthMethod::ClientSecretBasic,
        )
    };
    let old = store.authenticate_client(&creds("s3cr3t")).await.unwrap();
    assert!(old.is_some(), "the stored secret was replaced");
    let new = store
        .authenticate_client(&creds("n3w-s3cr3t"))
        .await
        .unwrap();
    assert!(new.is_none());
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}

#[tokio::test]
async fn a_token_seeded_into_an_ended_grant_is_refused() {
    let Some(url) = common::redis_url("a_token_seeded_into_an_ended_grant_is_refused") else {
        return;
    };
    let store = common::store(&url, "ended-grant").await;
    store.seed(&common::seed(common::SEED)).await.unwrap();
    common::revoke(&store, "RT1").await;
    let late = common::SEED.replace(r#""token": "AT1""#, r#""token": "AT9""#);
    let late = seed_into(&store, &common::seed(&late)).await;
    assert_eq!(late, ((0, 0), (2, 1, 1)), "RT1 is there, AT9 refused");
    assert!(!common::is_active(&store, "AT9").await);
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}

#[tokio::test]
async fn an_interrupted_cascade_finishes_when_revoked_again() {
    let Some(url) = common::redis_url("an_interrupted_cascade_finishes_when_revoked_again") else {
        return;
    };
    let store = common::store(&url, "interrupted").await;
    store.seed(&common::seed(common::SEED)).await.unwrap();
    // What step 1 of a revocation leaves when Redis goes away before step 2.
    let key = format!(
        "{}:t:{{{}}}",
        store.get_key_prefix(),
        common::digest("RT1").to_hex()
    );
    let mut conn = store.connection().clone();
    let _: i64 = redis::cmd("HSET")
        .arg(&key)
        .arg(&["revoked", "1", "cascade", "1"][..])
        .query_async(&mut conn)
        .await
        .unwrap();
    assert!(common::is_active(&store, "AT1").await);
    assert_eq!(
        common::revoke(&store, "RT1").await,
        RevocationOutcome::NotFound
    );
    assert!(
        !common::is_active(&store, "AT1").await,
        "the cascade was not finished"
    );
    common::clean(&mut conn, store.get_key_prefix()).await;
}
