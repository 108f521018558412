//! The application under test: a store seeded for the endpoint's rules, and
//! an axum app whose fallback records what reaches it, with the layer in
//! front.

use crate::support::reply::Reply;
use crate::support::request::{form, Req};
use axum::body::Body;
use axum::extract::Request as AxumRequest;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, Method, Response, StatusCode, Uri};
use std::sync::{Arc, Mutex};
use tower_revoke::{MemoryStore, RevocationEndpointLayer, RevocationStore};

/// `examples/seed.json`, plus a client whose secret holds a `+`.
pub const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "0th3r-s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "plus", "client_secret": "pa+ss"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "subject": "bob"},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "PAT1", "type": "access_token", "client_id": "pub1", "subject": "carol"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "subject": "dave"},
    {"token": "PLUS1", "type": "access_token", "client_id": "plus"},
    {"token": "JWTG1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "XRT", "type": "refresh_token", "client_id": "app1", "grant_id": "G3", "expires_at": 1000},
    {"token": "XAT", "type": "access_token", "client_id": "app1", "grant_id": "G3", "subject": "erin"}
  ]
}"#;

/// A fresh store loaded from [`SEED`]; its clones share its state.
pub fn store() -> MemoryStore {
    MemoryStore::from_seed_json(SEED).expect("the test seed loads")
}

/// A form POST to `/revoke` with `body`.
pub fn revoke(body: &str) -> Req {
    form("/revoke", body.to_owned())
}

/// A form POST to `/revoke` with `body`, `app1` authenticating with Basic.
pub fn as_app1(body: &str) -> Req {
    revoke(body).basic("app1", "s3cr3t")
}

/// A request the application's own code received.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Seen {
    fn new(parts: Parts, body: Bytes) -> Self {
        Self {
            method: parts.method,
            uri: parts.uri,
            headers: parts.headers,
            body,
        }
    }

    /// What the application should see if `request` reaches it.
    pub fn of(request: &Req) -> Self {
        let (parts, body) = request.buffered().into_parts();
        Self::new(parts, body)
    }
}

/// The application behind the layer: `GET /` answers `home`; any other
/// request reaches a fallback that records it and answers 418 with headers
/// the endpoint would never send.
#[derive(Clone, Default)]
pub struct Inner {
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The fallback's answer, to recognise an untouched inner response.
const INNER_BODY: &str = "answered by the application";

impl Inner {
    /// The application's routes and fallback, without the layer.
    pub fn router(&self) -> Router {
        let seen = Arc::clone(&self.seen);
        Router::new()
            .route("/", get(|| async { "home" }))
            .fallback(move |request: AxumRequest| {
                let seen = Arc::clone(&seen);
                async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                    seen.lock().unwrap().push(Seen::new(parts, body));
                    Response::builder()
                        .status(StatusCode::IM_A_TEAPOT)
                        .header("x-inner", "fallback")
                        .header("cache-control", "public, max-age=60")
                        .body(Body::from(INNER_BODY))
                        .unwrap()
                }
            })
    }

    /// The requests the fallback received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Asserts that `reply` came from [`Inner`]'s fallback, untouched.
#[track_caller]
pub fn assert_from_inner(reply: &Reply) {
    let headers = [
        ("x-inner", "fallback"),
        ("cache-control", "public, max-age=60"),
    ];
    reply.assert(418, INNER_BODY.as_bytes(), &headers);
}

/// The application with `layer` added by `Router::layer` after its routes
/// and fallback, as the endpoint's docs recommend.
pub fn app<St: RevocationStore>(layer: RevocationEndpointLayer<St>) -> (Router, Inner) {
    let inner = Inner::default();
    (inner.router().layer(layer), inner)
}

/// A fresh [`store`], and the application in front of it with the default
/// layer.
pub fn default_app() -> (MemoryStore, Router, Inner) {
    let store = store();
    let (router, inner) = app(RevocationEndpointLayer::new(store.clone()));
    (store, router, inner)
}

/// Sends `request` to a fresh [`default_app`]; returns its store and the
/// reply.
pub async fn send_fresh(request: Req) -> (MemoryStore, Reply) {
    let (store, app, _) = default_app();
    (store, request.send(&app).await)
}
