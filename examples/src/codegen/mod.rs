//! Codegen's `POST /v1/oauth/tokens/revoke?provider=...&org_id=...`: an
//! axum handler built from this crate's extractors and FastAPI renderings
//! (not the revocation endpoint layer, whose contract is RFC 7009's), and
//! `GET /me` behind the Bearer guard.
//!
//! Shared by `examples/codegen.rs` and the tests in `tests/apps/codegen.rs`.

use crate::common::{me_route, Store};

pub mod fastapi;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use fastapi::{CollectErrors, HttpBearer, InvalidAuthenticationCredentials, QueryParams};
use serde::Serialize;
use tower_revoke::request::BearerToken;
use tower_revoke::{IntrospectionStore, SubjectRevocationStore, TokenKind};

/// Codegen's revocation endpoint path.
pub const REVOKE_PATH: &str = "/v1/oauth/tokens/revoke";

/// The default seed: user tokens for alice and bob (one expired), a
/// service token without a user, and provider tokens labelled with
/// `provider` and `org_id`.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/codegen/seed.json");

/// `POST /v1/oauth/tokens/revoke` and `GET /me` (Bearer guard, 200 JSON
/// `{"sub", "client_id"}`).
pub fn app(store: Store) -> Router {
    Router::new()
        .route(REVOKE_PATH, post(revoke::<Store>))
        .with_state(store.clone())
        .merge(me_route(store))
}

/// The success body: how many tokens this request marked inactive
/// (`{"revoked":0}` when repeated).
#[derive(Debug, Serialize)]
struct Revoked {
    revoked: u64,
}

/// Marks inactive every token of the calling user labelled with
/// `provider` and `org_id`, in FastAPI's shapes, in FastAPI's order:
///
/// 1. Authentication, before the query is looked at. No `Authorization`
///    header, another scheme, or nothing after `Bearer `: 401
///    `{"detail":"Not authenticated"}` with `WWW-Authenticate: Bearer`.
///    A token that is not an active access token of a user (unknown,
///    expired, revoked, a refresh token, a token without a subject, or not
///    a `b64token`): 401 `{"detail":"Invalid authentication credentials"}`
///    with `WWW-Authenticate: Bearer`.
/// 2. The query: `provider` a required string (an empty value is valid),
///    `org_id` a required integer. Failures: 422 with FastAPI's `detail`
///    list, `provider` before `org_id`.
/// 3. 200 `{"revoked":n}`. `org_id` is matched as the integer's decimal
///    form, so `org_id=01` matches the label `"1"`.
///
/// The store failing: 503 `{"detail":"Service Unavailable"}`.
async fn revoke<St: IntrospectionStore + SubjectRevocationStore>(
    State(store): State<St>,
    HttpBearer(token): HttpBearer,
    query: QueryParams,
) -> Result<Json<Revoked>, Response> {
    let user = authenticated_user(&store, &token).await?;
    let (provider, org_id) = (query.required_str("provider"), query.required_int("org_id"))
        .collect_errors()
        .map_err(IntoResponse::into_response)?;
    let org_id = org_id.to_string();
    let labels = [("provider", provider.as_str()), ("org_id", org_id.as_str())];
    let revoked = store
        .revoke_subject_tokens(&user, &labels)
        .await
        .map_err(|error| unavailable(&error))?;
    tracing::info!(%provider, %org_id, revoked, "provider tokens revoked");
    Ok(Json(Revoked { revoked }))
}

/// The subject of an active access token, or FastAPI's 401.
async fn authenticated_user<St: IntrospectionStore>(
    store: &St,
    token: &BearerToken,
) -> Result<String, Response> {
    match store.introspect(token.token()).await {
        Ok(Some(active)) if active.kind() == TokenKind::AccessToken => match active.sub() {
            Some(user) => Ok(user.to_owned()),
            None => Err(InvalidAuthenticationCredentials.into_response()),
        },
        Ok(_) => Err(InvalidAuthenticationCredentials.into_response()),
        Err(error) => Err(unavailable(&error)),
    }
}

fn unavailable(error: &dyn std::error::Error) -> Response {
    tracing::error!(%error, "token store failed");
    let body = Json(serde_json::json!({"detail": "Service Unavailable"}));
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}
