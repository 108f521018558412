//! The contenders that pay for tower-revoke on every request: a request to
//! another path through an axum `Router` with the layer mounted as the
//! README says, and a protected request through the Bearer guard, each
//! beside the same `Router` without them and, for the guard, beside the
//! middleware a user writes by hand (`axum::middleware::from_fn`, axum-extra's
//! `TypedHeader<Authorization<Bearer>>`, a `HashMap`).

use super::contenders::{Contender, Fixed};
use super::fixture::{self, Requests};
use axum::body::Body;
use axum::middleware;
use axum::routing::get;
use axum::Router;
use http::header::AUTHORIZATION;
use http::{HeaderValue, StatusCode};
use std::collections::HashMap;
use std::sync::Arc;
use tower_revoke::{BearerAuthLayer, MemoryStore, RevocationEndpointLayer};
use tower_revoke_test_support::bench::hand_guard::{hand_guard, User};

/// Active access tokens behind the guard figures.
const GUARD_TOKENS: usize = 1_000;

/// The application: one route, for the request to another path.
fn app() -> Router {
    Router::new().route("/api/items", get(|| async { "items" }))
}

/// The application's protected route, without any guard.
fn me() -> Router {
    Router::new().route("/me", get(|| async { "me" }))
}

/// How the revocation endpoint is mounted in front of the application.
#[derive(Debug, Clone, Copy)]
pub enum Mount {
    /// Not at all.
    Plain,
    /// `Router::layer(RevocationEndpointLayer)`, as the README's quickstart.
    Layered,
    /// `Router::layer(Identity)`: what `Router::layer` costs by itself.
    Identity,
    /// The whole `Router` wrapped: `RevocationEndpointLayer.layer(router)`.
    Wrapped,
}

/// `GET /api/items` through the one-route `Router`, mounted as `mount`.
pub fn other_path(requests: &Arc<Requests>, mount: Mount) -> Box<dyn Contender> {
    let endpoint = || RevocationEndpointLayer::new(MemoryStore::new());
    let requests = Arc::clone(requests);
    let make = move |_| requests.other_path();
    match mount {
        Mount::Plain => Box::new(Fixed::new(app(), StatusCode::OK, make)),
        Mount::Layered => Box::new(Fixed::new(app().layer(endpoint()), StatusCode::OK, make)),
        Mount::Identity => {
            let router = app().layer(tower::layer::util::Identity::new());
            Box::new(Fixed::new(router, StatusCode::OK, make))
        }
        Mount::Wrapped => {
            let service = tower::Layer::layer(&endpoint(), app());
            Box::new(Fixed::new(service, StatusCode::OK, make))
        }
    }
}

/// The protected route: bare, behind `BearerAuthLayer` on a `MemoryStore`,
/// or behind the hand-written middleware.
#[derive(Debug, Clone, Copy)]
pub enum Guard {
    /// No guard: the cost both guards are measured above.
    Bare,
    /// A layer that does nothing (`tower::layer::util::Identity`): what
    /// axum's `Router::layer` costs by itself, whatever the layer.
    Identity,
    /// `BearerAuthLayer`.
    Ours,
    /// `from_fn` + `TypedHeader<Authorization<Bearer>>` + a `HashMap`.
    Hand,
}

/// `GET /me` with an active access token, through `guard`.
pub fn protected(guard: Guard) -> Box<dyn Contender> {
    let tokens = fixture::tokens(u64::MAX - 2, GUARD_TOKENS);
    let router = match guard {
        Guard::Bare => me(),
        Guard::Identity => me().layer(tower::layer::util::Identity::new()),
        Guard::Ours => {
            let store = MemoryStore::from_seed_json(&fixture::seed_json(&tokens));
            me().layer(BearerAuthLayer::new(store.expect("the seed is valid")))
        }
        Guard::Hand => {
            let users: HashMap<_, _> = tokens
                .iter()
                .map(|t| (t.clone(), User::alice(fixture::CLIENT_ID)))
                .collect();
            me().layer(middleware::from_fn_with_state(Arc::new(users), hand_guard))
        }
    };
    let bearer: Vec<HeaderValue> = tokens
        .iter()
        .map(|t| HeaderValue::from_str(&format!("Bearer {t}")).unwrap())
        .collect();
    Box::new(Fixed::new(router, StatusCode::OK, move |i| {
        let mut request = http::Request::get("/me").body(Body::empty()).unwrap();
        let value = fixture::fresh(&bearer[i % bearer.len()]);
        request.headers_mut().insert(AUTHORIZATION, value);
        request
    }))
}
