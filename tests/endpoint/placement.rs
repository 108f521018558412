//! Where the layer goes in an axum `Router`, and which placements see
//! `/revoke`: a request for `/revoke` matches no route, so only a layer that
//! wraps the router's fallback (or the whole router) ever sees it.

use crate::fixture::{as_app1, assert_from_inner, store, Inner, Seen};
use crate::support::request::{form, get, Req};
use axum::routing::{get as route_get, post};
use axum::Router;
use tower::Layer;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

fn layer(store: &MemoryStore) -> RevocationEndpointLayer<MemoryStore> {
    RevocationEndpointLayer::new(store.clone())
}

fn revoke_at1() -> Req {
    as_app1("token=AT1")
}

/// `POST /api/revoke`, revoking `AT1` if a layer nested at `/api` sees it.
fn nested_revoke_at1() -> Req {
    form("/api/revoke", "token=AT1").basic("app1", "s3cr3t")
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

/// Asserts `router` answered `POST /revoke` with [`handler`].
async fn assert_handled(router: &Router, store: &MemoryStore) {
    let reply = revoke_at1().send(router).await;
    assert_eq!(
        (reply.status.as_u16(), &reply.body[..]),
        (200, &b"handler"[..])
    );
    assert!(store.is_active("AT1"));
}

/// Asserts `router` revoked `AT1` at `/revoke` and refuses a `GET` there.
async fn assert_endpoint(router: &Router, store: &MemoryStore) {
    revoke_at1().send(router).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    get("/revoke")
        .send(router)
        .await
        .assert_method_not_allowed();
}

#[tokio::test]
async fn layer_after_routes_and_fallback_sees_the_endpoint_path() {
    let store = store();
    let inner = Inner::default();
    let app = inner.router().layer(layer(&store));
    assert_endpoint(&app, &store).await;
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn layer_without_a_fallback_sees_the_endpoint_path() {
    // `Router::layer` also wraps axum's default (404) fallback.
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .layer(layer(&store));
    assert_endpoint(&app, &store).await;
    assert_eq!(get("/nowhere").send(&app).await.status, 404);
}

#[tokio::test]
async fn fallback_set_after_the_layer_hides_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .layer(layer(&store))
        .fallback(handler);
    assert_handled(&app, &store).await;
}

#[tokio::test]
async fn merging_a_router_after_the_layer_drops_it_from_the_fallback() {
    // Both routers have axum's default fallback; `merge` keeps the other's,
    // which the layer never wrapped.
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .layer(layer(&store))
        .merge(Router::new().route("/b", route_get(handler)));
    assert_not_seen(&app, &store).await;
}

#[tokio::test]
async fn route_added_after_the_layer_at_the_endpoint_path_is_not_covered() {
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .layer(layer(&store))
        .route("/revoke", post(handler));
    assert_handled(&app, &store).await;
}

#[tokio::test]
async fn route_at_the_endpoint_path_before_the_layer_is_shadowed_by_it() {
    let store = store();
    let app = Router::new()
        .route("/revoke", route_get(handler).post(handler))
        .layer(layer(&store));
    assert_endpoint(&app, &store).await;
}

#[tokio::test]
async fn layer_wrapping_the_whole_router_sees_the_endpoint_path() {
    let store = store();
    let inner = Inner::default();
    let router = inner
        .router()
        .merge(Router::new().route("/b", route_get(handler)));
    let app = layer(&store).layer(router);
    revoke_at1().send_to(app.clone()).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    let home = get("/").send_to(app.clone()).await;
    assert_eq!(&home.body[..], b"home");
    let sent = form("/revoke/x", "token=RT1");
    assert_from_inner(&sent.clone().send_to(app).await);
    assert_eq!(inner.seen(), [Seen::of(&sent)]);
}

#[tokio::test]
async fn route_layer_does_not_see_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .route_layer(layer(&store));
    assert_not_seen(&app, &store).await;
    let home = get("/").send(&app).await;
    assert_eq!(&home.body[..], b"handler");
}

#[tokio::test]
async fn route_layer_with_a_fallback_does_not_see_the_endpoint_path() {
    let store = store();
    let app = Router::new()
        .route("/", route_get(handler))
        .fallback(|| async { (http::StatusCode::NOT_FOUND, "") })
        .route_layer(layer(&store));
    assert_not_seen(&app, &store).await;
}

#[tokio::test]
async fn layer_inside_nest_does_not_see_the_endpoint_path() {
    let store = store();
    let api = Router::new()
        .route("/x", route_get(handler))
        .layer(layer(&store));
    let app = Router::new().nest("/api", api);
    assert_not_seen(&app, &store).await;
    assert_eq!(nested_revoke_at1().send(&app).await.status, 404);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn layer_inside_nest_with_a_fallback_answers_below_the_prefix() {
    // The nested fallback is kept under the prefix and axum strips the
    // prefix, so the layer sees `/api/revoke` as `/revoke`.
    let store = store();
    let api = Router::new()
        .route("/x", route_get(handler))
        .fallback(handler)
        .layer(layer(&store));
    let app = Router::new().nest("/api", api);
    assert_not_seen(&app, &store).await;
    nested_revoke_at1().send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn nest_service_strips_the_prefix_before_the_endpoint_path() {
    let store = store();
    let service = layer(&store).layer(Router::new().route("/x", route_get(handler)));
    let app = Router::new().nest_service("/api", service);
    assert_not_seen(&app, &store).await;
    nested_revoke_at1().send(&app).await.assert_revoked();
}
