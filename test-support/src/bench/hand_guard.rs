//! The Bearer guard a user writes by hand with axum, which
//! `BearerAuthLayer` is measured against (benches `revoke` and
//! `guard_cache`): `from_fn_with_state`, the typed Bearer header, a
//! `HashMap` of users with no lock, the user cloned into the request. The
//! fastest check a user could write, with no revocation across instances.
//!
//! [`hand_guard`] is generic over the user, so that it is compiled into
//! each bench, as code the user wrote in their own crate would be.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum_extra::headers::authorization::Bearer;
use axum_extra::headers::Authorization;
use axum_extra::TypedHeader;
use std::collections::HashMap;
use std::sync::Arc;

/// What the hand-written guard tells the handler, as ours does (the
/// handler reads neither, here).
#[derive(Clone)]
#[allow(dead_code)]
pub struct User {
    client_id: String,
    subject: String,
}

impl User {
    /// `alice`, through the client `client_id`.
    pub fn alice(client_id: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            subject: "alice".to_owned(),
        }
    }
}

/// The middleware a user writes: the typed Bearer header, a map lookup,
/// the user in the request extensions.
pub async fn hand_guard<U: Clone + Send + Sync + 'static>(
    State(users): State<Arc<HashMap<String, U>>>,
    TypedHeader(Authorization(bearer)): TypedHeader<Authorization<Bearer>>,
    mut request: Request,
    next: Next,
) -> Response {
    match users.get(bearer.token()) {
        Some(user) => {
            request.extensions_mut().insert(user.clone());
            next.run(request).await
        }
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}
