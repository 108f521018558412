//! A resource server that never talks to the demo's store
//! (draft-ietf-oauth-status-list-20 §8.3): `GET /me` answers exactly like
//! the demo's (200 `{"client_id", "sub"}`, 401 with the `Bearer`
//! challenge) for the demo's JWT access tokens, verified with the shared
//! HS256 secret, and refuses one the demo revoked once the status list
//! naming it says so: at most the list's `ttl` (plus one fetch) after the
//! revocation. It serves its RFC 9728 metadata at
//! `/.well-known/oauth-protected-resource`, naming the demo as its
//! authorization server, and its 401 challenges point there
//! (`resource_metadata`, RFC 9728 §5.1).
//!
//! It knows three variables and nothing else:
//! - `TOWER_REVOKE_ISSUER` (required): the demo's issuer URL: the `iss`
//!   its JWTs must carry, and the only origin whose status lists it
//!   fetches (a token naming a list anywhere else is refused without a
//!   request);
//! - `TOWER_REVOKE_JWT_HS256_SECRET` (required, at least 32 bytes): the
//!   demo's secret, which signs its JWTs and its Status List Tokens;
//! - `TOWER_REVOKE_ADDR` (default `127.0.0.1:3001`).
//!
//! A list is kept for its `ttl`, however short (no floor here: a
//! production resource server sets one with
//! [`StatusLists::min_ttl`]), within its `exp`; while the demo cannot be
//! reached, the last good list serves until its `exp`, then `/me` answers
//! 503. A JWT without a `status` claim is refused: every JWT the demo
//! mints has one. http is allowed to a loopback issuer only.

use crate::common;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use tower_revoke::jwt::{JwtKey, JwtVerifier};
use tower_revoke::metadata::ProtectedResourceMetadata;
use tower_revoke::status_list::{
    StatusCheckedStore, StatusListFetcher, StatusListVerifier, StatusLists,
};
use tower_revoke::BearerAuthLayer;

/// The resource server's address when `TOWER_REVOKE_ADDR` is unset.
pub const DEFAULT_ADDR: &str = "127.0.0.1:3001";

/// The resource server for the demo at `issuer`, whose JWTs and lists are
/// signed with `secret`, served at `resource` (its own URL, `http://` and
/// the bound address): `GET /me` behind the guard and its protected
/// resource metadata.
///
/// Exits with a message (see [`common::exit_with`]) when `secret` is
/// shorter than 32 bytes (RFC 7518 §3.2).
pub fn app(issuer: &str, secret: &[u8], resource: &str) -> Router {
    let key = || {
        JwtKey::hs256(secret)
            .unwrap_or_else(|e| common::exit_with(format!("TOWER_REVOKE_JWT_HS256_SECRET: {e}")))
    };
    let fetcher = StatusListFetcher::new().allow_loopback_http(true);
    let lists = StatusLists::new(fetcher).issuer(issuer, StatusListVerifier::new([key()]));
    let verifier = JwtVerifier::new(issuer, [key()]);
    let store = StatusCheckedStore::new(verifier, lists).require_status(true);
    let metadata = ProtectedResourceMetadata::new(resource)
        .authorization_servers([issuer])
        .member("bearer_methods_supported", serde_json::json!(["header"]));
    let guard = BearerAuthLayer::new(store).resource_metadata(&metadata.metadata_url());
    Router::new()
        .route("/me", get(common::me).layer(guard))
        .route_service(&metadata.well_known_path(), metadata.service())
}

/// The example's `main`: [`app`] from the environment, served at
/// `TOWER_REVOKE_ADDR` until SIGTERM or SIGINT. Exits with a message when
/// a required variable is missing.
pub async fn run() {
    common::init_tracing();
    let required = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|value| !value.is_empty())
            .unwrap_or_else(|| common::exit_with(format!("{name} is required")))
    };
    let issuer = required("TOWER_REVOKE_ISSUER");
    let secret = required("TOWER_REVOKE_JWT_HS256_SECRET");
    let addr: SocketAddr = match std::env::var("TOWER_REVOKE_ADDR") {
        Ok(addr) => addr
            .parse()
            .unwrap_or_else(|e| common::exit_with(format!("TOWER_REVOKE_ADDR={addr:?}: {e}"))),
        Err(_) => DEFAULT_ADDR.parse().expect("a valid default address"),
    };
    let listener = common::bind(addr).await;
    let resource = format!("http://{}", common::bound(&listener));
    let app = app(&issuer, secret.as_bytes(), &resource);
    common::announce(
        &listener,
        &[
            format!("# JWTs of the demo at {issuer}, refused once its status list says revoked"),
            "curl -i http://{addr}/me -H \"Authorization: Bearer $JWT\"".to_owned(),
            "curl -i http://{addr}/.well-known/oauth-protected-resource".to_owned(),
        ],
    );
    common::serve_until_stopped(listener, app, &Default::default()).await;
}
