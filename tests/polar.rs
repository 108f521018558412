//! Polar's `POST /v1/oauth2/revoke`, served by the example's configured
//! endpoint layer, driven over HTTP through the example's router.

#[path = "../examples/polar/app.rs"]
mod app;

use axum::body::Body;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, WWW_AUTHENTICATE};
use http::{HeaderMap, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use tower_revoke::MemoryStore;

const APP1: &str = "polar_ci_app1";
const APP1_SECRET: &str = "polar_cs_s3cr3t1";
const APP2: &str = "polar_ci_app2";
const APP2_SECRET: &str = "polar_cs_s3cr3t2";
const AT1: &str = "polar_at_u_alice1";
const RT1: &str = "polar_rt_u_alice1";
const AT2: &str = "polar_at_u_alice2";
const RT2: &str = "polar_rt_u_alice2";
const EXPIRED: &str = "polar_at_u_expired";
const BOB: &str = "polar_at_u_bob";
const ALL: [&str; 5] = [AT1, RT1, AT2, RT2, BOB];

/// A fresh store from the example's seed, and the example's router on it.
fn setup() -> (MemoryStore, Router) {
    let store = MemoryStore::from_seed_file(app::SEED).expect("the example seed loads");
    (store.clone(), app::app(store))
}

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    /// 200, `Content-Type: application/json`, no-store, body exactly `{}`.
    fn assert_ok_empty_object(&self) {
        assert_eq!(self.status, StatusCode::OK, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
        assert_eq!(self.headers[PRAGMA], "no-cache");
        assert_eq!(&self.body[..], b"{}");
    }

    /// An RFC 6749 §5.2 JSON error with this status and `error`, carrying
    /// nothing but `error` and `error_description`.
    fn assert_error(&self, status: StatusCode, error: &str) {
        assert_eq!(self.status, status, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
        let body = self.json();
        assert_eq!(body["error"], error);
        let members = body.as_object().expect("a JSON object");
        assert!(members
            .keys()
            .all(|k| k == "error" || k == "error_description"));
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

/// A form-bodied request to the revocation endpoint.
fn revoke() -> http::request::Builder {
    Request::post(app::REVOKE_PATH).header(CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Client credentials, if any, in the form `body`.
fn form(body: &str) -> Request<Body> {
    revoke().body(Body::from(body.to_owned())).unwrap()
}

/// Client credentials in `Authorization: Basic`.
fn basic(id: &str, secret: &str, body: &str) -> Request<Body> {
    let credentials = STANDARD.encode(format!("{id}:{secret}"));
    revoke()
        .header(AUTHORIZATION, format!("Basic {credentials}"))
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn post_body(token: &str) -> String {
    format!("token={token}&client_id={APP1}&client_secret={APP1_SECRET}")
}

async fn me(app: &Router, token: &str) -> StatusCode {
    let request = Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    send(app, request).await.status
}

fn assert_active(store: &MemoryStore, expected: &[(&str, bool)]) {
    for &(token, active) in expected {
        assert_eq!(store.is_active(token), active, "{token}");
    }
}

fn assert_untouched(store: &MemoryStore) {
    for token in ALL {
        assert!(store.is_active(token), "{token}");
    }
}

#[tokio::test]
async fn documented_example_request_revokes_the_access_token() {
    let (store, app) = setup();
    // The seed document's example: token, token_type_hint=access_token,
    // client_id and client_secret in the form body.
    let body = format!(
        "token={AT1}&token_type_hint=access_token&client_id={APP1}&client_secret={APP1_SECRET}"
    );
    send(&app, form(&body)).await.assert_ok_empty_object();
    // An access token revokes itself only.
    assert_active(
        &store,
        &[(AT1, false), (RT1, true), (AT2, true), (BOB, true)],
    );
    assert_eq!(me(&app, AT1).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sdk_request_without_hint_revokes_the_token() {
    let (store, app) = setup();
    // The Go, Python, TypeScript and PHP samples send token, client_id and
    // client_secret only.
    send(&app, form(&post_body(AT2)))
        .await
        .assert_ok_empty_object();
    assert_active(&store, &[(AT2, false), (RT2, true), (AT1, true)]);
}

#[tokio::test]
async fn basic_credentials_are_accepted() {
    let (store, app) = setup();
    let reply = send(&app, basic(APP1, APP1_SECRET, &format!("token={AT1}"))).await;
    reply.assert_ok_empty_object();
    assert_active(&store, &[(AT1, false), (RT1, true)]);
}

#[tokio::test]
async fn refresh_token_revokes_its_grant() {
    let (store, app) = setup();
    let body = format!("{}&token_type_hint=refresh_token", post_body(RT1));
    send(&app, form(&body)).await.assert_ok_empty_object();
    assert_active(
        &store,
        &[
            (RT1, false),
            (AT1, false),
            (AT2, true),
            (RT2, true),
            (BOB, true),
        ],
    );
    assert_eq!(me(&app, AT1).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, AT2).await, StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_hint_is_only_advice() {
    let (store, app) = setup();
    let body = format!("{}&token_type_hint=access_token", post_body(RT2));
    send(&app, form(&body)).await.assert_ok_empty_object();
    assert_active(&store, &[(RT2, false), (AT2, false), (AT1, true)]);
}

#[tokio::test]
async fn unknown_expired_or_already_revoked_token_is_200_empty_object() {
    let (store, app) = setup();
    for token in ["polar_at_no_such_token", EXPIRED] {
        send(&app, form(&post_body(token)))
            .await
            .assert_ok_empty_object();
        assert_untouched(&store);
    }
    send(&app, form(&post_body(AT1)))
        .await
        .assert_ok_empty_object();
    send(&app, form(&post_body(AT1)))
        .await
        .assert_ok_empty_object();
    assert_active(&store, &[(AT1, false), (RT1, true)]);
}

#[tokio::test]
async fn another_clients_token_is_invalid_grant() {
    let (store, app) = setup();
    let reply = send(&app, form(&post_body(BOB))).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert!(!String::from_utf8_lossy(&reply.body).contains(BOB));
    let reply = send(&app, basic(APP2, APP2_SECRET, &format!("token={AT1}"))).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_untouched(&store);
}

#[tokio::test]
async fn missing_token_is_invalid_request() {
    let (store, app) = setup();
    for body in [
        format!("client_id={APP1}&client_secret={APP1_SECRET}"),
        format!("token=&client_id={APP1}&client_secret={APP1_SECRET}"),
        format!("token_type_hint=access_token&client_id={APP1}&client_secret={APP1_SECRET}"),
    ] {
        let reply = send(&app, form(&body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    let reply = send(&app, basic(APP1, APP1_SECRET, "")).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert_untouched(&store);
}

#[tokio::test]
async fn bad_client_in_the_body_is_401_with_a_basic_challenge() {
    let (store, app) = setup();
    for body in [
        format!("token={AT1}&client_id={APP1}&client_secret=wrong"),
        format!("token={AT1}&client_id={APP1}&client_secret={APP2_SECRET}"),
        format!("token={AT1}&client_id=polar_ci_nobody&client_secret={APP1_SECRET}"),
        // Method `none`: Polar clients always authenticate with a secret.
        format!("token={AT1}&client_id={APP1}"),
        format!("token={AT1}"),
    ] {
        let reply = send(&app, form(&body)).await;
        reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
        assert_eq!(
            reply.headers[WWW_AUTHENTICATE], r#"Basic realm="polar""#,
            "{body}"
        );
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn bad_basic_credentials_are_401_with_an_error_in_the_challenge() {
    let (store, app) = setup();
    let body = format!("token={AT1}");
    for (id, secret) in [
        (APP1, "wrong"),
        (APP1, APP2_SECRET),
        ("polar_ci_nobody", APP1_SECRET),
    ] {
        let reply = send(&app, basic(id, secret, &body)).await;
        reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
        assert_eq!(
            reply.headers[WWW_AUTHENTICATE],
            r#"Basic realm="polar", error="invalid_client""#
        );
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn client_authentication_is_checked_before_the_token() {
    let (store, app) = setup();
    let reply = send(&app, form(&format!("client_id={APP1}&client_secret=wrong"))).await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_untouched(&store);
}

#[tokio::test]
async fn two_client_authentication_methods_are_invalid_request() {
    let (store, app) = setup();
    let reply = send(&app, basic(APP1, APP1_SECRET, &post_body(AT1))).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert_untouched(&store);
}

#[tokio::test]
async fn a_json_body_is_invalid_request() {
    let (store, app) = setup();
    let body = json!({"token": AT1, "client_id": APP1, "client_secret": APP1_SECRET});
    let request = Request::post(app::REVOKE_PATH)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = send(&app, request).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    assert_untouched(&store);
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = setup();
    let request = Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {AT1}"))
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"sub": "alice", "client_id": APP1}));
    let reply = send(&app, Request::get("/me").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, EXPIRED).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, RT1).await, StatusCode::UNAUTHORIZED);
}
