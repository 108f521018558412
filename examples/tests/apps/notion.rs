//! Notion's `POST /v1/oauth/revoke`, served by the example's configured
//! endpoint layer, driven over HTTP through the example's router.

use tower_revoke_examples::notion as app;

use crate::example::{assert_me, me, Example};
use crate::support::reply::Reply;
use crate::support::request::{basic, get, post, Req};
use serde_json::json;

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

/// The challenge of refused `Authorization: Basic` credentials.
const BASIC_CHALLENGE: &str = r#"Basic realm="notion", error="invalid_client""#;

const NOTION: Example = Example {
    seed: app::SEED,
    app: app::app,
    active: &[TOKEN, SECOND, BOB],
};

/// A request with `body` and no credentials.
fn anonymous(content_type: Option<&str>, body: &str) -> Req {
    let request = post(app::REVOKE_PATH, body.to_owned());
    match content_type {
        Some(content_type) => request.header("content-type", content_type),
        None => request,
    }
}

/// A request with the integration's credentials, this content type and body.
fn revoke(content_type: Option<&str>, body: &str) -> Req {
    anonymous(content_type, body).basic(CLIENT, SECRET)
}

fn revoke_json(body: &str) -> Req {
    revoke(Some("application/json"), body)
}

fn token_body(token: &str) -> String {
    json!({ "token": token }).to_string()
}

/// Asserts that each of `requests` is refused with 400 `invalid_request`,
/// and that nothing is revoked.
async fn assert_invalid_request(requests: impl IntoIterator<Item = Req>) -> Vec<Reply> {
    NOTION
        .assert_refused(requests, 400, "invalid_request", &[])
        .await
}

/// Asserts that each of `requests` is refused with 401 `invalid_client`
/// and this challenge, and that nothing is revoked.
async fn assert_invalid_client(requests: impl IntoIterator<Item = Req>, challenge: &str) {
    let challenge = [("www-authenticate", challenge)];
    NOTION
        .assert_refused(requests, 401, "invalid_client", &challenge)
        .await;
}

#[tokio::test]
async fn documented_curl_request_revokes_the_token() {
    let (store, app) = NOTION.start();
    // The seed document's curl sample: Basic, Content-Type, and the body
    // `{\n\t"token": "'$ACCESS_TOKEN'"\n}`.
    let body = format!("{{\n\t\"token\": \"{TOKEN}\"\n}}");
    revoke_json(&body).send(&app).await.assert_revoked();
    NOTION.assert_only_revoked(&store, &[TOKEN]);
    assert_eq!(me(TOKEN).send(&app).await.status, 401);
    assert_eq!(me(SECOND).send(&app).await.status, 200);
}

#[tokio::test]
async fn notion_version_header_and_charset_are_accepted() {
    let (store, app) = NOTION.start();
    let request = revoke(Some("application/json; charset=utf-8"), &token_body(SECOND));
    let request = request.header("Notion-Version", "2022-06-28");
    request.send(&app).await.assert_revoked();
    NOTION.assert_only_revoked(&store, &[SECOND]);
}

#[tokio::test]
async fn unknown_expired_or_already_revoked_token_is_200_empty_object() {
    let (store, app) = NOTION.start();
    for token in ["ntn_no_such_token", EXPIRED] {
        let request = revoke_json(&token_body(token));
        request.send(&app).await.assert_revoked();
        NOTION.assert_only_revoked(&store, &[]);
    }
    for _ in 0..2 {
        let request = revoke_json(&token_body(TOKEN));
        request.send(&app).await.assert_revoked();
    }
    NOTION.assert_only_revoked(&store, &[TOKEN]);
}

#[tokio::test]
async fn form_and_other_media_types_are_400_json_and_leave_the_token() {
    let form = "application/x-www-form-urlencoded";
    assert_invalid_request([
        revoke(Some(form), &format!("token={TOKEN}")),
        revoke(Some(form), &token_body(TOKEN)),
        revoke(Some("text/plain"), &token_body(TOKEN)),
        revoke(None, &token_body(TOKEN)),
    ])
    .await;
}

#[tokio::test]
async fn missing_empty_or_non_string_token_is_400_json_and_leaves_the_token() {
    let bodies = [
        "{}".to_owned(),
        r#"{"token":""}"#.to_owned(),
        r#"{"access_token":"ntn_alice_access"}"#.to_owned(),
        r#"{"token":123}"#.to_owned(),
        r#"{"token":null}"#.to_owned(),
        r#"{"token":true}"#.to_owned(),
        format!(r#"{{"token":["{TOKEN}"]}}"#),
        format!(r#"{{"token":{{"value":"{TOKEN}"}}}}"#),
    ];
    let replies = assert_invalid_request(bodies.map(|body| revoke_json(&body))).await;
    for reply in replies {
        reply.assert_hides(&[TOKEN]);
    }
}

#[tokio::test]
async fn malformed_json_is_400_json_and_leaves_the_token() {
    let bodies = [
        format!(r#"{{"token":"{TOKEN}""#),
        format!(r#"{{'token':'{TOKEN}'}}"#),
        format!(r#"{{"token":"{TOKEN}"}} x"#),
        format!(r#"{{"token":"{TOKEN}"}}{{}}"#),
        format!("token={TOKEN}"),
        format!(r#""{TOKEN}""#),
        format!(r#"["{TOKEN}"]"#),
        "null".to_owned(),
        String::new(),
    ];
    assert_invalid_request(bodies.map(|body| revoke_json(&body))).await;
}

#[tokio::test]
async fn duplicated_token_member_is_400_json_and_leaves_the_token() {
    let bodies = [
        format!(r#"{{"token":"{TOKEN}","token":"{TOKEN}"}}"#),
        format!(r#"{{"token":"ntn_no_such_token","token":"{TOKEN}"}}"#),
        format!(r#"{{"token":"{TOKEN}","token":"{SECOND}"}}"#),
    ];
    assert_invalid_request(bodies.map(|body| revoke_json(&body))).await;
}

#[tokio::test]
async fn secret_is_read_raw_not_form_decoded() {
    // The secret's form-encoded spelling names another secret when read raw.
    let encoded = "secret_Zq%2B4%252F9x%25";
    let request = anonymous(Some("application/json"), &token_body(TOKEN)).basic(CLIENT, encoded);
    assert_invalid_client([request], BASIC_CHALLENGE).await;
}

#[tokio::test]
async fn bad_credentials_are_401_and_leave_the_token() {
    let authorizations = [
        basic(format!("{CLIENT}:secret_wrong")),
        basic(format!("{CLIENT}:{OTHER_SECRET}")),
        basic(format!("00000000-0000-0000-0000-000000000000:{SECRET}")),
        basic(format!("{CLIENT}:secret_Zq 4%2F9x%")),
        "Basic !!!".to_owned(),
        format!("Bearer {TOKEN}"),
    ];
    let requests = authorizations.map(|authorization| {
        let request = anonymous(Some("application/json"), &token_body(TOKEN));
        request.header("authorization", authorization)
    });
    assert_invalid_client(requests, BASIC_CHALLENGE).await;
}

#[tokio::test]
async fn credentials_in_the_body_are_not_client_authentication() {
    let body = json!({"token": TOKEN, "client_id": CLIENT, "client_secret": SECRET});
    let request = anonymous(Some("application/json"), &body.to_string());
    assert_invalid_client([request], r#"Basic realm="notion""#).await;
}

#[tokio::test]
async fn another_integrations_token_is_invalid_grant() {
    let request = anonymous(Some("application/json"), &token_body(TOKEN));
    let request = request.basic(OTHER_CLIENT, OTHER_SECRET);
    NOTION
        .assert_refused([request], 400, "invalid_grant", &[])
        .await;
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = NOTION.start();
    assert_me(&app, TOKEN, "alice", CLIENT).await;
    for request in [get("/me"), me(EXPIRED)] {
        assert_eq!(request.send(&app).await.status, 401);
    }
}
