//! The demo application: an ordinary axum app with the revocation endpoint
//! added by one layer, and `/me` behind the Bearer guard.
//!
//! Shared by `examples/demo.rs` and the tests in `tests/apps/demo.rs`.

use axum::{routing::get, Extension, Json, Router};
use tower_revoke::{ActiveToken, BearerAuthLayer, BoxStore, RevocationEndpointLayer};

/// The demo's seed, `examples/seed.json`.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seed.json");

/// The revocation endpoint's path in the demo.
pub const REVOKE_PATH: &str = "/oauth/revoke";

/// `GET /` (200 text), `GET /me` (Bearer guard, 200 JSON `{"sub", "client_id"}`),
/// and `POST /oauth/revoke`.
pub fn app(store: BoxStore) -> Router {
    Router::new()
        .route(
            "/",
            get(|| async { "tower-revoke demo: POST /oauth/revoke, GET /me\n" }),
        )
        .route("/me", get(me).layer(BearerAuthLayer::new(store.clone())))
        .layer(RevocationEndpointLayer::new(store).path(REVOKE_PATH))
}

async fn me(Extension(token): Extension<ActiveToken>) -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "sub": token.sub(),
        "client_id": token.client_id().as_str(),
    }))
}
