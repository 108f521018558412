//! Revocation and introspection agree at every step: whatever the
//! revocation endpoint (or bulk revocation) ends, introspection answers
//! inactive from the next request on.

use crate::fixture::{app, introspect_as, introspect_token, revoke_as_app1};
use tower_revoke::SubjectRevocationStore;

#[tokio::test]
async fn a_revoked_access_token_is_inactive_and_its_grant_is_not() {
    let (_, app, _) = app();
    introspect_token(&app, "AT1").await.assert_active();
    revoke_as_app1("token=AT1")
        .send(&app)
        .await
        .assert_revoked();
    introspect_token(&app, "AT1").await.assert_inactive();
    introspect_token(&app, "RT1").await.assert_active();
    introspect_as("rs1", "token=AT1")
        .send(&app)
        .await
        .assert_inactive();
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_its_whole_grant() {
    let (_, app, _) = app();
    revoke_as_app1("token=RT1")
        .send(&app)
        .await
        .assert_revoked();
    for token in ["RT1", "AT1"] {
        introspect_token(&app, token).await.assert_inactive();
    }
    introspect_token(&app, "AT2").await.assert_active();
}

#[tokio::test]
async fn a_refused_revocation_changes_nothing() {
    let (_, app, _) = app();
    // app1 may not revoke app2's token: it stays active for app2.
    let reply = revoke_as_app1("token=OT1").send(&app).await;
    assert_eq!(reply.status, 400);
    let members = introspect_as("app2", "token=OT1")
        .send(&app)
        .await
        .assert_active();
    assert_eq!(members["sub"], "dave");
}

#[tokio::test]
async fn bulk_revocation_of_a_subject_is_seen_at_once() {
    let (store, app, _) = app();
    assert_eq!(store.revoke_subject_tokens("alice", &[]).await.unwrap(), 2);
    introspect_token(&app, "AT1").await.assert_inactive();
    introspect_token(&app, "RT1").await.assert_inactive();
    introspect_token(&app, "AT2").await.assert_active();
}
