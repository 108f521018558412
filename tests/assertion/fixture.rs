//! The application under test: clients with keys (`keyed` has keys only,
//! `both` a secret too), `app1` with a secret only, `pub1` public; the
//! revocation and introspection endpoints accepting `private_key_jwt`
//! beside the RFC methods, served on loopback.

use crate::support::assertion::{self, INTROSPECTION_URL, REVOCATION_URL, TOKEN_URL};
use crate::support::jwt::ISSUER;
use crate::support::request::{form, Req};
use crate::support::wire::{serve, Server};
use axum::Router;
use tower_revoke::jwt::ClientAssertionVerifier;
use tower_revoke::request::RequestReader;
use tower_revoke::{IntrospectionEndpointLayer, MemoryStore, RevocationEndpointLayer};

/// Tokens `AT0`..`AT9` of `keyed`, `BT1` of `both`, `PT1` of `app1`.
pub fn store() -> MemoryStore {
    let jwks = assertion::jwks();
    let tokens: Vec<String> = (0..10)
        .map(|i| format!(r#"{{"token": "AT{i}", "type": "access_token", "client_id": "keyed", "subject": "alice"}}"#))
        .collect();
    let seed = format!(
        r#"{{"clients": [
            {{"client_id": "keyed", "jwks": {jwks}}},
            {{"client_id": "both", "client_secret": "b0th-s3cr3t", "jwks": {jwks}}},
            {{"client_id": "app1", "client_secret": "s3cr3t"}},
            {{"client_id": "pub1"}}
          ],
          "tokens": [{},
            {{"token": "BT1", "type": "access_token", "client_id": "both"}},
            {{"token": "PT1", "type": "access_token", "client_id": "app1"}}
          ]}}"#,
        tokens.join(",")
    );
    MemoryStore::from_seed_json(&seed).expect("the assertion seed loads")
}

/// The verifier of the tests: issuer [`ISSUER`], the three endpoint URLs.
pub fn verifier(store: &MemoryStore) -> ClientAssertionVerifier {
    ClientAssertionVerifier::new(ISSUER, store.clone())
        .token_endpoint(TOKEN_URL)
        .revocation_endpoint(REVOCATION_URL)
        .introspection_endpoint(INTROSPECTION_URL)
}

/// `/revoke` and `/introspect` in front of an empty router, reading with
/// `reader`.
pub fn app(store: &MemoryStore, reader: RequestReader) -> Router {
    let revoke = RevocationEndpointLayer::new(store.clone()).reader(reader.clone());
    let introspect = IntrospectionEndpointLayer::new(store.clone())
        .path("/introspect")
        .resource_servers(["keyed"])
        .reader(reader);
    Router::new().layer(revoke).layer(introspect)
}

/// The app with `verifier`, served.
pub async fn server_with(store: &MemoryStore, verifier: ClientAssertionVerifier) -> Server {
    serve(app(
        store,
        RequestReader::default().client_assertions(verifier),
    ))
    .await
}

/// A fresh store and the default app over it, served.
pub async fn server() -> (MemoryStore, Server) {
    let store = store();
    let server = server_with(&store, verifier(&store)).await;
    (store, server)
}

/// A revocation of `token` authenticated by `assertion`.
pub fn revoke(assertion: &str, token: &str) -> Req {
    form(
        "/revoke",
        assertion::form(assertion, &format!("token={token}")),
    )
}
