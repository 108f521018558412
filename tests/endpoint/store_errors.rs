//! Rule 10: a failing store is 503 `temporarily_unavailable` with
//! `Retry-After`, and never reported as a revocation (RFC 7009 §2.2.1).

use crate::stores::{FailingRevoke, FailingStore};
use crate::support::{app, desc, request, revoke, store};
use http::Method;
use std::time::Duration;
use tower_revoke::RevocationEndpointLayer;

#[tokio::test]
async fn failing_client_authentication_is_temporarily_unavailable() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore));
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert_error(
        503,
        "temporarily_unavailable",
        desc::UNAVAILABLE,
        &[("retry-after", "5")],
    );
}

#[tokio::test]
async fn failing_revocation_is_temporarily_unavailable_and_revokes_nothing() {
    let store = store();
    let (app, _) = app(RevocationEndpointLayer::new(FailingRevoke(store.clone())));
    let reply = revoke("token=RT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert_error(
        503,
        "temporarily_unavailable",
        desc::UNAVAILABLE,
        &[("retry-after", "5")],
    );
    assert!(store.is_active("RT1") && store.is_active("AT1"));
}

#[tokio::test]
async fn failing_revocation_still_refuses_a_wrong_secret_with_401() {
    let store = store();
    let (app, _) = app(RevocationEndpointLayer::new(FailingRevoke(store.clone())));
    let reply = revoke("token=AT1").basic("app1", "wrong").send(&app).await;
    assert_eq!(reply.status, 401);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn retry_after_is_configurable() {
    let store = store();
    let layer = RevocationEndpointLayer::new(FailingRevoke(store.clone()))
        .retry_after(Duration::from_secs(30));
    let (app, _) = app(layer);
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert_error(
        503,
        "temporarily_unavailable",
        desc::UNAVAILABLE,
        &[("retry-after", "30")],
    );
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn fractional_retry_after_is_rounded_up_to_whole_seconds() {
    let layer = RevocationEndpointLayer::new(FailingStore).retry_after(Duration::from_millis(1500));
    let (app, _) = app(layer);
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    assert_eq!(reply.header("retry-after"), Some("2"));
}

#[tokio::test]
async fn malformed_requests_are_refused_without_asking_the_store() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore));
    let reply = request(Method::GET, "/revoke").send(&app).await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    let reply = revoke("token=AT1&token=AT1").send(&app).await;
    reply.assert_invalid_request(desc::DUPLICATE);
    let reply = revoke("token=AT1").send(&app).await;
    assert_eq!(
        reply.status, 401,
        "no credentials: nothing to ask the store"
    );
}
