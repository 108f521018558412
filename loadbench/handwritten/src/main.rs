//! The hand-written contender of `scripts/loadbench`: the least an axum app
//! can do on the same routes, as a floor for the other two.
//!
//! A raw `HashMap<String, Token>` behind one `RwLock`. Of RFC 7009 it keeps
//! only a comparison of `Authorization: Basic` with the seed's client
//! secrets and a `token` form field: no digests, no constant-time compare,
//! no ownership check, no token_type_hint, no error bodies of RFC 6749 §5.2.
//! - `POST /oauth/revoke`: flags the token revoked, 200 `{}`;
//! - `POST /oauth/introspect`: `{"active":true,...}` or `{"active":false}`;
//! - `GET /me`: Bearer lookup, 200 `{"client_id","sub"}` or 401.
//!
//! Environment: `LOADBENCH_ADDR` (default `127.0.0.1:3200`),
//! `LOADBENCH_SEED` (the seed JSON file, the demo's format).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use base64::Engine as _;
use serde::Deserialize;

#[path = "../../seed.rs"]
mod seed;
use seed::Seed;

/// One token, as held in the map.
struct Token {
    client_id: String,
    subject: Option<String>,
    revoked: bool,
}

struct App {
    /// client_id -> secret, confidential clients only.
    clients: HashMap<String, String>,
    tokens: RwLock<HashMap<String, Token>>,
}

type Shared = Arc<App>;

/// The `token` form field of revocation and introspection.
#[derive(Deserialize)]
struct TokenForm {
    token: String,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("LOADBENCH_ADDR").unwrap_or_else(|_| "127.0.0.1:3200".to_owned());
    let seed = Seed::from_env()?;

    let clients = seed
        .clients
        .into_iter()
        .filter_map(|c| Some((c.client_id, c.client_secret?)))
        .collect();
    let tokens = seed
        .tokens
        .into_iter()
        .map(|t| {
            let token = Token {
                client_id: t.client_id,
                subject: t.subject,
                revoked: false,
            };
            (t.token, token)
        })
        .collect();
    let app = Arc::new(App {
        clients,
        tokens: RwLock::new(tokens),
    });

    let router = Router::new()
        .route("/oauth/revoke", post(revoke))
        .route("/oauth/introspect", post(introspect))
        .route("/me", get(me))
        .with_state(app);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("handwritten listening on {addr}");
    axum::serve(listener, router).await?;
    Ok(())
}

/// Whether `Authorization: Basic` names a seed client with its secret.
fn client_authenticated(app: &App, headers: &HeaderMap) -> bool {
    let Some(encoded) = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Basic "))
    else {
        return false;
    };
    let Ok(decoded) = base64::engine::general_purpose::STANDARD.decode(encoded) else {
        return false;
    };
    let Ok(decoded) = std::str::from_utf8(&decoded) else {
        return false;
    };
    match decoded.split_once(':') {
        Some((id, secret)) => app.clients.get(id).is_some_and(|s| s == secret),
        None => false,
    }
}

async fn revoke(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if !client_authenticated(&app, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    if let Some(token) = app.tokens.write().unwrap().get_mut(&form.token) {
        token.revoked = true;
    }
    Json(serde_json::json!({})).into_response()
}

async fn introspect(
    State(app): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    if !client_authenticated(&app, &headers) {
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let tokens = app.tokens.read().unwrap();
    let body = match tokens.get(&form.token) {
        Some(t) if !t.revoked => serde_json::json!({
            "active": true,
            "client_id": t.client_id,
            "sub": t.subject,
            "token_type": "Bearer",
        }),
        _ => serde_json::json!({"active": false}),
    };
    Json(body).into_response()
}

async fn me(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let tokens = app.tokens.read().unwrap();
    match token.and_then(|t| tokens.get(t)) {
        Some(t) if !t.revoked => Json(serde_json::json!({
            "client_id": t.client_id,
            "sub": t.subject,
        }))
        .into_response(),
        _ => StatusCode::UNAUTHORIZED.into_response(),
    }
}
