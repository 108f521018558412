//! `cargo run --example resource_server`: a resource server that knows
//! only the demo's issuer and secret (`TOWER_REVOKE_ISSUER`,
//! `TOWER_REVOKE_JWT_HS256_SECRET`, `TOWER_REVOKE_ADDR`, default
//! `127.0.0.1:3001`), no store and no introspection: `GET /me` admits the
//! demo's JWT access tokens and refuses those the demo revoked, by the
//! Token Status Lists the demo publishes. See
//! `tower_revoke_examples::resource_server` and the README's "Revocation
//! that reaches resource servers".
//!
//! ```sh
//! TOWER_REVOKE_JWT_HS256_SECRET=... cargo run --example demo &
//! TOWER_REVOKE_ISSUER=http://127.0.0.1:3000 TOWER_REVOKE_JWT_HS256_SECRET=... \
//!     cargo run --example resource_server
//! ```
//!
//! The same program is the `tower-revoke-resource-server` binary.

#[tokio::main]
async fn main() {
    tower_revoke_examples::resource_server::run().await;
}
