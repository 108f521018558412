//! The application under test: a store seeded for the endpoint's rules
//! (test-support's, which the guard's tests share), and an axum app whose
//! fallback records what reaches it, with the layer in front.

pub use crate::support::endpoint::{as_app1, revoke, store};
use crate::support::reply::Reply;
use crate::support::request::Req;
use axum::body::Body;
use axum::extract::Request as AxumRequest;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::request::Parts;
use http::{HeaderMap, Method, Response, StatusCode, Uri};
use std::sync::{Arc, Mutex};
use tower_revoke::{MemoryStore, RevocationEndpointLayer, RevocationStore};

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
