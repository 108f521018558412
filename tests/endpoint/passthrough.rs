//! Requests the endpoint does not own reach the application with their body
//! and headers unchanged, and the application's response comes back
//! unchanged: the path is matched exactly.

use crate::fixture::{app, as_app1, assert_from_inner, default_app, store, Seen};
use crate::support::request::{form, get, request, Req, FORM};
use http::Method;
use tower_revoke::RevocationEndpointLayer;

/// A request with headers and a body the endpoint would care about.
fn busy(method: Method, uri: &str) -> Req {
    request(method, uri)
        .header("content-type", FORM)
        .header("authorization", "Basic YXBwMTpzM2NyM3Q=")
        .header("x-custom", "one")
        .header("x-custom", "two")
        .body("token=AT1&token=AT1&client_secret=%ZZ")
}

/// Asserts that each of `requests` reaches the default app's fallback
/// unchanged, and its answer comes back unchanged.
async fn assert_passed_on(requests: impl IntoIterator<Item = Req>) {
    let (store, app, inner) = default_app();
    let mut expected = Vec::new();
    for sent in requests {
        assert_from_inner(&sent.clone().send(&app).await);
        expected.push(Seen::of(&sent));
    }
    assert_eq!(inner.seen(), expected);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn non_matching_path_reaches_inner() {
    assert_passed_on([busy(Method::POST, "/other?token=AT1")]).await;
}

#[tokio::test]
async fn paths_near_the_endpoint_path_reach_inner() {
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
    assert_passed_on(uris.map(|uri| busy(Method::POST, uri))).await;
}

#[tokio::test]
async fn other_methods_on_other_paths_reach_inner() {
    let methods = [Method::GET, Method::PUT, Method::DELETE, Method::PATCH];
    assert_passed_on(methods.map(|method| busy(method, "/revoke/x"))).await;
}

#[tokio::test]
async fn inner_response_keeps_its_own_cache_headers() {
    let (_, app, _) = default_app();
    let reply = get("/elsewhere").send(&app).await;
    // Exactly the application's headers: no `no-store`, no `pragma`.
    assert_from_inner(&reply);
    assert_eq!(reply.header("cache-control"), Some("public, max-age=60"));
    assert_eq!(reply.header("pragma"), None);
}

#[tokio::test]
async fn matched_route_reaches_inner() {
    let (_, app, inner) = default_app();
    let reply = get("/").send(&app).await;
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
    let sent = as_app1("token=AT1");
    assert_from_inner(&sent.clone().send(&app).await);
    assert_eq!(inner.seen(), [Seen::of(&sent)]);
    assert!(store.is_active("AT1"));
    let moved = form("/oauth/revoke", "token=AT1").basic("app1", "s3cr3t");
    moved.send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn query_string_does_not_change_the_endpoint_path() {
    let (_, app, inner) = default_app();
    let with_query = form("/revoke?lang=en", "token=AT1").basic("app1", "s3cr3t");
    with_query.send(&app).await.assert_revoked();
    assert!(inner.seen().is_empty());
    as_app1("token=RT1").send(&app).await.assert_revoked();
}
