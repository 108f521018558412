//! The Bearer guard on a protected route, sharing its store with the
//! endpoint: a revoked access token stops working at once (RFC 6750 §3).

use crate::stores::FailingStore;
use crate::support::{challenge, desc, request, revoke, store, JSON};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http::Method;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::{
    ActiveAccessToken, BearerAuthLayer, MemoryStore, RevocationEndpointLayer, RevocationStore,
};

async fn me(Extension(token): Extension<ActiveAccessToken>) -> Json<Value> {
    Json(json!({ "sub": token.subject, "client_id": token.client_id.as_str() }))
}

/// `GET /me` behind `guard`.
fn protected<St: RevocationStore>(guard: BearerAuthLayer<St>) -> Router {
    Router::new().route("/me", get(me).layer(guard))
}

/// `GET /me` behind the guard and the endpoint, on one shared store.
fn app(store: &MemoryStore) -> Router {
    let store = Arc::new(store.clone());
    protected(BearerAuthLayer::from_shared(Arc::clone(&store)))
        .layer(RevocationEndpointLayer::from_shared(store))
}

fn me_with(token: &str) -> crate::support::Req {
    request(Method::GET, "/me").header("authorization", format!("Bearer {token}"))
}

#[tokio::test]
async fn active_access_token_reaches_the_handler_with_its_client_and_subject() {
    let store = store();
    let reply = me_with("AT1").send(&app(&store)).await;
    reply.assert(
        200,
        br#"{"client_id":"app1","sub":"alice"}"#,
        &[("content-type", "application/json")],
    );
    let public = me_with("PAT1").send(&app(&store)).await;
    assert_eq!(&public.body[..], br#"{"client_id":"pub1","sub":"carol"}"#);
}

#[tokio::test]
async fn revoked_access_token_is_invalid_token() {
    let store = store();
    let app = app(&store);
    me_with("AT1").send(&app).await.assert(
        200,
        br#"{"client_id":"app1","sub":"alice"}"#,
        &[("content-type", "application/json")],
    );
    revoke("token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await
        .assert_revoked();
    let reply = me_with("AT1").send(&app).await;
    reply.assert_error(
        401,
        "invalid_token",
        desc::BEARER_INVALID,
        &[("www-authenticate", challenge::BEARER_INVALID_TOKEN)],
    );
    assert_eq!(
        reply.header("www-authenticate"),
        Some(r#"Bearer realm="tower-revoke", error="invalid_token""#)
    );
}

#[tokio::test]
async fn access_token_revoked_with_its_grant_is_invalid_token() {
    let store = store();
    let app = app(&store);
    revoke("token=RT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await
        .assert_revoked();
    let reply = me_with("AT1").send(&app).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.header("www-authenticate"),
        Some(challenge::BEARER_INVALID_TOKEN)
    );
}

#[tokio::test]
async fn missing_bearer_token_is_challenged_without_error() {
    let store = store();
    let reply = request(Method::GET, "/me").send(&app(&store)).await;
    reply.assert_error(
        401,
        "invalid_token",
        desc::BEARER_REQUIRED,
        &[("www-authenticate", challenge::BEARER)],
    );
}

#[tokio::test]
async fn other_authorization_scheme_is_challenged_without_error() {
    let store = store();
    let reply = request(Method::GET, "/me")
        .basic("app1", "s3cr3t")
        .send(&app(&store))
        .await;
    reply.assert_error(
        401,
        "invalid_token",
        desc::BEARER_REQUIRED,
        &[("www-authenticate", challenge::BEARER)],
    );
}

#[tokio::test]
async fn malformed_bearer_token_is_invalid_token() {
    let store = store();
    let app = app(&store);
    for authorization in ["Bearer", "Bearer AT1 AT2", "Bearer A?T1", "Bearer =AT1"] {
        let reply = request(Method::GET, "/me")
            .header("authorization", authorization)
            .send(&app)
            .await;
        reply.assert_error(
            401,
            "invalid_token",
            desc::BEARER_INVALID,
            &[("www-authenticate", challenge::BEARER_INVALID_TOKEN)],
        );
    }
}

#[tokio::test]
async fn guard_refuses_a_request_without_a_token_before_asking_the_store() {
    let app = protected(BearerAuthLayer::new(FailingStore));
    let reply = request(Method::GET, "/me").send(&app).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.header("www-authenticate"), Some(challenge::BEARER));
}

#[tokio::test]
async fn unknown_expired_and_refresh_tokens_are_invalid_token() {
    let store = store();
    let app = app(&store);
    for token in ["nope", "old", "RT1"] {
        let reply = me_with(token).send(&app).await;
        reply.assert_error(
            401,
            "invalid_token",
            desc::BEARER_INVALID,
            &[("www-authenticate", challenge::BEARER_INVALID_TOKEN)],
        );
    }
}

#[tokio::test]
async fn several_authorization_headers_are_invalid_request() {
    let store = store();
    let reply = me_with("AT1")
        .header("authorization", "Bearer AT2")
        .send(&app(&store))
        .await;
    reply.assert_error(
        400,
        "invalid_request",
        desc::MULTIPLE_AUTHORIZATION,
        &[(
            "www-authenticate",
            r#"Bearer realm="tower-revoke", error="invalid_request""#,
        )],
    );
}

#[tokio::test]
async fn guard_store_failure_is_temporarily_unavailable() {
    let app = protected(BearerAuthLayer::new(FailingStore));
    let reply = me_with("AT1").send(&app).await;
    reply.assert_error(
        503,
        "temporarily_unavailable",
        desc::UNAVAILABLE,
        &[("retry-after", "5")],
    );
    let app = protected(BearerAuthLayer::new(FailingStore).retry_after(Duration::from_secs(30)));
    let reply = me_with("AT1").send(&app).await;
    assert_eq!(reply.header("retry-after"), Some("30"));
}

#[tokio::test]
async fn guard_realm_names_the_challenge() {
    let app = protected(BearerAuthLayer::new(store()).realm("api"));
    let reply = request(Method::GET, "/me").send(&app).await;
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
async fn guard_refusals_forbid_caching() {
    let store = store();
    let reply = me_with("nope").send(&app(&store)).await;
    for (name, value) in JSON {
        assert_eq!(reply.header(name), Some(*value));
    }
}
