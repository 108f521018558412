//! Polar's `POST /v1/oauth2/revoke`, served by the example's configured
//! endpoint layer, driven over HTTP through the example's router.

use tower_revoke_examples::polar as app;

use crate::example::{assert_me, me, Example};
use crate::support::request::{form, get, post, Req};
use serde_json::json;

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

/// The challenge of a refused client that sent no `Authorization`.
const CHALLENGE: &str = r#"Basic realm="polar""#;
/// The challenge of a refused `Authorization: Basic`.
const BASIC_CHALLENGE: &str = r#"Basic realm="polar", error="invalid_client""#;

const POLAR: Example = Example {
    seed: app::SEED,
    app: app::app,
    active: &[AT1, RT1, AT2, RT2, BOB],
};

/// A form-bodied request to the revocation endpoint; client credentials,
/// if any, in the `body`.
fn revoke(body: &str) -> Req {
    form(app::REVOKE_PATH, body.to_owned())
}

/// `token` and app1's credentials in the form body.
fn post_body(token: &str) -> String {
    format!("token={token}&client_id={APP1}&client_secret={APP1_SECRET}")
}

#[tokio::test]
async fn documented_example_request_revokes_the_access_token() {
    let (store, app) = POLAR.start();
    // The seed document's example: token, token_type_hint=access_token,
    // client_id and client_secret in the form body.
    let body = format!(
        "token={AT1}&token_type_hint=access_token&client_id={APP1}&client_secret={APP1_SECRET}"
    );
    revoke(&body).send(&app).await.assert_revoked();
    // An access token revokes itself only.
    POLAR.assert_only_revoked(&store, &[AT1]);
    assert_eq!(me(AT1).send(&app).await.status, 401);
}

#[tokio::test]
async fn sdk_request_without_hint_revokes_the_token() {
    let (store, app) = POLAR.start();
    // The Go, Python, TypeScript and PHP samples send token, client_id and
    // client_secret only.
    revoke(&post_body(AT2)).send(&app).await.assert_revoked();
    POLAR.assert_only_revoked(&store, &[AT2]);
}

#[tokio::test]
async fn basic_credentials_are_accepted() {
    let (store, app) = POLAR.start();
    let request = revoke(&format!("token={AT1}")).basic(APP1, APP1_SECRET);
    request.send(&app).await.assert_revoked();
    POLAR.assert_only_revoked(&store, &[AT1]);
}

#[tokio::test]
async fn refresh_token_revokes_its_grant() {
    let (store, app) = POLAR.start();
    let body = format!("{}&token_type_hint=refresh_token", post_body(RT1));
    revoke(&body).send(&app).await.assert_revoked();
    POLAR.assert_only_revoked(&store, &[RT1, AT1]);
    assert_eq!(me(AT1).send(&app).await.status, 401);
    assert_eq!(me(AT2).send(&app).await.status, 200);
}

#[tokio::test]
async fn a_wrong_hint_is_only_advice() {
    let (store, app) = POLAR.start();
    let body = format!("{}&token_type_hint=access_token", post_body(RT2));
    revoke(&body).send(&app).await.assert_revoked();
    POLAR.assert_only_revoked(&store, &[RT2, AT2]);
}

#[tokio::test]
async fn unknown_expired_or_already_revoked_token_is_200_empty_object() {
    let (store, app) = POLAR.start();
    for token in ["polar_at_no_such_token", EXPIRED] {
        revoke(&post_body(token)).send(&app).await.assert_revoked();
        POLAR.assert_only_revoked(&store, &[]);
    }
    for _ in 0..2 {
        revoke(&post_body(AT1)).send(&app).await.assert_revoked();
    }
    POLAR.assert_only_revoked(&store, &[AT1]);
}

#[tokio::test]
async fn another_clients_token_is_invalid_grant() {
    let requests = [
        revoke(&post_body(BOB)),
        revoke(&format!("token={AT1}")).basic(APP2, APP2_SECRET),
    ];
    let replies = POLAR
        .assert_refused(requests, 400, "invalid_grant", &[])
        .await;
    replies[0].assert_hides(&[BOB]);
}

#[tokio::test]
async fn missing_token_is_invalid_request() {
    let credentials = format!("client_id={APP1}&client_secret={APP1_SECRET}");
    let requests = [
        revoke(&credentials),
        revoke(&format!("token=&{credentials}")),
        revoke(&format!("token_type_hint=access_token&{credentials}")),
        revoke("").basic(APP1, APP1_SECRET),
    ];
    POLAR
        .assert_refused(requests, 400, "invalid_request", &[])
        .await;
}

#[tokio::test]
async fn bad_client_in_the_body_is_401_with_a_basic_challenge() {
    let requests = [
        format!("token={AT1}&client_id={APP1}&client_secret=wrong"),
        format!("token={AT1}&client_id={APP1}&client_secret={APP2_SECRET}"),
        format!("token={AT1}&client_id=polar_ci_nobody&client_secret={APP1_SECRET}"),
        // Method `none`: Polar clients always authenticate with a secret.
        format!("token={AT1}&client_id={APP1}"),
        format!("token={AT1}"),
    ]
    .map(|body| revoke(&body).case(&body));
    let challenge = [("www-authenticate", CHALLENGE)];
    POLAR
        .assert_refused(requests, 401, "invalid_client", &challenge)
        .await;
}

#[tokio::test]
async fn bad_basic_credentials_are_401_with_an_error_in_the_challenge() {
    let requests = [
        (APP1, "wrong"),
        (APP1, APP2_SECRET),
        ("polar_ci_nobody", APP1_SECRET),
    ]
    .map(|(id, secret)| revoke(&format!("token={AT1}")).basic(id, secret));
    let challenge = [("www-authenticate", BASIC_CHALLENGE)];
    POLAR
        .assert_refused(requests, 401, "invalid_client", &challenge)
        .await;
}

#[tokio::test]
async fn client_authentication_is_checked_before_the_token() {
    let request = revoke(&format!("client_id={APP1}&client_secret=wrong"));
    let challenge = [("www-authenticate", CHALLENGE)];
    POLAR
        .assert_refused([request], 401, "invalid_client", &challenge)
        .await;
}

#[tokio::test]
async fn two_client_authentication_methods_are_invalid_request() {
    let request = revoke(&post_body(AT1)).basic(APP1, APP1_SECRET);
    POLAR
        .assert_refused([request], 400, "invalid_request", &[])
        .await;
}

#[tokio::test]
async fn a_json_body_is_invalid_request() {
    let body = json!({"token": AT1, "client_id": APP1, "client_secret": APP1_SECRET});
    let request = post(app::REVOKE_PATH, body.to_string());
    let request = request.header("content-type", "application/json");
    POLAR
        .assert_refused([request], 400, "invalid_request", &[])
        .await;
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = POLAR.start();
    assert_me(&app, AT1, "alice", APP1).await;
    for request in [get("/me"), me(EXPIRED), me(RT1)] {
        assert_eq!(request.send(&app).await.status, 401);
    }
}
