//! Rule 10: a failing store is 503 `temporarily_unavailable` with
//! `Retry-After`, and never reported as a revocation (RFC 7009 §2.2.1).

use crate::fixture::{app, as_app1, revoke, store};
use crate::support::desc;
use crate::support::failing::FailingStore;
use crate::support::request::get;
use std::time::Duration;
use tower_revoke::RevocationEndpointLayer;

#[tokio::test]
async fn failing_client_authentication_is_temporarily_unavailable() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore::DOWN));
    as_app1("token=AT1")
        .send(&app)
        .await
        .assert_unavailable("5");
}

#[tokio::test]
async fn failing_revocation_is_temporarily_unavailable_and_revokes_nothing() {
    let store = store();
    let failing = FailingStore::revoke_only(store.clone());
    let (app, _) = app(RevocationEndpointLayer::new(failing));
    as_app1("token=RT1")
        .send(&app)
        .await
        .assert_unavailable("5");
    assert!(store.is_active("RT1") && store.is_active("AT1"));
}

#[tokio::test]
async fn failing_revocation_still_refuses_a_wrong_secret_with_401() {
    let store = store();
    let failing = FailingStore::revoke_only(store.clone());
    let (app, _) = app(RevocationEndpointLayer::new(failing));
    let reply = revoke("token=AT1").basic("app1", "wrong").send(&app).await;
    assert_eq!(reply.status, 401);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn retry_after_is_configurable() {
    let store = store();
    let layer = RevocationEndpointLayer::new(FailingStore::revoke_only(store.clone()))
        .retry_after(Duration::from_secs(30));
    let (app, _) = app(layer);
    as_app1("token=AT1")
        .send(&app)
        .await
        .assert_unavailable("30");
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn fractional_retry_after_is_rounded_up_to_whole_seconds() {
    let layer =
        RevocationEndpointLayer::new(FailingStore::DOWN).retry_after(Duration::from_millis(1500));
    let (app, _) = app(layer);
    let reply = as_app1("token=AT1").send(&app).await;
    assert_eq!(reply.header("retry-after"), Some("2"));
}

#[tokio::test]
async fn malformed_requests_are_refused_without_asking_the_store() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore::DOWN));
    get("/revoke").send(&app).await.assert_method_not_allowed();
    let reply = revoke("token=AT1&token=AT1").send(&app).await;
    reply.assert_invalid_request(desc::DUPLICATE);
    let reply = revoke("token=AT1").send(&app).await;
    assert_eq!(
        reply.status, 401,
        "no credentials: nothing to ask the store"
    );
}
