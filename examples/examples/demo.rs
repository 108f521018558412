//! `cargo run --example demo`: an axum app with `POST /oauth/revoke`,
//! `POST /oauth/introspect`, `GET /me` and
//! `GET /.well-known/oauth-authorization-server` on the in-memory store
//! seeded from `examples/seed.json`.
//!
//! Environment: `TOWER_REVOKE_ADDR` (default `127.0.0.1:3000`),
//! `TOWER_REVOKE_SEED` (default `examples/seed.json`), `TOWER_REVOKE_ISSUER`
//! (default `http://` and the address), `TOWER_REVOKE_JWT_HS256_SECRET`
//! (turns on HS256 JWT access tokens; at least 32 bytes),
//! `TOWER_REVOKE_JWT_AUDIENCE` (the `aud` they must name), `RUST_LOG`.

use std::time::Duration;
use tower_revoke_examples::{common, demo as app};

#[tokio::main]
async fn main() {
    let config = app::Config::from_env();
    let mut try_it = vec![
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'".to_owned(),
        format!(
            "curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{}",
            app::INTROSPECT_PATH
        ),
        format!(
            "curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{}",
            app::REVOKE_PATH
        ),
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'   # now 401".to_owned(),
        "curl -i http://{addr}/.well-known/oauth-authorization-server".to_owned(),
    ];
    // A JWT access token for alice, as the demo's issuer would mint it.
    if let Some(jwt) = config.mint("app1", "alice", Duration::from_secs(3600)) {
        try_it.extend([
            format!("JWT={jwt}   # alice's JWT access token, valid one hour"),
            "curl -i http://{addr}/me -H \"Authorization: Bearer $JWT\"".to_owned(),
            format!(
                "curl -i -u app1:s3cr3t -d token=$JWT http://{{addr}}{}",
                app::REVOKE_PATH
            ),
            "curl -i http://{addr}/me -H \"Authorization: Bearer $JWT\"   # now 401".to_owned(),
        ]);
    }
    common::run(app::SEED, app::app, &try_it).await;
}
