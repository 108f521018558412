//! The oauth-as contender of `scripts/loadbench`: oauth-as 1.0.1's OWN
//! RFC 7009 revocation and RFC 7662 introspection endpoints (its
//! `AuthorizationService`, turned into an axum `Router` by its `axum`
//! feature) over its OWN `MemoryStorage`, wired as its README's quickstart
//! and `examples/production_server.rs` do. Nothing of its request parsing or
//! client authentication is replaced.
//!
//! What this adds, as a host would:
//! - client `app1` registered with `AuthorizationServer::register_client`,
//!   its secret kept as `SecretHash::sha256` (the production example's way);
//! - the seed's tokens written with `Storage::put_token(IssuedToken::new(..))`,
//!   the constructor oauth-as documents for "a host seeding a store";
//! - `GET /me`, a handler calling `AuthorizationServer::introspect` on the
//!   Bearer token: 200 `{"client_id","sub"}` or 401.
//!
//! Left out on purpose, and why: the rate limiter (its default budget,
//! 6000 client authentications per client per minute, would turn most of a
//! load run into 401s), the event sink (nothing listens), the sweeper
//! (nothing expires during a run; its 60 s tick would pause the store's
//! mutex in the middle of one).
//!
//! Environment: `LOADBENCH_ADDR` (default `127.0.0.1:3100`),
//! `LOADBENCH_SEED` (the seed JSON file, the demo's format).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use oauth_as::client::{Client, ClientAuth, ClientId, SecretHash};
use oauth_as::grant::GrantType;
use oauth_as::http::ServiceBuilder;
use oauth_as::scope::ScopeSet;
use oauth_as::server::{AuthorizationServer, ServerConfig};
use oauth_as::store::{MemoryStorage, Storage};
use oauth_as::token::IssuedToken;

type Server = Arc<AuthorizationServer<MemoryStorage>>;

#[path = "../../seed.rs"]
mod seed;
use seed::Seed;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::var("LOADBENCH_ADDR").unwrap_or_else(|_| "127.0.0.1:3100".to_owned());
    let seed = Seed::from_env()?;

    // The issuer is where this app listens; oauth-as derives every route
    // from it. The two endpoints are put at the demo's paths through the
    // configuration fields oauth-as offers for them, so the load script
    // sends the same requests to both.
    let issuer = format!("http://{addr}");
    let mut config = ServerConfig::new(issuer.clone(), format!("{issuer}/device"));
    config.revocation_endpoint = Some(format!("{issuer}/oauth/revoke"));
    config.introspection_endpoint = Some(format!("{issuer}/oauth/introspect"));
    let server: Server = Arc::new(AuthorizationServer::new(config, MemoryStorage::new()));

    for client in &seed.clients {
        // Only confidential clients: the benchmark authenticates as app1.
        let Some(secret) = &client.client_secret else {
            continue;
        };
        server
            .register_client(Client {
                client_id: ClientId::new(client.client_id.as_str()),
                auth: ClientAuth::ConfidentialSecretHash {
                    hash: SecretHash::sha256(secret),
                },
                grant_types: vec![GrantType::ClientCredentials],
                redirect_uris: vec![],
                allowed_scopes: ScopeSet::empty(),
                default_scopes: ScopeSet::empty(),
                name: None,
                registration: None,
            })
            .await?;
    }

    // Live access tokens for a day: none expires during a run.
    let now = SystemTime::now();
    let expires_at = now + Duration::from_secs(86_400);
    for token in seed.tokens {
        let mut record = IssuedToken::new(
            token.token,
            ClientId::new(token.client_id),
            token.subject,
            ScopeSet::empty(),
            now,
            expires_at,
        );
        // When the grant was authorised: now (the default, the epoch, is
        // only ever refused by a standing revocation, and there is none).
        record.grant_established_at = now;
        let outcome = server.store().put_token(record).await?;
        if !outcome.is_applied() {
            return Err("oauth-as refused to store a seed token".into());
        }
    }

    // oauth-as's HTTP service; no subject resolver, consent or CSRF seam,
    // which only its interactive endpoints (authorize, device) need.
    let service = ServiceBuilder::new(Arc::clone(&server)).build()?;
    let router = Router::new()
        .route("/me", get(me).with_state(Arc::clone(&server)))
        .merge(Router::from(service));

    let listener = tokio::net::TcpListener::bind(&addr).await?;
    eprintln!("oauth-as-app listening on {addr}");
    axum::serve(listener, router).await?;
    Ok(())
}

/// `GET /me`: the Bearer token looked up with oauth-as's `introspect`
/// (unknown, revoked and expired tokens are `None`).
async fn me(State(server): State<Server>, headers: HeaderMap) -> Response {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "));
    let Some(token) = token else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    match server.introspect(token).await {
        Ok(Some(record)) => Json(serde_json::json!({
            "client_id": record.client_id.as_str(),
            "sub": record.subject,
        }))
        .into_response(),
        Ok(None) => StatusCode::UNAUTHORIZED.into_response(),
        Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}
