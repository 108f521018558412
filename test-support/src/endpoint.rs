//! The seeded store of the revocation endpoint's and the Bearer guard's
//! tests, and revocation requests to `/revoke`.

use crate::request::{form, Req};
use tower_revoke::MemoryStore;

/// `examples/seed.json`, plus a client whose secret holds a `+`, tokens
/// outside any grant, a JWT in grant `G1` and grant `G3` whose refresh
/// token has expired.
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
