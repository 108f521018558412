//! Codegen's `POST /v1/oauth/tokens/revoke?provider=...&org_id=...`, an
//! axum handler built from the crate's extractors and FastAPI renderings,
//! driven over HTTP through the example's router.

#[path = "../examples/codegen/app.rs"]
mod app;

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{HeaderMap, Request, StatusCode};
use serde_json::{json, Value};
use tower::ServiceExt;
use tower_revoke::MemoryStore;

const ALICE: &str = "cg_user_alice";
const BOB: &str = "cg_user_bob";
const EXPIRED: &str = "cg_user_expired";
const SERVICE: &str = "cg_service";
const GH_ALICE_1: &str = "gh_alice_org1_access";
const GH_ALICE_1_REFRESH: &str = "gh_alice_org1_refresh";
const GH_ALICE_2: &str = "gh_alice_org2";
const SLACK_ALICE_1: &str = "slack_alice_org1";
const GH_BOB_1: &str = "gh_bob_org1";
/// Labelled `provider: "github "` (a trailing space).
const BLANK_ALICE_1: &str = "blank_alice_org1";
const ALL: [&str; 9] = [
    ALICE,
    BOB,
    SERVICE,
    GH_ALICE_1,
    GH_ALICE_1_REFRESH,
    GH_ALICE_2,
    SLACK_ALICE_1,
    GH_BOB_1,
    BLANK_ALICE_1,
];

const NOT_AUTHENTICATED: &str = r#"{"detail":"Not authenticated"}"#;
const INVALID_CREDENTIALS: &str = r#"{"detail":"Invalid authentication credentials"}"#;
const MISSING_PROVIDER: &str =
    r#"{"type":"missing","loc":["query","provider"],"msg":"Field required","input":null}"#;
const MISSING_ORG_ID: &str =
    r#"{"type":"missing","loc":["query","org_id"],"msg":"Field required","input":null}"#;

fn int_parsing(input: &str) -> String {
    format!(
        r#"{{"type":"int_parsing","loc":["query","org_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":{input}}}"#
    )
}

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
    /// This status, `Content-Type: application/json`, exactly this body.
    fn assert_json(&self, status: StatusCode, body: &str) {
        assert_eq!(self.status, status, "body: {:?}", self.body);
        assert_eq!(self.headers[CONTENT_TYPE], "application/json");
        assert_eq!(String::from_utf8_lossy(&self.body), body);
    }

    /// FastAPI's 401 with `WWW-Authenticate: Bearer` and this body.
    fn assert_401(&self, body: &str) {
        self.assert_json(StatusCode::UNAUTHORIZED, body);
        assert_eq!(self.headers[WWW_AUTHENTICATE], "Bearer");
    }

    /// FastAPI's 422 with these `detail` items.
    fn assert_422(&self, items: &[&str]) {
        let body = format!(r#"{{"detail":[{}]}}"#, items.join(","));
        self.assert_json(StatusCode::UNPROCESSABLE_ENTITY, &body);
        assert!(self.headers.get(WWW_AUTHENTICATE).is_none());
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

/// `POST /v1/oauth/tokens/revoke?<query>` with this `Authorization` value.
fn revoke(authorization: Option<&str>, query: &str) -> Request<Body> {
    let mut request = Request::post(format!("{}?{query}", app::REVOKE_PATH));
    if let Some(value) = authorization {
        request = request.header(AUTHORIZATION, value);
    }
    request.body(Body::empty()).unwrap()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

async fn revoke_as(app: &Router, token: &str, query: &str) -> Reply {
    send(app, revoke(Some(&bearer(token)), query)).await
}

/// Every seeded token but `revoked` is still active; those are not.
fn assert_only_revoked(store: &MemoryStore, revoked: &[&str]) {
    for token in ALL {
        assert_eq!(store.is_active(token), !revoked.contains(&token), "{token}");
    }
}

#[tokio::test]
async fn revokes_every_token_of_the_user_for_the_provider_and_org() {
    let (store, app) = setup();
    let reply = revoke_as(&app, ALICE, "provider=github&org_id=1").await;
    reply.assert_json(StatusCode::OK, r#"{"revoked":2}"#);
    assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn repeating_is_200_again() {
    let (store, app) = setup();
    revoke_as(&app, ALICE, "provider=github&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":2}"#);
    revoke_as(&app, ALICE, "provider=github&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":0}"#);
    assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn other_users_providers_and_orgs_are_untouched() {
    let (store, app) = setup();
    revoke_as(&app, BOB, "provider=github&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":1}"#);
    assert_only_revoked(&store, &[GH_BOB_1]);
    revoke_as(&app, ALICE, "provider=slack&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":1}"#);
    revoke_as(&app, ALICE, "provider=github&org_id=3")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":0}"#);
    assert_only_revoked(&store, &[GH_BOB_1, SLACK_ALICE_1]);
}

#[tokio::test]
async fn org_id_is_matched_as_an_integer() {
    let (store, app) = setup();
    // `+` is a space in a query, and pydantic strips whitespace.
    revoke_as(&app, ALICE, "provider=github&org_id=+002")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":1}"#);
    revoke_as(&app, ALICE, "org_id=%2B01&provider=github")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":2}"#);
    assert_only_revoked(&store, &[GH_ALICE_2, GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn provider_is_matched_exactly() {
    let (store, app) = setup();
    revoke_as(&app, ALICE, "provider=GitHub&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":0}"#);
    revoke_as(&app, ALICE, "provider=github+&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":1}"#);
    assert_only_revoked(&store, &[BLANK_ALICE_1]);
}

#[tokio::test]
async fn an_empty_provider_is_a_valid_string() {
    let (store, app) = setup();
    for query in ["provider=&org_id=1", "provider&org_id=1"] {
        revoke_as(&app, ALICE, query)
            .await
            .assert_json(StatusCode::OK, r#"{"revoked":0}"#);
    }
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_or_non_bearer_credentials_are_not_authenticated() {
    let (store, app) = setup();
    let basic = "Basic Y29kZWdlbi13ZWI6eA==";
    for authorization in [
        None,
        Some(basic),
        Some("Token cg_user_alice"),
        Some("Bearer"),
        Some("Bearer "),
        Some("cg_user_alice"),
    ] {
        let reply = send(&app, revoke(authorization, "provider=github&org_id=1")).await;
        reply.assert_401(NOT_AUTHENTICATED);
    }
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn authentication_is_checked_before_the_query() {
    let (store, app) = setup();
    for query in ["", "org_id=abc", "provider=github"] {
        send(&app, revoke(None, query))
            .await
            .assert_401(NOT_AUTHENTICATED);
        revoke_as(&app, EXPIRED, query)
            .await
            .assert_401(INVALID_CREDENTIALS);
    }
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn inactive_bearer_token_is_invalid_credentials() {
    let (store, app) = setup();
    for token in [
        EXPIRED,
        "cg_no_such_token",
        GH_ALICE_1_REFRESH, // not an access token
        SERVICE,            // no user
        "a b",              // not a b64token
    ] {
        revoke_as(&app, token, "provider=github&org_id=1")
            .await
            .assert_401(INVALID_CREDENTIALS);
    }
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn a_revoked_bearer_token_stops_working_at_once() {
    let (store, app) = setup();
    // A provider token is an access token of alice: revoking its own
    // provider and org revokes it too.
    revoke_as(&app, GH_ALICE_1, "provider=github&org_id=1")
        .await
        .assert_json(StatusCode::OK, r#"{"revoked":2}"#);
    revoke_as(&app, GH_ALICE_1, "provider=github&org_id=1")
        .await
        .assert_401(INVALID_CREDENTIALS);
    assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn two_authorization_headers_are_invalid_credentials() {
    let (store, app) = setup();
    let request = Request::post(format!("{}?provider=github&org_id=1", app::REVOKE_PATH))
        .header(AUTHORIZATION, bearer(ALICE))
        .header(AUTHORIZATION, bearer(ALICE))
        .body(Body::empty())
        .unwrap();
    send(&app, request).await.assert_401(INVALID_CREDENTIALS);
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_provider_is_fastapi_422() {
    let (store, app) = setup();
    revoke_as(&app, ALICE, "org_id=1")
        .await
        .assert_422(&[MISSING_PROVIDER]);
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_org_id_is_fastapi_422() {
    let (store, app) = setup();
    revoke_as(&app, ALICE, "provider=github")
        .await
        .assert_422(&[MISSING_ORG_ID]);
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn non_integer_org_id_is_int_parsing_echoing_the_input() {
    let (store, app) = setup();
    for (query, input) in [
        ("provider=github&org_id=abc", r#""abc""#),
        ("provider=github&org_id=", r#""""#),
        ("provider=github&org_id=1.5", r#""1.5""#),
        ("provider=github&org_id=%C3%A9t%C3%A9", r#""été""#),
    ] {
        revoke_as(&app, ALICE, query)
            .await
            .assert_422(&[&int_parsing(input)]);
    }
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn both_errors_are_listed_provider_first() {
    let (store, app) = setup();
    revoke_as(&app, ALICE, "org_id=abc")
        .await
        .assert_422(&[MISSING_PROVIDER, &int_parsing(r#""abc""#)]);
    revoke_as(&app, ALICE, "")
        .await
        .assert_422(&[MISSING_PROVIDER, MISSING_ORG_ID]);
    assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn documented_422_shape_has_loc_msg_and_type() {
    let (_, app) = setup();
    let reply = revoke_as(&app, ALICE, "org_id=x").await;
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    for item in body["detail"].as_array().expect("a detail list") {
        assert!(item["loc"].as_array().unwrap().iter().all(Value::is_string));
        assert!(item["msg"].is_string());
        assert!(item["type"].is_string());
    }
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = setup();
    let request = Request::get("/me")
        .header(AUTHORIZATION, bearer(ALICE))
        .body(Body::empty())
        .unwrap();
    let reply = send(&app, request).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body: Value = serde_json::from_slice(&reply.body).unwrap();
    assert_eq!(body, json!({"sub": "alice", "client_id": "codegen-web"}));
    let request = Request::get("/me")
        .header(AUTHORIZATION, bearer(EXPIRED))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app, request).await.status, StatusCode::UNAUTHORIZED);
}
