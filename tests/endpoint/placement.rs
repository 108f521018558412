//! Where the layer goes in an axum `Router`, and which placements see
//! `/revoke`: a request for `/revoke` matches no route, so only a layer that
//! wraps the router's fallback (or the whole router) ever sees it.

use crate::support::{desc, form, request, revoke, send_to, store, Inner, Req};
use axum::routing::{get, post};
use axum::Router;
use http::Method;
use tower::Layer;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

fn layer(store: &MemoryStore) -> RevocationEndpointLayer<MemoryStore> {
    RevocationEndpointLayer::new(store.clone())
}

fn revoke_at1() -> Req {
    revoke("token=AT1").basic("app1", "s3cr3t")
}

async fn handler() -> &'static str {
    "handler"
}

/// Asserts `router` answered `POST /revoke` itself with axum's empty 404.
async fn assert_not_seen(router: &Router, store: &MemoryStore) {
    let reply = revoke_at1().send(router).await;
    assert_eq!(reply.status, 404, "{reply:?}");
    assert!(reply.body.is_empty());
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn layer_after_routes_and_fallback_sees_the_endpoint_path() {
    let store = store();
    let inner = Inner::default();
    let app = inner.router().layer(layer(&store));
    revoke_at1().send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    let get = request(Method::GET, "/revoke").send(&app).await;
    get.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn layer_without_a_fallback_sees_the_endpoint_path() {
    // `Router::layer` also wraps axum's default (404) fallback.
    let store = store();
    let app = Router::new().route("/", get(handler)).layer(layer(&store));
    revoke_at1().send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    let other = request(Method::GET, "/nowhere").send(&app).await;
    assert_eq!(other.status, 404);
}

#[tokio::test]
async fn fallback_set_after_the_layer_hides_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", get(handler))
        .layer(layer(&store))
        .fallback(handler);
    let reply = revoke_at1().send(&app).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body[..]),
        (200, &b"handler"[..])
    );
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn merging_a_router_after_the_layer_drops_it_from_the_fallback() {
    // Both routers have axum's default fallback; `merge` keeps the other's,
    // which the layer never wrapped.
    let store = store();
    let app = Router::new()
        .route("/", get(handler))
        .layer(layer(&store))
        .merge(Router::new().route("/b", get(handler)));
    assert_not_seen(&app, &store).await;
}

#[tokio::test]
async fn route_added_after_the_layer_at_the_endpoint_path_is_not_covered() {
    let store = store();
    let app = Router::new()
        .route("/", get(handler))
        .layer(layer(&store))
        .route("/revoke", post(handler));
    let reply = revoke_at1().send(&app).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body[..]),
        (200, &b"handler"[..])
    );
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn route_at_the_endpoint_path_before_the_layer_is_shadowed_by_it() {
    let store = store();
    let app = Router::new()
        .route("/revoke", get(handler).post(handler))
        .layer(layer(&store));
    revoke_at1().send(&app).await.assert_revoked();
    let get = request(Method::GET, "/revoke").send(&app).await;
    get.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
}

#[tokio::test]
async fn layer_wrapping_the_whole_router_sees_the_endpoint_path() {
    let store = store();
    let inner = Inner::default();
    let router = inner
        .router()
        .merge(Router::new().route("/b", get(handler)));
    let app = layer(&store).layer(router);
    send_to(app.clone(), revoke_at1()).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    let home = send_to(app.clone(), request(Method::GET, "/")).await;
    assert_eq!(&home.body[..], b"home");
    let sent = form("/revoke/x", "token=RT1");
    send_to(app, sent.clone()).await.assert_from_inner();
    assert_eq!(inner.seen(), [sent.seen()]);
}

#[tokio::test]
async fn route_layer_does_not_see_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", get(handler))
        .route_layer(layer(&store));
    assert_not_seen(&app, &store).await;
    let home = request(Method::GET, "/").send(&app).await;
    assert_eq!(&home.body[..], b"handler");
}

#[tokio::test]
async fn route_layer_with_a_fallback_does_not_see_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", get(handler))
        .fallback(|| async { (http::StatusCode::NOT_FOUND, "") })
        .route_layer(layer(&store));
    assert_not_seen(&app, &store).await;
}

#[tokio::test]
async fn layer_inside_nest_does_not_see_the_endpoint_path() {
    let store = store();
    let api = Router::new().route("/x", get(handler)).layer(layer(&store));
    let app = Router::new().nest("/api", api);
    assert_not_seen(&app, &store).await;
    let nested = form("/api/revoke", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    assert_eq!(nested.status, 404);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn layer_inside_nest_with_a_fallback_answers_below_the_prefix() {
    // The nested fallback is kept under the prefix and axum strips the
    // prefix, so the layer sees `/api/revoke` as `/revoke`.
    let store = store();
    let api = Router::new()
        .route("/x", get(handler))
        .fallback(handler)
        .layer(layer(&store));
    let app = Router::new().nest("/api", api);
    assert_not_seen(&app, &store).await;
    let nested = form("/api/revoke", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    nested.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn nest_service_strips_the_prefix_before_the_endpoint_path() {
    let store = store();
    let service = layer(&store).layer(Router::new().route("/x", get(handler)));
    let app = Router::new().nest_service("/api", service);
    assert_not_seen(&app, &store).await;
    let nested = form("/api/revoke", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    nested.assert_revoked();
}
