//! Single use (RFC 7523 §3 item 7): an assertion authenticates once, at
//! any instance sharing the store, until its record lapses.

use crate::fixture::{revoke, server, server_with, verifier};
use crate::support::assertion::{assertion, claims, sign};
use crate::support::store::is_active;
use crate::support::{challenge, desc};
use jsonwebtoken::Algorithm;
use tower_revoke::client::ClientId;
use tower_revoke::store::{AssertionDigest, AssertionUse};
use tower_revoke::ClientAssertionStore;

#[tokio::test]
async fn a_second_use_is_refused_and_changes_nothing() {
    let (store, server) = server().await;
    let once = assertion("keyed");
    server.send(revoke(&once, "AT0")).await.assert_revoked();
    let again = server.send(revoke(&once, "AT1")).await;
    again.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(!is_active(&store, "AT0").await);
    assert!(is_active(&store, "AT1").await, "the replay revoked nothing");
}

#[tokio::test]
async fn a_replay_to_another_instance_sharing_the_store_is_refused() {
    let (store, first) = server().await;
    let second = server_with(&store, verifier(&store)).await;
    let once = assertion("keyed");
    first.send(revoke(&once, "AT0")).await.assert_revoked();
    let replayed = second.send(revoke(&once, "AT1")).await;
    replayed.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(is_active(&store, "AT1").await);
}

#[tokio::test]
async fn the_jti_is_kept_until_exp_plus_the_leeway_for_that_client_only() {
    let (store, server) = server().await;
    let claims = claims("keyed");
    let exp = claims["exp"].as_u64().unwrap();
    let jti = claims["jti"].as_str().unwrap().to_owned();
    server
        .send(revoke(&sign(&claims, Algorithm::ES256), "AT0"))
        .await
        .assert_revoked();
    let keyed = ClientId::new("keyed").unwrap();
    let digest = AssertionDigest::of(&keyed, &jti);
    // Recorded until exp + 30 s: a use with a later expiry is a replay ...
    assert_eq!(
        store.use_assertion(&digest, exp + 31).await.unwrap(),
        AssertionUse::Replayed
    );
    // ... and the same jti from another client is another assertion.
    let both = AssertionDigest::of(&ClientId::new("both").unwrap(), &jti);
    assert_eq!(
        store.use_assertion(&both, exp + 31).await.unwrap(),
        AssertionUse::First
    );
}

#[tokio::test]
async fn concurrent_uses_of_one_assertion_revoke_once() {
    let (store, server) = server().await;
    let once = assertion("keyed");
    let server = std::sync::Arc::new(server);
    let sends: Vec<_> = (0..8)
        .map(|i| {
            let (server, once) = (server.clone(), once.clone());
            tokio::spawn(async move { server.send(revoke(&once, &format!("AT{i}"))).await })
        })
        .collect();
    let mut revoked = 0;
    for send in sends {
        let reply = send.await.unwrap();
        revoked += usize::from(reply.status == 200);
    }
    assert_eq!(revoked, 1, "exactly one use authenticated");
    let mut active = 0;
    for i in 0..8 {
        active += usize::from(is_active(&store, &format!("AT{i}")).await);
    }
    assert_eq!(active, 7);
}
