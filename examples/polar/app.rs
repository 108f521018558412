//! Polar's token revocation endpoint, `POST /v1/oauth2/revoke`, served by
//! the revocation endpoint layer configured for Polar's contract, and
//! `GET /me` behind the Bearer guard.
//!
//! Shared by `examples/polar/main.rs` and `tests/polar.rs`.
//! `GET /me` is `crate::common::me_route`: whatever includes this file
//! includes `examples/common/mod.rs` as `common` too.

use crate::common::me_route;
use axum::Router;
use std::sync::Arc;
use tower_revoke::{
    ClientAuthMethod, ClientAuthMethods, MemoryStore, OtherClientToken, RevocationEndpointLayer,
    RevokedResponse, UnknownTokenResponse,
};

/// Polar's revocation endpoint path.
pub const REVOKE_PATH: &str = "/v1/oauth2/revoke";

/// The default seed: two confidential clients, a refresh token and access
/// token sharing a grant, an expired token, another client's token.
pub const SEED: &str = "examples/polar/seed.json";

/// Polar's contract, as configuration of the endpoint layer:
///
/// - a form body with `token`, optional `token_type_hint`, and the client
///   credentials either in the body (`client_id`, `client_secret`:
///   `client_secret_post`) or in `Authorization: Basic`
///   (`client_secret_basic`, RFC 6749 form-decoded). Every Polar client has
///   a secret, so `none` is refused.
/// - 200 `Content-Type: application/json` `{}` for a revoked token and for
///   an unknown, expired or already revoked one (RFC 7009 §2.2).
/// - 400 `invalid_grant` for a token issued to another client.
/// - 400 `invalid_request` for a missing token, 401 `invalid_client` with a
///   `Basic realm="polar"` challenge for a client that fails
///   authentication.
///
/// Revoking a refresh token revokes its whole grant (the store's rule).
pub fn revocation_endpoint(store: Arc<MemoryStore>) -> RevocationEndpointLayer<MemoryStore> {
    RevocationEndpointLayer::from_shared(store)
        .path(REVOKE_PATH)
        .realm("polar")
        .client_auth_methods(
            ClientAuthMethods::only(ClientAuthMethod::ClientSecretPost)
                .with(ClientAuthMethod::ClientSecretBasic),
        )
        .other_client_token(OtherClientToken::InvalidGrant)
        .revoked_response(RevokedResponse::JsonObject)
        .unknown_token_response(UnknownTokenResponse::LikeRevoked)
}

/// `GET /me` (Bearer guard, 200 JSON `{"sub", "client_id"}`) and
/// `POST /v1/oauth2/revoke`.
pub fn app(store: MemoryStore) -> Router {
    let store = Arc::new(store);
    me_route(Arc::clone(&store)).layer(revocation_endpoint(store))
}
