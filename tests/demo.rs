//! The demo application (`cargo run --example demo`) driven as its README
//! tells a user to: the home page, `/me` with a Bearer token, revoking that
//! token at `/oauth/revoke`, and `/me` again.

#[path = "../examples/demo/app.rs"]
mod app;

use axum::body::Body;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use tower_revoke::MemoryStore;

const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/seed.json");

fn demo() -> (Router, MemoryStore) {
    let store = MemoryStore::from_seed_file(SEED).expect("examples/seed.json loads");
    (app::app(store.clone()), store)
}

async fn send(app: &Router, request: Request<Body>) -> (Response<()>, String) {
    let response = app.clone().oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let text = String::from_utf8(body.to_vec()).unwrap();
    (Response::from_parts(parts, ()), text)
}

/// `curl http://{addr}/me -H 'Authorization: Bearer AT1'`
fn me(token: &str) -> Request<Body> {
    Request::get("/me")
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

/// `curl -u app1:s3cr3t -d token=AT1 http://{addr}/oauth/revoke`
fn revoke(token: &str) -> Request<Body> {
    Request::post(app::REVOKE_PATH)
        .header(
            "authorization",
            format!("Basic {}", STANDARD.encode("app1:s3cr3t")),
        )
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}")))
        .unwrap()
}

#[tokio::test]
async fn home_page_is_text() {
    let (app, _) = demo();
    let (response, body) = send(&app, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(body, "tower-revoke demo: POST /oauth/revoke, GET /me\n");
}

#[tokio::test]
async fn me_shows_the_client_and_subject_of_an_active_token() {
    let (app, _) = demo();
    let (response, body) = send(&app, me("AT1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(body, r#"{"client_id":"app1","sub":"alice"}"#);
}

#[tokio::test]
async fn revoking_at_the_demo_path_ends_the_token() {
    let (app, store) = demo();
    let (response, body) = send(&app, revoke("AT1")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert_eq!(response.headers()["pragma"], "no-cache");
    assert_eq!(body, "{}");
    assert!(!store.is_active("AT1"));
    assert!(
        store.is_active("RT1"),
        "an access token does not take its grant"
    );

    let (response, body) = send(&app, me("AT1")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers()["www-authenticate"],
        r#"Bearer realm="tower-revoke", error="invalid_token""#
    );
    assert_eq!(
        body,
        r#"{"error":"invalid_token","error_description":"the bearer token is malformed, expired or revoked"}"#
    );
}

#[tokio::test]
async fn other_tokens_keep_working_after_a_revocation() {
    let (app, _) = demo();
    send(&app, revoke("AT1")).await;
    let (response, body) = send(&app, me("AT2")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, r#"{"client_id":"app1","sub":"bob"}"#);
}

#[tokio::test]
async fn default_revoke_path_is_not_the_demo_endpoint() {
    let (app, store) = demo();
    let mut request = revoke("AT1");
    *request.uri_mut() = "/revoke".parse().unwrap();
    let (response, _) = send(&app, request).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(store.is_active("AT1"));
}
