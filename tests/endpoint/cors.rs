//! CORS on the endpoint, decided per client: preflights answered on the
//! path, the grant on answers (errors included) for the origins the client
//! may call from, `Vary: Origin` always, no credentials mode unless asked.

use crate::fixture::{app, as_app1, revoke, store, Inner};
use crate::support::request::{request, Req};
use http::Method;
use tower_revoke::cors::CorsPolicy;
use tower_revoke::RevocationEndpointLayer;

const SPA: &str = "https://spa.example";
const APP1_ORIGIN: &str = "https://app1.example";
const EVIL: &str = "https://evil.example";

fn policy() -> CorsPolicy {
    CorsPolicy::new()
        .allow_origin_for_client("pub1", SPA)
        .allow_origin_for_client("app1", APP1_ORIGIN)
}

fn cors_app() -> (tower_revoke::MemoryStore, axum::Router) {
    let store = store();
    let (router, _) = app(RevocationEndpointLayer::new(store.clone()).cors(policy()));
    (store, router)
}

fn preflight(origin: &str) -> Req {
    request(Method::OPTIONS, "/revoke")
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type")
}

#[tokio::test]
async fn preflight_from_an_allowed_origin_is_granted() {
    let (_, app) = cors_app();
    let reply = preflight(SPA).send(&app).await;
    let vary = "origin, access-control-request-method, access-control-request-headers";
    let headers = [
        ("vary", vary),
        ("access-control-allow-origin", SPA),
        ("access-control-allow-methods", "POST"),
        (
            "access-control-allow-headers",
            "authorization, content-type",
        ),
        ("access-control-max-age", "600"),
    ];
    reply.assert(204, b"", &headers);
}

#[tokio::test]
async fn preflight_from_an_unknown_origin_gets_no_grant() {
    let (_, app) = cors_app();
    let reply = preflight(EVIL).send(&app).await;
    let vary = "origin, access-control-request-method, access-control-request-headers";
    reply.assert(204, b"", &[("vary", vary)]);
}

#[tokio::test]
async fn without_cors_a_preflight_is_method_not_allowed() {
    let (router, _) = app(RevocationEndpointLayer::new(store()));
    preflight(SPA)
        .send(&router)
        .await
        .assert_method_not_allowed();
}

#[tokio::test]
async fn a_public_client_revokes_from_its_origin_and_reads_the_answer() {
    let (store, app) = cors_app();
    let reply = revoke("token=PAT1&client_id=pub1")
        .header("origin", SPA)
        .send(&app)
        .await;
    reply.assert_revoked_with(&[("access-control-allow-origin", SPA), ("vary", "origin")]);
    assert!(!store.is_active("PAT1"));
}

#[tokio::test]
async fn another_clients_origin_gets_no_grant_on_the_answer() {
    let (store, app) = cors_app();
    // app1 may call from its own origin, not from the SPA's.
    let reply = as_app1("token=AT1").header("origin", SPA).send(&app).await;
    reply.assert_revoked_with(&[("vary", "origin")]);
    assert!(
        !store.is_active("AT1"),
        "CORS does not change the revocation"
    );
    let reply = as_app1("token=AT2")
        .header("origin", APP1_ORIGIN)
        .send(&app)
        .await;
    reply.assert_revoked_with(&[
        ("access-control-allow-origin", APP1_ORIGIN),
        ("vary", "origin"),
    ]);
}

#[tokio::test]
async fn errors_carry_the_grant_so_the_app_can_read_them() {
    let (store, app) = cors_app();
    // Before a client is known: the origin is allowed for some client.
    let reply = revoke("token=PAT1&token=x")
        .header("origin", SPA)
        .send(&app)
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("access-control-allow-origin"), Some(SPA));
    let reply = revoke("token=AT1")
        .basic("app1", "wrong")
        .header("origin", APP1_ORIGIN);
    let reply = reply.send(&app).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("access-control-allow-origin"),
        Some(APP1_ORIGIN)
    );
    // After the client is known: its own origins only.
    let reply = revoke("client_id=pub1")
        .header("origin", SPA)
        .send(&app)
        .await;
    assert_eq!(reply.status, 400, "the token is missing");
    assert_eq!(reply.header("access-control-allow-origin"), Some(SPA));
    // An unknown origin never gets a grant.
    let reply = revoke("token=PAT1&client_id=pub1")
        .header("origin", EVIL)
        .send(&app)
        .await;
    assert_eq!(reply.header("access-control-allow-origin"), None);
    assert_eq!(reply.header("vary"), Some("origin"));
    assert!(!store.is_active("PAT1"));
}

#[tokio::test]
async fn credentials_mode_is_sent_only_when_configured() {
    let (router, _) =
        app(RevocationEndpointLayer::new(store()).cors(policy().allow_credentials(true)));
    let reply = preflight(SPA).send(&router).await;
    assert_eq!(
        reply.header("access-control-allow-credentials"),
        Some("true")
    );
    let (_, app) = cors_app();
    let reply = preflight(SPA).send(&app).await;
    assert_eq!(reply.header("access-control-allow-credentials"), None);
}

#[tokio::test]
async fn other_paths_are_untouched_by_cors() {
    let store = store();
    let inner = Inner::default();
    let router = inner
        .router()
        .layer(RevocationEndpointLayer::new(store).cors(policy()));
    let reply = crate::support::request::get("/elsewhere").header("origin", SPA);
    crate::fixture::assert_from_inner(&reply.send(&router).await);
}
