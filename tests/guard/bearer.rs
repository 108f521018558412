//! The guard's answers on a protected route that shares its store with
//! the revocation endpoint: a revoked access token stops working at once
//! (RFC 6750 §3); what is not a usable Bearer token is challenged.

use crate::fixture::{app, assert_bearer_invalid, assert_bearer_required, me_with, protected};
use crate::support::endpoint::{as_app1, store};
use crate::support::failing::FailingStore;
use crate::support::request::get;
use crate::support::{challenge, desc, JSON};
use std::time::Duration;
use tower_revoke::response::Realm;
use tower_revoke::BearerAuthLayer;

#[tokio::test]
async fn active_access_token_reaches_the_handler_with_its_client_and_subject() {
    let store = store();
    let reply = me_with("AT1").send(&app(&store)).await;
    let json = [("content-type", "application/json")];
    reply.assert(200, br#"{"client_id":"app1","sub":"alice"}"#, &json);
    let public = me_with("PAT1").send(&app(&store)).await;
    assert_eq!(&public.body[..], br#"{"client_id":"pub1","sub":"carol"}"#);
}

#[tokio::test]
async fn revoked_access_token_is_invalid_token() {
    let store = store();
    let app = app(&store);
    let reply = me_with("AT1").send(&app).await;
    let json = [("content-type", "application/json")];
    reply.assert(200, br#"{"client_id":"app1","sub":"alice"}"#, &json);
    as_app1("token=AT1").send(&app).await.assert_revoked();
    let reply = me_with("AT1").send(&app).await;
    assert_bearer_invalid(&reply);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer realm="tower-revoke", error="invalid_token""#)
    );
}

#[tokio::test]
async fn access_token_revoked_with_its_grant_is_invalid_token() {
    let store = store();
    let app = app(&store);
    as_app1("token=RT1").send(&app).await.assert_revoked();
    let reply = me_with("AT1").send(&app).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(challenge::BEARER_INVALID_TOKEN)
    );
}

/// RFC 7009 §2.1: revoking an expired refresh token still ends the access
/// tokens of its grant; and a token the store cannot revoke alone (a JWT)
/// is ended with its grant all the same.
#[tokio::test]
async fn revoked_grants_end_every_token_of_them_at_the_guard() {
    let store = store();
    let app = app(&store);
    assert_eq!(me_with("XAT").send(&app).await.status, 200);
    as_app1("token=XRT").send(&app).await.assert_revoked();
    assert_bearer_invalid(&me_with("XAT").send(&app).await);
    assert_eq!(me_with("JWTG1").send(&app).await.status, 200);
    as_app1("token=RT1").send(&app).await.assert_revoked();
    assert_bearer_invalid(&me_with("JWTG1").send(&app).await);
}

#[tokio::test]
async fn missing_bearer_token_is_challenged_without_error() {
    assert_bearer_required(&get("/me").send(&app(&store())).await);
}

#[tokio::test]
async fn other_authorization_scheme_is_challenged_without_error() {
    let request = get("/me").basic("app1", "s3cr3t");
    assert_bearer_required(&request.send(&app(&store())).await);
}

#[tokio::test]
async fn malformed_bearer_token_is_invalid_request() {
    let app = app(&store());
    let malformed = [
        "Bearer",
        "Bearer AT1 AT2",
        "Bearer A?T1",
        "Bearer =AT1",
        "Bearer\tAT1",
    ];
    for authorization in malformed {
        let request = get("/me").header("authorization", authorization);
        let reply = request.send(&app).await;
        reply.assert_bearer_malformed(challenge::BEARER_INVALID_REQUEST);
    }
}

#[tokio::test]
async fn guard_refuses_a_request_without_a_token_before_asking_the_store() {
    let app = protected(BearerAuthLayer::new(FailingStore::DOWN));
    let reply = get("/me").send(&app).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("www-authenticate"), Some(challenge::BEARER));
}

#[tokio::test]
async fn unknown_expired_and_refresh_tokens_are_invalid_token() {
    let app = app(&store());
    for token in ["nope", "old", "RT1"] {
        assert_bearer_invalid(&me_with(token).send(&app).await);
    }
}

#[tokio::test]
async fn several_authorization_headers_are_invalid_request() {
    let request = me_with("AT1").bearer("AT2");
    let reply = request.send(&app(&store())).await;
    reply.assert_multiple_authorization();
}

#[tokio::test]
async fn guard_store_failure_is_temporarily_unavailable() {
    let app = protected(BearerAuthLayer::new(FailingStore::DOWN));
    me_with("AT1").send(&app).await.assert_unavailable("5");
    let guard = BearerAuthLayer::new(FailingStore::DOWN).retry_after(Duration::from_secs(30));
    let reply = me_with("AT1").send(&protected(guard)).await;
    assert_eq!(reply.header("retry-after"), Some("30"));
}

#[tokio::test]
async fn guard_realm_names_the_challenge() {
    let app = protected(BearerAuthLayer::new(store()).realm(Realm::new("api")));
    let reply = get("/me").send(&app).await;
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer realm="api""#)
    );
    let reply = me_with("nope").send(&app).await;
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer realm="api", error="invalid_token""#)
    );
}

#[tokio::test]
async fn guard_answers_head_without_content() {
    let app = app(&store());
    let head = |token: Option<&str>| {
        let request = crate::support::request::request(http::Method::HEAD, "/me");
        match token {
            Some(token) => request.bearer(token),
            None => request,
        }
    };
    // `assert` checks that a HEAD reply has no body and the content length
    // of the JSON error a GET would get.
    head(Some("nope"))
        .send(&app)
        .await
        .assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    head(None)
        .send(&app)
        .await
        .assert_bearer_required(challenge::BEARER);
}

#[tokio::test]
async fn guard_refusals_forbid_caching() {
    let reply = me_with("nope").send(&app(&store())).await;
    for (name, value) in JSON {
        assert_eq!(reply.header(name), Some(*value));
    }
}
