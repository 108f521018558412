//! Voucherify's token revocation endpoint, `POST /v1/oauth/token/revoke`,
//! served by the revocation endpoint layer configured for Voucherify's
//! contract, and `GET /me` behind the Bearer guard.
//!
//! Shared by `examples/voucherify.rs` and the tests in `tests/apps/voucherify.rs`.

use crate::common::me_route;
use crate::common::Store;
use axum::Router;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{AppKeyHeaders, RequestReader};
use tower_revoke::response::Realm;
use tower_revoke::revocation::{OtherClientToken, RevokedResponse, UnknownTokenResponse};
use tower_revoke::RevocationEndpointLayer;

/// Voucherify's revocation endpoint path.
pub const REVOKE_PATH: &str = "/v1/oauth/token/revoke";

/// The default seed: an application (its `X-App-Id` / `X-App-Token` are
/// the client id and secret) with the documented example token, another
/// token and an expired one, and a second application's token.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/voucherify/seed.json");

/// Voucherify's contract, as configuration of the endpoint layer:
///
/// - client authentication by the `X-App-Id` / `X-App-Token` header pair
///   only.
/// - a form body whose token parameter is `access_token` (a body with only
///   `token` has no token: 400 `invalid_request`).
/// - 204 with an empty body when the token is revoked.
/// - 404 with an empty body for an unknown, expired or already revoked
///   token, and, indistinguishably, for a token issued under another
///   application's keys (nothing is revoked).
/// - 401 `invalid_client` for missing, incomplete or wrong app keys.
pub fn revocation_endpoint(store: Store) -> RevocationEndpointLayer<Store> {
    RevocationEndpointLayer::new(store)
        .path(REVOKE_PATH)
        .reader(
            RequestReader::default()
                .token_parameter("access_token")
                .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::AppKeyHeaders))
                .app_key_headers(AppKeyHeaders::default()),
        )
        .realm(Realm::new("voucherify"))
        .other_client_token(OtherClientToken::LikeUnknown)
        .revoked_response(RevokedResponse::NoContent)
        .unknown_token_response(UnknownTokenResponse::NotFound)
}

/// `GET /me` (Bearer guard, 200 JSON `{"sub", "client_id"}`) and
/// `POST /v1/oauth/token/revoke`.
pub fn app(store: Store) -> Router {
    me_route(store.clone()).layer(revocation_endpoint(store))
}
