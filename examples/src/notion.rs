//! Notion's token revocation endpoint, `POST /v1/oauth/revoke`, served by
//! the revocation endpoint layer configured for Notion's contract, and
//! `GET /me` behind the Bearer guard.
//!
//! Shared by `examples/notion.rs` and the tests in `tests/apps/notion.rs`.

use crate::common::me_route;
use crate::common::Store;
use axum::Router;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{BasicDecoding, BodyEncoding, RequestReader};
use tower_revoke::response::Realm;
use tower_revoke::RevocationEndpointLayer;

/// Notion's revocation endpoint path.
pub const REVOKE_PATH: &str = "/v1/oauth/revoke";

/// The default seed: an integration whose secret holds `+` and `%`
/// literally, its tokens (one expired), and another integration's token.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/notion/seed.json");

/// Notion's contract, as configuration of the endpoint layer:
///
/// - `Authorization: Basic base64(client_id:client_secret)` only, read raw
///   (RFC 7617, not form-decoded: a secret may hold `%` and `+` as they
///   are).
/// - a JSON body `{"token": "..."}` with `Content-Type: application/json`;
///   other headers (`Notion-Version`) are ignored.
/// - 200 `Content-Type: application/json` `{}` for a revoked, unknown,
///   expired or already revoked token (RFC 7009 §2.2).
/// - 400 with an RFC 6749 §5.2 JSON object for a form body, a malformed
///   JSON body, a duplicated member, or a missing, empty or non-string
///   token; 401 `invalid_client` for bad credentials. Nothing is revoked
///   in either case.
/// - The contract is silent about another integration's token: the
///   default, 400 `invalid_grant` (RFC 7009 §2.1), applies.
pub fn revocation_endpoint(store: Store) -> RevocationEndpointLayer<Store> {
    RevocationEndpointLayer::new(store)
        .path(REVOKE_PATH)
        .reader(
            RequestReader::default()
                .body_encoding(BodyEncoding::Json)
                .basic_decoding(BasicDecoding::Raw)
                .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic)),
        )
        .realm(Realm::new("notion"))
}

/// `GET /me` (Bearer guard, 200 JSON `{"sub", "client_id"}`) and
/// `POST /v1/oauth/revoke`.
pub fn app(store: Store) -> Router {
    me_route(store.clone()).layer(revocation_endpoint(store))
}
