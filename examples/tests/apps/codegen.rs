//! Codegen's `POST /v1/oauth/tokens/revoke?provider=...&org_id=...`, an
//! axum handler built from the crate's extractors and FastAPI renderings,
//! driven over HTTP through the example's router.

use tower_revoke_examples::codegen as app;

use crate::example::{assert_me, me, Example};
use crate::support::reply::Reply;
use crate::support::request::{post, Req};
use axum::Router;
use serde_json::Value;

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

const NOT_AUTHENTICATED: &str = r#"{"detail":"Not authenticated"}"#;
const INVALID_CREDENTIALS: &str = r#"{"detail":"Invalid authentication credentials"}"#;
const MISSING_PROVIDER: &str =
    r#"{"type":"missing","loc":["query","provider"],"msg":"Field required","input":null}"#;
const MISSING_ORG_ID: &str =
    r#"{"type":"missing","loc":["query","org_id"],"msg":"Field required","input":null}"#;

/// FastAPI's headers: `Content-Type: application/json` only.
const JSON: (&str, &str) = ("content-type", "application/json");

fn int_parsing(input: &str) -> String {
    format!(
        r#"{{"type":"int_parsing","loc":["query","org_id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":{input}}}"#
    )
}

const CODEGEN: Example = Example {
    seed: app::SEED,
    app: app::app,
    active: &[
        ALICE,
        BOB,
        SERVICE,
        GH_ALICE_1,
        GH_ALICE_1_REFRESH,
        GH_ALICE_2,
        SLACK_ALICE_1,
        GH_BOB_1,
        BLANK_ALICE_1,
    ],
};

/// `POST /v1/oauth/tokens/revoke?<query>` without `Authorization`.
fn revoke(query: &str) -> Req {
    post(&format!("{}?{query}", app::REVOKE_PATH), "")
}

async fn revoke_as(app: &Router, token: &str, query: &str) -> Reply {
    revoke(query).bearer(token).send(app).await
}

/// Asserts that `token` revoking `query` answers 200 `{"revoked":n}`.
async fn assert_revokes(app: &Router, token: &str, query: &str, n: u64) {
    let body = format!(r#"{{"revoked":{n}}}"#);
    revoke_as(app, token, query)
        .await
        .assert(200, body.as_bytes(), &[JSON]);
}

/// Asserts FastAPI's 401 with `WWW-Authenticate: Bearer` and this body.
#[track_caller]
fn assert_401(reply: &Reply, body: &str) {
    let headers = [JSON, ("www-authenticate", "Bearer")];
    reply.assert(401, body.as_bytes(), &headers);
}

/// Asserts FastAPI's 422 with these `detail` items.
#[track_caller]
fn assert_422(reply: &Reply, items: &[&str]) {
    let body = format!(r#"{{"detail":[{}]}}"#, items.join(","));
    reply.assert(422, body.as_bytes(), &[JSON]);
}

#[tokio::test]
async fn revokes_every_token_of_the_user_for_the_provider_and_org() {
    let (store, app) = CODEGEN.start();
    assert_revokes(&app, ALICE, "provider=github&org_id=1", 2).await;
    CODEGEN.assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn repeating_is_200_again() {
    let (store, app) = CODEGEN.start();
    assert_revokes(&app, ALICE, "provider=github&org_id=1", 2).await;
    assert_revokes(&app, ALICE, "provider=github&org_id=1", 0).await;
    CODEGEN.assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn other_users_providers_and_orgs_are_untouched() {
    let (store, app) = CODEGEN.start();
    assert_revokes(&app, BOB, "provider=github&org_id=1", 1).await;
    CODEGEN.assert_only_revoked(&store, &[GH_BOB_1]);
    assert_revokes(&app, ALICE, "provider=slack&org_id=1", 1).await;
    assert_revokes(&app, ALICE, "provider=github&org_id=3", 0).await;
    CODEGEN.assert_only_revoked(&store, &[GH_BOB_1, SLACK_ALICE_1]);
}

#[tokio::test]
async fn org_id_is_matched_as_an_integer() {
    let (store, app) = CODEGEN.start();
    // `+` is a space in a query, and pydantic strips whitespace.
    assert_revokes(&app, ALICE, "provider=github&org_id=+002", 1).await;
    assert_revokes(&app, ALICE, "org_id=%2B01&provider=github", 2).await;
    CODEGEN.assert_only_revoked(&store, &[GH_ALICE_2, GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn provider_is_matched_exactly() {
    let (store, app) = CODEGEN.start();
    assert_revokes(&app, ALICE, "provider=GitHub&org_id=1", 0).await;
    assert_revokes(&app, ALICE, "provider=github+&org_id=1", 1).await;
    CODEGEN.assert_only_revoked(&store, &[BLANK_ALICE_1]);
}

#[tokio::test]
async fn an_empty_provider_is_a_valid_string() {
    let (store, app) = CODEGEN.start();
    for query in ["provider=&org_id=1", "provider&org_id=1"] {
        assert_revokes(&app, ALICE, query, 0).await;
    }
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_or_non_bearer_credentials_are_not_authenticated() {
    let (store, app) = CODEGEN.start();
    let query = "provider=github&org_id=1";
    assert_401(&revoke(query).send(&app).await, NOT_AUTHENTICATED);
    for authorization in [
        "Basic Y29kZWdlbi13ZWI6eA==",
        "Token cg_user_alice",
        "Bearer",
        "Bearer ",
        "cg_user_alice",
    ] {
        let request = revoke(query).header("authorization", authorization);
        assert_401(
            &request.case(authorization).send(&app).await,
            NOT_AUTHENTICATED,
        );
    }
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn authentication_is_checked_before_the_query() {
    let (store, app) = CODEGEN.start();
    for query in ["", "org_id=abc", "provider=github"] {
        assert_401(&revoke(query).send(&app).await, NOT_AUTHENTICATED);
        assert_401(&revoke_as(&app, EXPIRED, query).await, INVALID_CREDENTIALS);
    }
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn inactive_bearer_token_is_invalid_credentials() {
    let (store, app) = CODEGEN.start();
    for token in [
        EXPIRED,
        "cg_no_such_token",
        GH_ALICE_1_REFRESH, // not an access token
        SERVICE,            // no user
        "a b",              // not a b64token
    ] {
        let reply = revoke_as(&app, token, "provider=github&org_id=1").await;
        assert_401(&reply, INVALID_CREDENTIALS);
    }
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn a_revoked_bearer_token_stops_working_at_once() {
    let (store, app) = CODEGEN.start();
    // A provider token is an access token of alice: revoking its own
    // provider and org revokes it too.
    assert_revokes(&app, GH_ALICE_1, "provider=github&org_id=1", 2).await;
    let reply = revoke_as(&app, GH_ALICE_1, "provider=github&org_id=1").await;
    assert_401(&reply, INVALID_CREDENTIALS);
    CODEGEN.assert_only_revoked(&store, &[GH_ALICE_1, GH_ALICE_1_REFRESH]);
}

#[tokio::test]
async fn two_authorization_headers_are_invalid_credentials() {
    let (store, app) = CODEGEN.start();
    let request = revoke("provider=github&org_id=1")
        .bearer(ALICE)
        .bearer(ALICE);
    assert_401(&request.send(&app).await, INVALID_CREDENTIALS);
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_provider_is_fastapi_422() {
    let (store, app) = CODEGEN.start();
    assert_422(
        &revoke_as(&app, ALICE, "org_id=1").await,
        &[MISSING_PROVIDER],
    );
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn missing_org_id_is_fastapi_422() {
    let (store, app) = CODEGEN.start();
    assert_422(
        &revoke_as(&app, ALICE, "provider=github").await,
        &[MISSING_ORG_ID],
    );
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn non_integer_org_id_is_int_parsing_echoing_the_input() {
    let (store, app) = CODEGEN.start();
    for (query, input) in [
        ("provider=github&org_id=abc", r#""abc""#),
        ("provider=github&org_id=", r#""""#),
        ("provider=github&org_id=1.5", r#""1.5""#),
        ("provider=github&org_id=%C3%A9t%C3%A9", r#""été""#),
    ] {
        let reply = revoke_as(&app, ALICE, query).await;
        assert_422(&reply, &[&int_parsing(input)]);
    }
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn both_errors_are_listed_provider_first() {
    let (store, app) = CODEGEN.start();
    let reply = revoke_as(&app, ALICE, "org_id=abc").await;
    assert_422(&reply, &[MISSING_PROVIDER, &int_parsing(r#""abc""#)]);
    let reply = revoke_as(&app, ALICE, "").await;
    assert_422(&reply, &[MISSING_PROVIDER, MISSING_ORG_ID]);
    CODEGEN.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn documented_422_shape_has_loc_msg_and_type() {
    let (_, app) = CODEGEN.start();
    let body = revoke_as(&app, ALICE, "org_id=x").await.json();
    for item in body["detail"].as_array().expect("a detail list") {
        assert!(item["loc"].as_array().unwrap().iter().all(Value::is_string));
        assert!(item["msg"].is_string());
        assert!(item["type"].is_string());
    }
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = CODEGEN.start();
    assert_me(&app, ALICE, "alice", "codegen-web").await;
    assert_eq!(me(EXPIRED).send(&app).await.status, 401);
}
