//! Voucherify's `POST /v1/oauth/token/revoke`, served by the example's
//! configured endpoint layer, driven over HTTP through the example's router.

#[path = "../examples/voucherify/app.rs"]
mod app;

use axum::body::Body;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use http::{HeaderMap, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use tower_revoke::MemoryStore;

const APP_ID: &str = "c5b6a3d4-1e2f-4a5b-8c9d-0e1f2a3b4c5d";
const APP_TOKEN: &str = "d8a5e1c2-7b3f-4e6a-9c0d-1f2e3a4b5c6d";
const OTHER_APP_ID: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const OTHER_APP_TOKEN: &str = "f0e1d2c3-b4a5-4968-8776-655443322110";
/// The seed document's example `access_token`.
const EXAMPLE: &str = "1ABCde2FGHijKl3m4NO5pqR6STUv7wxYzAbc8dE90FgH1IJkLm";
const SECOND: &str = "2BCDef3GHIjkLm4n5OP6qrS7TUVw8xyZaBcd9eF01GhI2JKlMn";
const EXPIRED: &str = "3CDEfg4HIJklMn5o6PQ7rsT8UVWx9yzAbCde0fG12HiJ3KLmNo";
const OTHER_APPS: &str = "4DEFgh5IJKlmNo6p7QRS8tuV9WXYz0AbCdEf1gH23IjK4LMnOp";
const ALL: [&str; 3] = [EXAMPLE, SECOND, OTHER_APPS];

/// A fresh store from the example's seed, and the example's router on it.
fn setup() -> (MemoryStore, Router) {
    let store = MemoryStore::from_seed_file(app::SEED).expect("the example seed loads");
    (store.clone(), app::app(store))
}

#[derive(Debug, PartialEq)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    /// An empty body with only the no-store headers (and no
    /// `Content-Type`).
    fn assert_empty(&self, status: StatusCode) {
        assert_eq!(self.status, status, "body: {:?}", self.body);
        assert!(self.body.is_empty());
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
        assert_eq!(self.headers[PRAGMA], "no-cache");
        assert!(self.headers.get(CONTENT_TYPE).is_none());
    }

    /// An RFC 6749 §5.2 JSON error with this status and `error`.
    fn assert_error(&self, status: StatusCode, error: &str) {
        assert_eq!(self.status, status, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        let body: Value = serde_json::from_slice(&self.body).expect("a JSON body");
        assert_eq!(body["error"], error);
    }
}

async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// A form-bodied request to the revocation endpoint, without credentials.
fn revoke() -> http::request::Builder {
    Request::post(app::REVOKE_PATH).header(CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// The application's keys and this form body.
fn with_keys(body: &str) -> Request<Body> {
    revoke()
        .header("X-App-Id", APP_ID)
        .header("X-App-Token", APP_TOKEN)
        .body(Body::from(body.to_owned()))
        .unwrap()
}

async fn me(app: &Router, token: &str) -> StatusCode {
    let request = Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    send(app, request).await.status
}

fn assert_untouched(store: &MemoryStore) {
    for token in ALL {
        assert!(store.is_active(token), "{token}");
    }
}

#[tokio::test]
async fn documented_example_request_is_204_and_revokes_the_token() {
    let (store, app) = setup();
    let reply = send(&app, with_keys(&format!("access_token={EXAMPLE}"))).await;
    reply.assert_empty(StatusCode::NO_CONTENT);
    assert!(!store.is_active(EXAMPLE));
    assert!(store.is_active(SECOND) && store.is_active(OTHER_APPS));
    assert_eq!(me(&app, EXAMPLE).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, SECOND).await, StatusCode::OK);
}

#[tokio::test]
async fn unknown_or_expired_token_is_404_empty() {
    let (store, app) = setup();
    for token in ["no_such_token", EXPIRED] {
        let reply = send(&app, with_keys(&format!("access_token={token}"))).await;
        reply.assert_empty(StatusCode::NOT_FOUND);
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn already_revoked_token_is_404_empty() {
    let (store, app) = setup();
    let body = format!("access_token={SECOND}");
    send(&app, with_keys(&body))
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    send(&app, with_keys(&body))
        .await
        .assert_empty(StatusCode::NOT_FOUND);
    assert!(!store.is_active(SECOND));
    assert!(store.is_active(EXAMPLE));
}

#[tokio::test]
async fn another_applications_token_is_indistinguishable_from_unknown() {
    let (store, app) = setup();
    let other = send(&app, with_keys(&format!("access_token={OTHER_APPS}"))).await;
    let unknown = send(&app, with_keys("access_token=no_such_token")).await;
    other.assert_empty(StatusCode::NOT_FOUND);
    assert_eq!(other, unknown);
    assert_untouched(&store);
}

#[tokio::test]
async fn a_body_with_only_token_is_invalid_request() {
    let (store, app) = setup();
    for body in [
        format!("token={EXAMPLE}"),
        String::new(),
        "access_token=".to_owned(),
    ] {
        let reply = send(&app, with_keys(&body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn missing_incomplete_or_wrong_app_keys_are_401() {
    let (store, app) = setup();
    let body = format!("access_token={EXAMPLE}");
    let keys: [&[(&str, &str)]; 6] = [
        &[],
        &[("X-App-Id", APP_ID)],
        &[("X-App-Token", APP_TOKEN)],
        &[("X-App-Id", APP_ID), ("X-App-Token", "wrong")],
        &[("X-App-Id", APP_ID), ("X-App-Token", OTHER_APP_TOKEN)],
        &[("X-App-Id", "no-such-app"), ("X-App-Token", APP_TOKEN)],
    ];
    for headers in keys {
        let mut request = revoke();
        for &(name, value) in headers {
            request = request.header(name, value);
        }
        let reply = send(&app, request.body(Body::from(body.clone())).unwrap()).await;
        reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn basic_and_body_credentials_are_not_accepted() {
    let (store, app) = setup();
    let basic = format!("Basic {}", STANDARD.encode(format!("{APP_ID}:{APP_TOKEN}")));
    let request = revoke()
        .header(AUTHORIZATION, basic)
        .body(Body::from(format!("access_token={EXAMPLE}")))
        .unwrap();
    let reply = send(&app, request).await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    let body = format!("access_token={EXAMPLE}&client_id={APP_ID}&client_secret={APP_TOKEN}");
    let reply = send(&app, revoke().body(Body::from(body)).unwrap()).await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_untouched(&store);
}

#[tokio::test]
async fn the_other_applications_keys_revoke_its_own_token() {
    let (store, app) = setup();
    let request = revoke()
        .header("X-App-Id", OTHER_APP_ID)
        .header("X-App-Token", OTHER_APP_TOKEN)
        .body(Body::from(format!("access_token={OTHER_APPS}")))
        .unwrap();
    send(&app, request)
        .await
        .assert_empty(StatusCode::NO_CONTENT);
    assert!(!store.is_active(OTHER_APPS));
    assert!(store.is_active(EXAMPLE));
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = setup();
    let request = Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {EXAMPLE}"))
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body, json!({"sub": "api-client-1", "client_id": APP_ID}));
    assert_eq!(me(&app, EXPIRED).await, StatusCode::UNAUTHORIZED);
}
