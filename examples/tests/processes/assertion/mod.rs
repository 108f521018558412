//! `private_key_jwt` (RFC 7523) at the demo as a process, on every store it
//! runs on: Python's authlib signing the assertions ([`authlib`]), and
//! assertions replayed to a second instance sharing the store or after a
//! restart ([`replay`]).
//!
//! Every test brings its own keys: a seed file ([`KeyedSeed`]) registers
//! the client `keyed` with the public halves of test-support's test keys
//! (`test-support/keys/`: RSA, P-256, Ed25519) and no secret, and gives it
//! access tokens. After each test the store is read directly: its tokens
//! (revoked or not, at `/me` and introspection) and, on the durable
//! stores, the used assertions it recorded: exactly those the demo
//! accepted.

use crate::demo::Demo;
use crate::token::stores::{hex, Store};
use http::{Method, Request};
use http_body_util::Full;
use std::collections::BTreeSet;
use tower_revoke::client::ClientId;
use tower_revoke::store::AssertionDigest;
use tower_revoke_examples::demo::{ASSERTION_STRICT_VAR, INTROSPECT_PATH, REVOKE_PATH};
use tower_revoke_test_support::assertion;
use tower_revoke_test_support::reply::Reply;
use tower_revoke_test_support::{challenge, desc};

mod authlib;
mod replay;

/// The client of the tests: keys only, no secret.
pub const CLIENT: &str = "keyed";

/// A seed file: client `keyed` with test-support's public JWK Set and no
/// secret, and its access tokens `{prefix}-0`, `{prefix}-1`, ... (subject
/// `kim`); removed on drop.
pub struct KeyedSeed {
    pub path: std::path::PathBuf,
    pub tokens: Vec<String>,
}

impl KeyedSeed {
    pub fn write(prefix: &str, count: usize) -> Self {
        let tokens: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
        let entries: Vec<_> = tokens
            .iter()
            .map(|token| {
                serde_json::json!({
                    "token": token, "type": "access_token", "client_id": CLIENT, "subject": "kim"
                })
            })
            .collect();
        let jwks: serde_json::Value = serde_json::from_str(&assertion::jwks()).unwrap();
        let document = serde_json::json!({
            "clients": [{"client_id": CLIENT, "jwks": jwks}],
            "tokens": entries,
        });
        let path = std::env::temp_dir().join(format!("{prefix}.seed.json"));
        std::fs::write(&path, document.to_string()).expect("write the seed file");
        Self { path, tokens }
    }

    pub fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for KeyedSeed {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// `POST path` at `demo`, authenticated by `assertion`, with the form
/// parameters `rest`.
pub async fn post(demo: &Demo, path: &str, assertion: &str, rest: &str) -> Reply {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Full::from(assertion::form(assertion, rest)))
        .unwrap();
    let answer = demo.send(request).await;
    let answer = answer.unwrap_or_else(|e| panic!("no answer to POST {path}: {e}"));
    answer.into_reply(Method::POST).await
}

/// `POST /oauth/revoke` of `token`, authenticated by `assertion`.
pub async fn revoke(demo: &Demo, assertion: &str, token: &str) -> Reply {
    post(demo, REVOKE_PATH, assertion, &format!("token={token}")).await
}

/// Asserts the demo's answer to an assertion it refuses: 401
/// `invalid_client`, exactly as for a wrong secret.
pub fn assert_refused(reply: &Reply) {
    assert_refused_with(reply, &[]);
}

/// [`assert_refused`], with the `extra` headers of the endpoint.
pub fn assert_refused_with(reply: &Reply, extra: &[(&str, &str)]) {
    let challenge = [("www-authenticate", challenge::BASIC)];
    let headers: Vec<_> = challenge.iter().chain(extra).copied().collect();
    reply.assert_error(401, "invalid_client", desc::AUTH_FAILED, &headers);
}

/// Asserts that `token` is live: 200 at `/me` for kim, and active at
/// introspection (authenticated by a fresh assertion, which `used`
/// records).
pub async fn assert_live(demo: &Demo, token: &str, used: &mut Used) {
    crate::token::assert_me_of(demo, token, CLIENT, "kim").await;
    let facts = introspect(demo, token, used).await.assert_active();
    assert_eq!(facts["client_id"], CLIENT, "{token}: {facts:?}");
}

/// Asserts that `token` is revoked: refused at `/me` and inactive at
/// introspection (authenticated by a fresh assertion, which `used`
/// records).
pub async fn assert_revoked(demo: &Demo, token: &str, used: &mut Used) {
    let status = demo.me_status(token).await;
    assert_eq!(status, 401, "{token} is refused at /me");
    introspect(demo, token, used).await.assert_inactive();
}

async fn introspect(demo: &Demo, token: &str, used: &mut Used) -> Reply {
    let fresh = used.fresh();
    let reply = post(demo, INTROSPECT_PATH, &fresh, &format!("token={token}")).await;
    used.accepted(&fresh);
    reply
}

/// The assertions a test had the demo accept, to find them, and no
/// other, in the store.
#[derive(Default)]
pub struct Used(BTreeSet<String>);

impl Used {
    /// A fresh EdDSA assertion of `keyed` for the issuer
    /// (`https://as.example`, the tests' `TOWER_REVOKE_ISSUER`), valid a
    /// minute; not recorded yet.
    pub fn fresh(&self) -> String {
        assertion::assertion(CLIENT)
    }

    /// Records that the demo accepted `assertion`.
    pub fn accepted(&mut self, assertion: &str) {
        self.accepted_jti(CLIENT, &jti_of(assertion));
    }

    /// Records that the demo accepted an assertion of `client` with `jti`.
    pub fn accepted_jti(&mut self, client: &str, jti: &str) {
        let client = ClientId::new(client).unwrap();
        let digest = AssertionDigest::of(&client, jti);
        self.0.insert(hex(digest.as_bytes()));
    }

    /// Asserts that the durable store `store` recorded exactly the
    /// assertions accepted (none of those refused, each accepted one
    /// once); nothing to read on the memory store.
    pub async fn assert_recorded_in(&self, store: &Store) {
        if let Some(recorded) = store.used_assertions().await {
            assert_eq!(recorded, self.0, "the used assertions the store holds");
        }
    }
}

/// The `jti` of `assertion`, read without verifying it.
fn jti_of(assertion: &str) -> String {
    use base64::Engine;
    let payload = assertion.split('.').nth(1).expect("a JWT");
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("base64url");
    let claims: serde_json::Value = serde_json::from_slice(&payload).expect("JSON claims");
    claims["jti"].as_str().expect("a jti").to_owned()
}

/// The variables of a demo whose issuer is the tests' (`https://as.example`,
/// what test-support's assertions name as `aud`): the same for every
/// instance on one store, and across a restart, as behind one public name.
pub const ISSUER: (&str, &str) = (
    "TOWER_REVOKE_ISSUER",
    tower_revoke_test_support::jwt::ISSUER,
);

/// A value of `TOWER_REVOKE_CLIENT_ASSERTION_STRICT` other than `true` or
/// `false` stops the demo before it serves: exit status 1 and one line
/// naming the variable and what it takes.
#[tokio::test]
async fn a_strict_value_other_than_true_or_false_stops_the_demo() {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_tower-revoke-demo"))
        .env("TOWER_REVOKE_ADDR", "127.0.0.1:0")
        .env(ASSERTION_STRICT_VAR, "yes")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output()
        .await
        .expect("run tower-revoke-demo");
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    let expected = format!(
        "error: {ASSERTION_STRICT_VAR}=\"yes\": expected true (the rfc7523bis rules) or false"
    );
    assert_eq!(said.trim_end(), expected);
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(!printed.contains("listening on"), "{printed}");
}
