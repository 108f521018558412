//! The baseline: what a user without tower-revoke writes. An axum `Router`
//! with one `POST /revoke` route, axum's `Form`, axum-extra's
//! `TypedHeader<Authorization<Basic>>`, and the tokens in a
//! `Mutex<HashMap>`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Form, Json, Router};
use axum_extra::headers::authorization::Basic;
use axum_extra::headers::Authorization;
use axum_extra::TypedHeader;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One token: its client and whether it was revoked.
pub struct Record {
    client_id: String,
    revoked: bool,
}

/// The handler's state: client secrets, and the tokens.
#[derive(Clone)]
pub struct AppState {
    clients: Arc<HashMap<String, String>>,
    tokens: Arc<Mutex<HashMap<String, Record>>>,
}

impl AppState {
    /// The same data as the `MemoryStore` seed: the client, a second
    /// client, and `tokens` issued to the first.
    pub fn new(tokens: &[String]) -> Self {
        let clients = [
            (super::fixture::CLIENT_ID, super::fixture::CLIENT_SECRET),
            ("other", "other-secret"),
        ];
        let tokens = tokens.iter().map(|token| {
            let record = Record {
                client_id: super::fixture::CLIENT_ID.to_owned(),
                revoked: false,
            };
            (token.clone(), record)
        });
        Self {
            clients: Arc::new(clients.map(|(id, s)| (id.to_owned(), s.to_owned())).into()),
            tokens: Arc::new(Mutex::new(tokens.collect())),
        }
    }

    /// Whether `token` is stored and revoked.
    pub fn is_revoked(&self, token: &str) -> bool {
        let tokens = self.tokens.lock().unwrap();
        tokens.get(token).is_some_and(|record| record.revoked)
    }
}

#[derive(serde::Deserialize)]
pub struct RevokeForm {
    token: String,
    #[allow(dead_code)] // read and ignored, as RFC 7009 allows
    token_type_hint: Option<String>,
}

async fn revoke(
    State(state): State<AppState>,
    TypedHeader(Authorization(basic)): TypedHeader<Authorization<Basic>>,
    Form(form): Form<RevokeForm>,
) -> Result<Json<serde_json::Value>, StatusCode> {
    let authenticated = state
        .clients
        .get(basic.username())
        .is_some_and(|secret| secret == basic.password());
    if !authenticated {
        return Err(StatusCode::UNAUTHORIZED);
    }
    let mut tokens = state.tokens.lock().unwrap();
    if let Some(record) = tokens.get_mut(&form.token) {
        if record.client_id == basic.username() {
            record.revoked = true;
        }
    }
    Ok(Json(serde_json::json!({})))
}

/// The app: `POST /revoke` and nothing else.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/revoke", post(revoke))
        .with_state(state)
}
