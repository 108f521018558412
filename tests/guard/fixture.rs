//! The application under test: `GET /me` behind the guard, answering with
//! the active token's client and subject, alone or behind the revocation
//! endpoint on the same store; and the guard's refusals.

use crate::support::reply::Reply;
use crate::support::request::{get, Req};
use crate::support::{challenge, desc};
use axum::routing::get as route_get;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use std::sync::Arc;
use tower_revoke::{
    ActiveToken, BearerAuthLayer, IntrospectionStore, MemoryStore, RevocationEndpointLayer,
};

async fn me(Extension(token): Extension<ActiveToken>) -> Json<Value> {
    Json(json!({ "sub": token.sub(), "client_id": token.client_id().as_str() }))
}

/// `GET /me` behind `guard`.
pub fn protected<St: IntrospectionStore>(guard: BearerAuthLayer<St>) -> Router {
    Router::new().route("/me", route_get(me).layer(guard))
}

/// `GET /me` behind the guard and the endpoint, on one shared store.
pub fn app(store: &MemoryStore) -> Router {
    let store = Arc::new(store.clone());
    protected(BearerAuthLayer::new(Arc::clone(&store))).layer(RevocationEndpointLayer::new(store))
}

/// `GET /me` with `token` as its Bearer token.
pub fn me_with(token: &str) -> Req {
    get("/me").bearer(token)
}

/// Asserts the guard's 401 for an unknown, expired or revoked token.
#[track_caller]
pub fn assert_bearer_invalid(reply: &Reply) {
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

/// Asserts the guard's 401 for a request without a Bearer token.
#[track_caller]
pub fn assert_bearer_required(reply: &Reply) {
    reply.assert_bearer_required(challenge::BEARER);
}
