//! Voucherify's `POST /v1/oauth/token/revoke`, served by the example's
//! configured endpoint layer, driven over HTTP through the example's router.

use tower_revoke_examples::voucherify as app;

use crate::example::{assert_me, me, Example};
use crate::support::request::{form, Req};
use crate::support::NO_STORE;

const APP_ID: &str = "c5b6a3d4-1e2f-4a5b-8c9d-0e1f2a3b4c5d";
const APP_TOKEN: &str = "d8a5e1c2-7b3f-4e6a-9c0d-1f2e3a4b5c6d";
const OTHER_APP_ID: &str = "9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b";
const OTHER_APP_TOKEN: &str = "f0e1d2c3-b4a5-4968-8776-655443322110";
/// The seed document's example `access_token`.
const EXAMPLE: &str = "1ABCde2FGHijKl3m4NO5pqR6STUv7wxYzAbc8dE90FgH1IJkLm";
const SECOND: &str = "2BCDef3GHIjkLm4n5OP6qrS7TUVw8xyZaBcd9eF01GhI2JKlMn";
const EXPIRED: &str = "3CDEfg4HIJklMn5o6PQ7rsT8UVWx9yzAbCde0fG12HiJ3KLmNo";
const OTHER_APPS: &str = "4DEFgh5IJKlmNo6p7QRS8tuV9WXYz0AbCdEf1gH23IjK4LMnOp";

const VOUCHERIFY: Example = Example {
    seed: app::SEED,
    app: app::app,
    active: &[EXAMPLE, SECOND, OTHER_APPS],
};

/// A form-bodied request to the revocation endpoint, without credentials.
fn revoke(body: &str) -> Req {
    form(app::REVOKE_PATH, body.to_owned())
}

/// This form body with an application's keys.
fn with_keys(id: &str, token: &str, body: &str) -> Req {
    revoke(body)
        .header("X-App-Id", id)
        .header("X-App-Token", token)
}

/// This form body with the application's keys.
fn keyed(body: &str) -> Req {
    with_keys(APP_ID, APP_TOKEN, body)
}

/// Asserts that each of `requests` is refused with 401 `invalid_client`,
/// and that nothing is revoked. Basic is not accepted, so there is no
/// Basic challenge.
async fn assert_invalid_client(requests: impl IntoIterator<Item = Req>) {
    VOUCHERIFY
        .assert_refused(requests, 401, "invalid_client", &[])
        .await;
}

#[tokio::test]
async fn documented_example_request_is_204_and_revokes_the_token() {
    let (store, app) = VOUCHERIFY.start();
    let reply = keyed(&format!("access_token={EXAMPLE}")).send(&app).await;
    reply.assert(204, b"", NO_STORE);
    VOUCHERIFY.assert_only_revoked(&store, &[EXAMPLE]);
    assert_eq!(me(EXAMPLE).send(&app).await.status, 401);
    assert_eq!(me(SECOND).send(&app).await.status, 200);
}

#[tokio::test]
async fn unknown_or_expired_token_is_404_empty() {
    let (store, app) = VOUCHERIFY.start();
    for token in ["no_such_token", EXPIRED] {
        let reply = keyed(&format!("access_token={token}")).send(&app).await;
        reply.assert(404, b"", NO_STORE);
    }
    VOUCHERIFY.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn already_revoked_token_is_404_empty() {
    let (store, app) = VOUCHERIFY.start();
    let request = keyed(&format!("access_token={SECOND}"));
    request.clone().send(&app).await.assert(204, b"", NO_STORE);
    request.send(&app).await.assert(404, b"", NO_STORE);
    VOUCHERIFY.assert_only_revoked(&store, &[SECOND]);
}

#[tokio::test]
async fn another_applications_token_is_indistinguishable_from_unknown() {
    let (store, app) = VOUCHERIFY.start();
    let other = keyed(&format!("access_token={OTHER_APPS}"))
        .send(&app)
        .await;
    let unknown = keyed("access_token=no_such_token").send(&app).await;
    other.assert(404, b"", NO_STORE);
    assert_eq!(other, unknown);
    VOUCHERIFY.assert_only_revoked(&store, &[]);
}

#[tokio::test]
async fn a_body_with_only_token_is_invalid_request() {
    let requests = [
        keyed(&format!("token={EXAMPLE}")),
        keyed(""),
        keyed("access_token="),
    ];
    VOUCHERIFY
        .assert_refused(requests, 400, "invalid_request", &[])
        .await;
}

#[tokio::test]
async fn missing_incomplete_or_wrong_app_keys_are_401() {
    let body = format!("access_token={EXAMPLE}");
    let keys: [&[(&str, &str)]; 6] = [
        &[],
        &[("X-App-Id", APP_ID)],
        &[("X-App-Token", APP_TOKEN)],
        &[("X-App-Id", APP_ID), ("X-App-Token", "wrong")],
        &[("X-App-Id", APP_ID), ("X-App-Token", OTHER_APP_TOKEN)],
        &[("X-App-Id", "no-such-app"), ("X-App-Token", APP_TOKEN)],
    ];
    let requests = keys.map(|headers| {
        let request = revoke(&body);
        headers.iter().fold(request, |request, &(name, value)| {
            request.header(name, value)
        })
    });
    assert_invalid_client(requests).await;
}

#[tokio::test]
async fn basic_and_body_credentials_are_not_accepted() {
    let body = format!("access_token={EXAMPLE}");
    let post_body = format!("{body}&client_id={APP_ID}&client_secret={APP_TOKEN}");
    assert_invalid_client([revoke(&body).basic(APP_ID, APP_TOKEN), revoke(&post_body)]).await;
}

#[tokio::test]
async fn the_other_applications_keys_revoke_its_own_token() {
    let (store, app) = VOUCHERIFY.start();
    let request = with_keys(
        OTHER_APP_ID,
        OTHER_APP_TOKEN,
        &format!("access_token={OTHER_APPS}"),
    );
    request.send(&app).await.assert(204, b"", NO_STORE);
    VOUCHERIFY.assert_only_revoked(&store, &[OTHER_APPS]);
}

#[tokio::test]
async fn me_is_behind_the_bearer_guard() {
    let (_, app) = VOUCHERIFY.start();
    assert_me(&app, EXAMPLE, "api-client-1", APP_ID).await;
    assert_eq!(me(EXPIRED).send(&app).await.status, 401);
}
