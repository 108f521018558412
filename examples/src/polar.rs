//! Polar's token revocation endpoint, `POST /v1/oauth2/revoke`, served by
//! the revocation endpoint layer configured for Polar's contract, and
//! `GET /me` behind the Bearer guard.
//!
//! Shared by `examples/polar.rs` and the tests in `tests/apps/polar.rs`.

use crate::common::me_route;
use crate::common::Store;
use axum::Router;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::RequestReader;
use tower_revoke::response::Realm;
use tower_revoke::revocation::OtherClientToken;
use tower_revoke::RevocationEndpointLayer;

/// Polar's revocation endpoint path.
pub const REVOKE_PATH: &str = "/v1/oauth2/revoke";

/// The default seed: two confidential clients, a refresh token and access
/// token sharing a grant, an expired token, another client's token.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/polar/seed.json");

/// Polar's contract, as configuration of the endpoint layer:
///
/// - a form body with `token`, optional `token_type_hint`, and the client
///   credentials either in the body (`client_id`, `client_secret`:
///   `client_secret_post`) or in `Authorization: Basic`
///   (`client_secret_basic`, RFC 6749 form-decoded, or raw when that fails). Every Polar client has
///   a secret, so `none` is refused.
/// - 200 `Content-Type: application/json` `{}` for a revoked token and for
///   an unknown, expired or already revoked one (RFC 7009 §2.2).
/// - 400 `invalid_grant` for a token issued to another client.
/// - 400 `invalid_request` for a missing token, 401 `invalid_client` with a
///   `Basic realm="polar"` challenge for a client that fails
///   authentication.
///
/// Revoking a refresh token revokes its whole grant (the store's rule).
pub fn revocation_endpoint(store: Store) -> RevocationEndpointLayer<Store> {
    let methods = ClientAuthMethods::only(ClientAuthMethod::ClientSecretPost)
        .with(ClientAuthMethod::ClientSecretBasic);
    RevocationEndpointLayer::new(store)
        .path(REVOKE_PATH)
        .reader(RequestReader::default().client_auth_methods(methods))
        .realm(Realm::new("polar"))
        .other_client_token(OtherClientToken::InvalidGrant)
}

/// `GET /me` (Bearer guard, 200 JSON `{"sub", "client_id"}`) and
/// `POST /v1/oauth2/revoke`.
pub fn app(store: Store) -> Router {
    me_route(store.clone()).layer(revocation_endpoint(store))
}
