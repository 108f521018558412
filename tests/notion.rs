//! Notion's `POST /v1/oauth/revoke`, served by the example's configured
//! endpoint layer, driven over HTTP through the example's router.

#[path = "../examples/notion/app.rs"]
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

const CLIENT: &str = "463558a3-725e-4f37-b6d3-0889894f68de";
/// Sent raw: `+` is not a space, `%2F` is not `/`, the last `%` is no
/// escape.
const SECRET: &str = "secret_Zq+4%2F9x%";
const OTHER_CLIENT: &str = "0c9f6b1e-2d4a-4e8b-9a7c-5f3e1d2b4a6c";
const OTHER_SECRET: &str = "secret_other";
const TOKEN: &str = "ntn_alice_access";
const SECOND: &str = "ntn_alice_second";
const EXPIRED: &str = "ntn_expired";
const BOB: &str = "ntn_bob_access";
const ALL: [&str; 3] = [TOKEN, SECOND, BOB];

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

    /// 200, `Content-Type: application/json`, no-store, body `{}`.
    fn assert_ok_empty_object(&self) {
        assert_eq!(self.status, StatusCode::OK, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
        assert_eq!(self.headers[PRAGMA], "no-cache");
        assert_eq!(&self.body[..], b"{}");
    }

    /// A JSON object body with this status and RFC 6749 §5.2 `error`.
    fn assert_error(&self, status: StatusCode, error: &str) {
        assert_eq!(self.status, status, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        assert_eq!(self.headers[CACHE_CONTROL], "no-store");
        let body = self.json();
        assert!(body.is_object());
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

/// `Basic base64(id:secret)`, the id and secret as they are.
fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A request with the integration's credentials, this content type and body.
fn revoke(content_type: Option<&str>, body: &str) -> Request<Body> {
    let mut request = Request::post(app::REVOKE_PATH).header(AUTHORIZATION, basic(CLIENT, SECRET));
    if let Some(content_type) = content_type {
        request = request.header(CONTENT_TYPE, content_type);
    }
    request.body(Body::from(body.to_owned())).unwrap()
}

fn revoke_json(body: &str) -> Request<Body> {
    revoke(Some("application/json"), body)
}

fn token_body(token: &str) -> String {
    json!({ "token": token }).to_string()
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
async fn documented_curl_request_revokes_the_token() {
    let (store, app) = setup();
    // The seed document's curl sample: Basic, Content-Type, and the body
    // `{\n\t"token": "'$ACCESS_TOKEN'"\n}`.
    let request = Request::post(app::REVOKE_PATH)
        .header(AUTHORIZATION, basic(CLIENT, SECRET))
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(format!("{{\n\t\"token\": \"{TOKEN}\"\n}}")))
        .unwrap();
    send(&app, request).await.assert_ok_empty_object();
    assert!(!store.is_active(TOKEN));
    assert!(store.is_active(SECOND) && store.is_active(BOB));
    assert_eq!(me(&app, TOKEN).await, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, SECOND).await, StatusCode::OK);
}

#[tokio::test]
async fn notion_version_header_and_charset_are_accepted() {
    let (store, app) = setup();
    let request = Request::post(app::REVOKE_PATH)
        .header(AUTHORIZATION, basic(CLIENT, SECRET))
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .header("Notion-Version", "2022-06-28")
        .body(Body::from(token_body(SECOND)))
        .unwrap();
    send(&app, request).await.assert_ok_empty_object();
    assert!(!store.is_active(SECOND));
    assert!(store.is_active(TOKEN));
}

#[tokio::test]
async fn unknown_expired_or_already_revoked_token_is_200_empty_object() {
    let (store, app) = setup();
    for token in ["ntn_no_such_token", EXPIRED] {
        send(&app, revoke_json(&token_body(token)))
            .await
            .assert_ok_empty_object();
        assert_untouched(&store);
    }
    for _ in 0..2 {
        send(&app, revoke_json(&token_body(TOKEN)))
            .await
            .assert_ok_empty_object();
    }
    assert!(!store.is_active(TOKEN));
}

#[tokio::test]
async fn form_and_other_media_types_are_400_json_and_leave_the_token() {
    let (store, app) = setup();
    for (content_type, body) in [
        (
            Some("application/x-www-form-urlencoded"),
            format!("token={TOKEN}"),
        ),
        (Some("application/x-www-form-urlencoded"), token_body(TOKEN)),
        (Some("text/plain"), token_body(TOKEN)),
        (None, token_body(TOKEN)),
    ] {
        let reply = send(&app, revoke(content_type, &body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn missing_empty_or_non_string_token_is_400_json_and_leaves_the_token() {
    let (store, app) = setup();
    for body in [
        "{}".to_owned(),
        r#"{"token":""}"#.to_owned(),
        r#"{"access_token":"ntn_alice_access"}"#.to_owned(),
        r#"{"token":123}"#.to_owned(),
        r#"{"token":null}"#.to_owned(),
        r#"{"token":true}"#.to_owned(),
        format!(r#"{{"token":["{TOKEN}"]}}"#),
        format!(r#"{{"token":{{"value":"{TOKEN}"}}}}"#),
    ] {
        let reply = send(&app, revoke_json(&body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
        assert!(!String::from_utf8_lossy(&reply.body).contains(TOKEN));
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn malformed_json_is_400_json_and_leaves_the_token() {
    let (store, app) = setup();
    for body in [
        format!(r#"{{"token":"{TOKEN}""#),
        format!(r#"{{'token':'{TOKEN}'}}"#),
        format!(r#"{{"token":"{TOKEN}"}} x"#),
        format!(r#"{{"token":"{TOKEN}"}}{{}}"#),
        format!("token={TOKEN}"),
        format!(r#""{TOKEN}""#),
        format!(r#"["{TOKEN}"]"#),
        "null".to_owned(),
        String::new(),
    ] {
        let reply = send(&app, revoke_json(&body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn duplicated_token_member_is_400_json_and_leaves_the_token() {
    let (store, app) = setup();
    for body in [
        format!(r#"{{"token":"{TOKEN}","token":"{TOKEN}"}}"#),
        format!(r#"{{"token":"ntn_no_such_token","token":"{TOKEN}"}}"#),
        format!(r#"{{"token":"{TOKEN}","token":"{SECOND}"}}"#),
    ] {
        let reply = send(&app, revoke_json(&body)).await;
        reply.assert_error(StatusCode::BAD_REQUEST, "invalid_request");
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn secret_is_read_raw_not_form_decoded() {
    let (store, app) = setup();
    // The secret's form-encoded spelling names another secret when read raw.
    let encoded = "secret_Zq%2B4%252F9x%25";
    let request = Request::post(app::REVOKE_PATH)
        .header(AUTHORIZATION, basic(CLIENT, encoded))
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(token_body(TOKEN)))
        .unwrap();
    let reply = send(&app, request).await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_untouched(&store);
}

#[tokio::test]
async fn bad_credentials_are_401_and_leave_the_token() {
    let (store, app) = setup();
    let challenge = r#"Basic realm="notion", error="invalid_client""#;
    for authorization in [
        basic(CLIENT, "secret_wrong"),
        basic(CLIENT, OTHER_SECRET),
        basic("00000000-0000-0000-0000-000000000000", SECRET),
        basic(CLIENT, "secret_Zq 4%2F9x%"),
        "Basic !!!".to_owned(),
        format!("Bearer {TOKEN}"),
    ] {
        let request = Request::post(app::REVOKE_PATH)
            .header(AUTHORIZATION, authorization.as_str())
            .header(CONTENT_TYPE, "application/json")
            .body(Body::from(token_body(TOKEN)))
            .unwrap();
        let reply = send(&app, request).await;
        reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
        assert_eq!(
            reply.headers[WWW_AUTHENTICATE], challenge,
            "{authorization}"
        );
    }
    assert_untouched(&store);
}

#[tokio::test]
async fn credentials_in_the_body_are_not_client_authentication() {
    let (store, app) = setup();
    let body = json!({"token": TOKEN, "client_id": CLIENT, "client_secret": SECRET});
    let request = Request::post(app::REVOKE_PATH)
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let reply = send(&app, request).await;
    reply.assert_error(StatusCode::UNAUTHORIZED, "invalid_client");
    assert_eq!(reply.headers[WWW_AUTHENTICATE], r#"Basic realm="notion""#);
    assert_untouched(&store);
}

#[tokio::test]
async fn another_integrations_token_is_invalid_grant() {
    let (store, app) = setup();
    let request = Request::post(app::REVOKE_PATH)
        .header(AUTHORIZATION, basic(OTHER_CLIENT, OTHER_SECRET))
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from(token_body(TOKEN)))
        .unwrap();
    let reply = send(&app, request).await;
    reply.assert_error(StatusCode::BAD_REQUEST, "invalid_grant");
    assert_untouched(&store);
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = setup();
    let request = Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"sub": "alice", "client_id": CLIENT}));
    let reply = send(&app, Request::get("/me").body(Body::empty()).unwrap()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(me(&app, EXPIRED).await, StatusCode::UNAUTHORIZED);
}
