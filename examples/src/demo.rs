//! The demo application: an ordinary axum app with the revocation endpoint
//! added by one layer, and `/me` behind the Bearer guard.
//!
//! Shared by `examples/demo.rs`, the `tower-revoke-demo` binary (the same
//! program, for the process tests in `tests/processes/`), and the tests in
//! `tests/apps/demo.rs`.

use crate::common;
use axum::{routing::get, Extension, Json, Router};
use tower_revoke::{ActiveToken, BearerAuthLayer, BoxStore, RevocationEndpointLayer};

/// The demo's seed, `examples/seed.json`.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seed.json");

/// The revocation endpoint's path in the demo.
pub const REVOKE_PATH: &str = "/oauth/revoke";

/// The demo's `main`: [`app`] on the store chosen by `TOWER_REVOKE_STORE`
/// (default in memory), seeded from `TOWER_REVOKE_SEED` (default
/// [`SEED`]), behind the guard cache when `TOWER_REVOKE_GUARD_CACHE` is
/// set, served at `TOWER_REVOKE_ADDR` (default `127.0.0.1:3000`). Prints the
/// cache, the store (password redacted), `listening on http://ADDR`, and the
/// `curl` lines to try.
pub async fn run() {
    let try_it = [
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'".to_owned(),
        format!("curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{REVOKE_PATH}"),
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'   # now 401".to_owned(),
    ];
    common::run(SEED, app, &try_it).await;
}

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
