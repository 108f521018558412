//! Requests the endpoint does not own reach the application with their body
//! and headers unchanged, and the application's response comes back
//! unchanged: the path is matched exactly.

use crate::support::{app, default_app, form, request, revoke, store, Req};
use http::Method;
use tower_revoke::RevocationEndpointLayer;

/// A request with headers and a body the endpoint would care about.
fn busy(method: Method, uri: &str) -> Req {
    request(method, uri)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic YXBwMTpzM2NyM3Q=")
        .header("x-custom", "one")
        .header("x-custom", "two")
        .body("token=AT1&token=AT1&client_secret=%ZZ")
}

#[tokio::test]
async fn non_matching_path_reaches_inner() {
    let store = store();
    let (app, inner) = default_app(&store);
    let sent = busy(Method::POST, "/other?token=AT1");
    let reply = sent.clone().send(&app).await;
    reply.assert_from_inner();
    assert_eq!(inner.seen(), [sent.seen()]);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn paths_near_the_endpoint_path_reach_inner() {
    let store = store();
    let (app, inner) = default_app(&store);
    let uris = [
        "/revoke/",
        "/revoke/x",
        "/revoke/?token=AT1",
        "/REVOKE",
        "/revok",
        "/revokes",
        "/oauth/revoke",
        "//revoke",
        "/revoke%2F",
    ];
    let mut expected = Vec::new();
    for uri in uris {
        let sent = busy(Method::POST, uri);
        sent.clone().send(&app).await.assert_from_inner();
        expected.push(sent.seen());
    }
    assert_eq!(inner.seen(), expected);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn other_methods_on_other_paths_reach_inner() {
    let store = store();
    let (app, inner) = default_app(&store);
    let mut expected = Vec::new();
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let sent = busy(method, "/revoke/x");
        sent.clone().send(&app).await.assert_from_inner();
        expected.push(sent.seen());
    }
    assert_eq!(inner.seen(), expected);
}

#[tokio::test]
async fn inner_response_keeps_its_own_cache_headers() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::GET, "/elsewhere").send(&app).await;
    // Exactly the application's headers: no `no-store`, no `pragma`.
    reply.assert_from_inner();
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    assert_eq!(reply.header("pragma"), None);
}

#[tokio::test]
async fn matched_route_reaches_inner() {
    let store = store();
    let (app, inner) = default_app(&store);
    let reply = request(Method::GET, "/").send(&app).await;
    assert_eq!(reply.status, 200);
    assert_eq!(&reply.body[..], b"home");
    assert_eq!(reply.header("cache-control"), None);
    assert!(
        inner.seen().is_empty(),
        "answered by the route, not the fallback"
    );
}

#[tokio::test]
async fn configured_path_moves_the_endpoint() {
    let store = store();
    let (app, inner) = app(RevocationEndpointLayer::new(store.clone()).path("/oauth/revoke"));
    let sent = form("/revoke", "token=AT1").basic("app1", "s3cr3t");
    sent.clone().send(&app).await.assert_from_inner();
    assert_eq!(inner.seen(), [sent.seen()]);
    assert!(store.is_active("AT1"));
    let reply = form("/oauth/revoke", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn query_string_does_not_change_the_endpoint_path() {
    let store = store();
    let (app, inner) = default_app(&store);
    let reply = form("/revoke?lang=en", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(inner.seen().is_empty());
    let reply = revoke("token=RT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert_revoked();
}
