//! The example apps (`src/<name>.rs`) as their tests drive them:
//! a fresh store from the example's seed, `GET /me` behind the Bearer
//! guard, and which seeded tokens a request revoked.

use crate::support::reply::Reply;
use crate::support::request::{get, Req};
use axum::body::Body;
use axum::Router;
use http::{Request, Response};
use std::convert::Infallible;
use tower::Service;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;

/// The demo's revocation answers vary by `Origin`: its endpoint has CORS
/// on, from the seed's `allowed_origins` (issue 15).
pub const VARY_ORIGIN: (&str, &str) = ("vary", "origin");

/// What an example serves: a `Router`, or the demo's `App` (its router
/// wrapped whole by the endpoints).
pub trait App:
    Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone
{
}

impl<T> App for T where
    T: Service<Request<Body>, Response = Response<Body>, Error = Infallible> + Clone
{
}

/// An example app under test.
pub struct Example<A = Router> {
    /// The seed file its store is loaded from.
    pub seed: &'static str,
    /// Its app on a store.
    pub app: fn(BoxStore) -> A,
    /// The seeded tokens that are active before any request.
    pub active: &'static [&'static str],
}

impl<A: App> Example<A> {
    /// A fresh store from the seed, and the example's app on it.
    pub fn start(&self) -> (MemoryStore, A) {
        let store = MemoryStore::from_seed_file(self.seed).expect("the example seed loads");
        (store.clone(), (self.app)(BoxStore::new(store)))
    }

    /// Asserts that, of the tokens active at the start, exactly those in
    /// `revoked` are no longer active.
    #[track_caller]
    pub fn assert_only_revoked(&self, store: &MemoryStore, revoked: &[&str]) {
        for token in self.active {
            let active = !revoked.contains(token);
            assert_eq!(store.is_active(token), active, "{token}");
        }
    }

    /// Asserts that a fresh app refuses each of `requests` with an RFC 6749
    /// §5.2 error of this status and code, and exactly these extra headers,
    /// and revokes nothing. Returns the replies.
    pub async fn assert_refused(
        &self,
        requests: impl IntoIterator<Item = Req>,
        status: u16,
        code: &str,
        extra: &[(&str, &str)],
    ) -> Vec<Reply> {
        let (store, app) = self.start();
        let mut replies = Vec::new();
        for request in requests {
            let reply = request.send(&app).await;
            reply.assert_error_code(status, code, extra);
            replies.push(reply);
        }
        self.assert_only_revoked(&store, &[]);
        replies
    }
}

/// `GET /me` with `Authorization: Bearer <token>`.
pub fn me(token: &str) -> Req {
    get("/me").bearer(token)
}

/// Asserts that `GET /me` with `token` answers 200 JSON with its subject
/// and client.
pub async fn assert_me(app: &impl App, token: &str, sub: &str, client_id: &str) {
    let body = format!(r#"{{"client_id":"{client_id}","sub":"{sub}"}}"#);
    let reply = me(token).send(app).await;
    reply.assert(
        200,
        body.as_bytes(),
        &[("content-type", "application/json")],
    );
}
