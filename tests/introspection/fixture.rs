//! The application under test: a store seeded for the rules, and an axum
//! app with the revocation and introspection endpoints in front of a
//! fallback that counts what reaches it.

/// A form POST to `/revoke` with `body`, `app1` authenticating with Basic.
pub use crate::support::endpoint::as_app1 as revoke_as_app1;
use crate::support::reply::Reply;
use crate::support::request::{form, Req};
use axum::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tower_revoke::{
    IntrospectionEndpointLayer, IntrospectionStore, MemoryStore, RevocationEndpointLayer,
    RevocationStore,
};

/// Clients `app1` and `app2` (confidential), `pub1` (public) and `rs1`, a
/// resource server allowed to introspect every token.
pub const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "0th3r-s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "rs1", "client_secret": "rs-s3cr3t"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice", "expires_at": 4102444800},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "subject": "bob"},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "PAT1", "type": "access_token", "client_id": "pub1", "subject": "carol"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "subject": "dave"}
  ]
}"#;

/// A fresh store loaded from [`SEED`].
pub fn store() -> MemoryStore {
    MemoryStore::from_seed_json(SEED).expect("the test seed loads")
}

/// The default introspection layer of the tests: `rs1` sees every token.
pub fn layer<St: RevocationStore + IntrospectionStore>(
    store: St,
) -> IntrospectionEndpointLayer<St> {
    IntrospectionEndpointLayer::new(store).resource_servers(["rs1"])
}

/// Counts the requests that reached the application behind the layers.
#[derive(Clone, Default)]
pub struct Reached(Arc<AtomicUsize>);

impl Reached {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// `/revoke` and `/introspect` on `store`, introspection configured by
/// `introspection`, in front of a fallback answering 418.
pub fn app_with<St>(store: St, introspection: IntrospectionEndpointLayer<St>) -> (Router, Reached)
where
    St: RevocationStore + IntrospectionStore + Clone,
{
    let reached = Reached::default();
    let counter = reached.clone();
    let router = Router::new()
        .fallback(move || {
            counter.0.fetch_add(1, Ordering::SeqCst);
            async { (http::StatusCode::IM_A_TEAPOT, "answered by the application") }
        })
        .layer(RevocationEndpointLayer::new(store))
        .layer(introspection);
    (router, reached)
}

/// A fresh store and the app on it with the default [`layer`].
pub fn app() -> (MemoryStore, Router, Reached) {
    let store = store();
    let (router, reached) = app_with(store.clone(), layer(store.clone()));
    (store, router, reached)
}

/// A form POST to `/introspect` with `body`.
pub fn introspect(body: &str) -> Req {
    form("/introspect", body.to_owned())
}

/// A form POST to `/introspect` with `body`, `id` authenticating with Basic.
pub fn introspect_as(id: &str, body: &str) -> Req {
    let secret = match id {
        "app1" => "s3cr3t",
        "app2" => "0th3r-s3cr3t",
        "rs1" => "rs-s3cr3t",
        other => panic!("no secret for {other}"),
    };
    introspect(body).basic(id, secret)
}

/// Introspects `token` as `app1` through `app`.
pub async fn introspect_token(app: &Router, token: &str) -> Reply {
    introspect_as("app1", &format!("token={token}"))
        .send(app)
        .await
}
