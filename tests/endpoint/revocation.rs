//! Rules 5 to 9: what revoking does, by the kind and owner of the token
//! (RFC 7009 §2.1, §2.2, §2.2.1).

use crate::fixture::{app, as_app1, default_app, revoke, send_fresh, store};
use crate::support::desc;
use tower_revoke::revocation::OtherClientToken;
use tower_revoke::RevocationEndpointLayer;

#[tokio::test]
async fn token_type_hint_does_not_limit_the_lookup() {
    let (store, app, _) = default_app();
    for (body, token) in [
        ("token=AT1&token_type_hint=refresh_token", "AT1"),
        ("token=RT1&token_type_hint=access_token", "RT1"),
    ] {
        as_app1(body).send(&app).await.assert_revoked();
        assert!(!store.is_active(token));
    }
}

#[tokio::test]
async fn unknown_token_type_hint_is_ignored() {
    let (store, reply) = send_fresh(as_app1("token=AT1&token_type_hint=id_token")).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn unknown_token_is_answered_like_a_revoked_one() {
    let (store, reply) = send_fresh(as_app1("token=no-such-token")).await;
    reply.assert_revoked();
    assert!(store.is_active("AT1") && store.is_active("RT1"));
}

#[tokio::test]
async fn expired_token_is_answered_like_a_revoked_one() {
    let (store, app, _) = default_app();
    assert!(!store.is_active("old"));
    as_app1("token=old").send(&app).await.assert_revoked();
}

#[tokio::test]
async fn already_revoked_token_is_answered_like_a_revoked_one() {
    let (store, app, _) = default_app();
    for _ in 0..2 {
        as_app1("token=AT1").send(&app).await.assert_revoked();
        assert!(!store.is_active("AT1"));
    }
}

#[tokio::test]
async fn token_of_another_client_is_invalid_grant_for_a_confidential_client() {
    let (store, reply) = send_fresh(as_app1("token=OT1")).await;
    reply.assert_error(400, "invalid_grant", desc::OTHER_CLIENT, &[]);
    assert!(store.is_active("OT1"));
}

#[tokio::test]
async fn token_of_another_client_looks_unknown_to_a_public_client() {
    let (store, reply) = send_fresh(revoke("token=AT1&client_id=pub1")).await;
    reply.assert_revoked();
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn like_unknown_policy_answers_every_client_like_an_unknown_token() {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .other_client_token(OtherClientToken::LikeUnknown);
    let (app, _) = app(layer);
    for request in [as_app1("token=OT1"), revoke("token=AT1&client_id=pub1")] {
        request.send(&app).await.assert_revoked();
    }
    assert!(store.is_active("OT1") && store.is_active("AT1"));
}

#[tokio::test]
async fn invalid_grant_policy_refuses_public_clients_too() {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .other_client_token(OtherClientToken::InvalidGrant);
    let (app, _) = app(layer);
    for request in [revoke("token=AT1&client_id=pub1"), as_app1("token=OT1")] {
        let reply = request.send(&app).await;
        reply.assert_error(400, "invalid_grant", desc::OTHER_CLIENT, &[]);
    }
    assert!(store.is_active("OT1") && store.is_active("AT1"));
}

#[tokio::test]
async fn expired_token_of_another_client_is_answered_like_an_unknown_one() {
    let request = revoke("token=old").basic("app2", "0th3r-s3cr3t");
    send_fresh(request).await.1.assert_revoked();
}

#[tokio::test]
async fn token_the_store_cannot_revoke_is_unsupported_token_type() {
    let (store, reply) = send_fresh(as_app1("token=jwt")).await;
    reply.assert_error(400, "unsupported_token_type", desc::UNSUPPORTED, &[]);
    assert!(store.is_active("jwt"));
}

#[tokio::test]
async fn revoking_a_refresh_token_revokes_its_grant() {
    let (store, reply) = send_fresh(as_app1("token=RT1")).await;
    reply.assert_revoked();
    assert!(!store.is_active("RT1"));
    assert!(!store.is_active("AT1"), "AT1 shares grant G1");
    assert!(store.is_active("AT2"), "AT2 is another grant");
}

#[tokio::test]
async fn revoking_an_access_token_leaves_its_refresh_token_active() {
    let (store, reply) = send_fresh(as_app1("token=AT1")).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
    assert!(store.is_active("RT1"));
}

#[tokio::test]
async fn access_token_revokes_grant_revokes_its_refresh_token_too() {
    let store = store().access_token_revokes_grant(true);
    let (app, _) = app(RevocationEndpointLayer::new(store.clone()));
    as_app1("token=AT1").send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1") && !store.is_active("RT1"));
    assert!(store.is_active("AT2"));
}
