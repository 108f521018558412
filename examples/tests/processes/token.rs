//! The demo's token endpoint, `POST /oauth/token` (issue 19), as a process
//! on SQLite, PostgreSQL and Redis, over HTTP: what it issues works at
//! `/me` and at introspection, a refresh token rotates, a rotated one
//! presented again ends its grant (unless within
//! `TOWER_REVOKE_REFRESH_GRACE`), and revocation ends an issued token
//! ([`rules`]); issued, rotated and revoked tokens keep their state across
//! a restart on SQLite and PostgreSQL ([`restart`]); a second instance on
//! PostgreSQL and Redis sees what the first issued and rotated
//! ([`two_instances`]); and no dump of the store holds an issued token or a
//! client secret ([`dumps`]).
//!
//! Every test runs on a store of its own (a SQLite file, a PostgreSQL
//! database, a redis-server), seeded from the demo's `examples/seed.json`:
//! client `app1` (secret `s3cr3t`) and grant `G1` of `alice`, access token
//! `AT1`, refresh token `RT1`. The server rule is [`crate::services::url`]'s.

use crate::demo::Demo;
use http::Method;
use serde_json::Value;
use tower_revoke_examples::demo::{INTROSPECT_PATH, REVOKE_PATH};
use tower_revoke_examples::token::TOKEN_PATH;
use tower_revoke_test_support::reply::Reply;
use tower_revoke_test_support::{challenge, desc, JSON};

/// One test per store: `scenario(store)` on a fresh store of that kind,
/// in the test's turn ([`stores::Store::open`]), unless it is skipped.
/// With `python`, `scenario(store, python)`, the interpreter of
/// `TOWER_REVOKE_TEST_PYTHON` ([`crate::authlib::PYTHON`]), under the same
/// skip rule.
macro_rules! on_stores {
    ($scenario:path: $($test:ident => $kind:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            use crate::token::stores::{Kind, Store};
            if let Some(store) = Store::open(Kind::$kind, stringify!($test)).await {
                $scenario(store).await;
            }
        }
    )+};
    (python $scenario:path: $($test:ident => $kind:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            use crate::token::stores::{Kind, Store};
            let test = stringify!($test);
            let Some(python) = crate::services::url(crate::authlib::PYTHON, test) else {
                return;
            };
            if let Some(store) = Store::open(Kind::$kind, test).await {
                $scenario(store, python).await;
            }
        }
    )+};
}

mod dumps;
mod restart;
mod rules;
pub mod stores;
mod two_instances;

/// The demo's `Vary` on the revocation endpoint's answers (its CORS).
pub const VARY_ORIGIN: (&str, &str) = ("vary", "origin");

/// What one answer of the token endpoint issued.
pub struct Issued {
    pub access: String,
    pub refresh: String,
}

/// `POST /oauth/token` as `app1` with the form `body`.
pub async fn token(demo: &Demo, body: &str) -> Reply {
    post(demo, TOKEN_PATH, body.to_owned()).await
}

/// `POST /oauth/introspect` as `app1` for `token`.
pub async fn introspect(demo: &Demo, token: &str) -> Reply {
    post(demo, INTROSPECT_PATH, format!("token={token}")).await
}

/// `POST /oauth/revoke` as `app1` for `token`.
pub async fn revoke(demo: &Demo, token: &str) -> Reply {
    post(demo, REVOKE_PATH, format!("token={token}")).await
}

async fn post(demo: &Demo, path: &str, body: String) -> Reply {
    let answer = demo.post_as_app1(path, body).await;
    let answer = answer.unwrap_or_else(|e| panic!("no answer to POST {path}: {e}"));
    answer.into_reply(Method::POST).await
}

/// A `client_credentials` grant: a new access token of `app1` for itself.
pub async fn client_credentials(demo: &Demo) -> String {
    let reply = token(demo, "grant_type=client_credentials").await;
    let members = issued(&reply);
    assert!(!members.contains_key("refresh_token"), "RFC 6749 §4.4.3");
    text(&members, "access_token")
}

/// `refresh_token` rotated: its successors, new access and refresh tokens.
pub async fn refresh(demo: &Demo, refresh_token: &str) -> Issued {
    let body = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let members = issued(&token(demo, &body).await);
    let successor = text(&members, "refresh_token");
    assert_ne!(successor, refresh_token, "a new refresh token");
    Issued {
        access: text(&members, "access_token"),
        refresh: successor,
    }
}

/// Asserts that presenting `refresh_token` is refused: 400 `invalid_grant`
/// (RFC 6749 §5.2), JSON, `no-store`.
pub async fn refused(demo: &Demo, refresh_token: &str) {
    let body = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let reply = token(demo, &body).await;
    reply.assert_error_code(400, "invalid_grant", &[]);
    reply.assert_hides(&[refresh_token, "s3cr3t"]);
}

/// Asserts the RFC 6749 §5.1 answer of an opaque token ([`answered`], the
/// access token 256 random bits in base64url) and returns its members.
fn issued(reply: &Reply) -> serde_json::Map<String, Value> {
    let members = answered(reply);
    assert_eq!(text(&members, "access_token").len(), 43, "base64url");
    members
}

/// Asserts the RFC 6749 §5.1 answer (200 JSON, `no-store` and `no-cache`
/// and nothing else, a Bearer token valid for an hour, no other member)
/// and returns its members.
pub fn answered(reply: &Reply) -> serde_json::Map<String, Value> {
    reply.assert(200, &reply.body, JSON);
    let body = reply.json();
    let members = body.as_object().expect("a JSON object").clone();
    assert_eq!(members["token_type"], "Bearer", "{reply:?}");
    assert_eq!(members["expires_in"], 3600, "{reply:?}");
    let known = ["access_token", "token_type", "expires_in", "refresh_token"];
    assert!(
        members.keys().all(|k| known.contains(&k.as_str())),
        "{reply:?}"
    );
    members
}

pub fn text(members: &serde_json::Map<String, Value>, name: &str) -> String {
    let value = members[name].as_str();
    value
        .unwrap_or_else(|| panic!("{name} in {members:?}"))
        .to_owned()
}

/// Asserts that `GET /me` with `access` answers 200 with `sub`, for `app1`.
pub async fn assert_me(demo: &Demo, access: &str, sub: &str) {
    assert_me_of(demo, access, "app1", sub).await;
}

/// Asserts that `GET /me` with `access` answers 200 with `sub`, for
/// `client`.
pub async fn assert_me_of(demo: &Demo, access: &str, client: &str, sub: &str) {
    let answer = demo.me(access).await.expect("the demo answers /me");
    let reply = answer.into_reply(Method::GET).await;
    let body = format!(r#"{{"client_id":"{client}","sub":"{sub}"}}"#);
    reply.assert(
        200,
        body.as_bytes(),
        &[("content-type", "application/json")],
    );
}

/// Asserts that the access token `access` works at `/me` (for `sub`) and
/// at introspection.
pub async fn assert_live(demo: &Demo, access: &str, sub: &str) {
    assert_me(demo, access, sub).await;
    assert_active(demo, access).await;
}

/// Asserts that a refresh grant's answer works: its access token at `/me`
/// (for alice, grant `G1`'s subject) and at introspection, and its refresh
/// token at introspection.
pub async fn assert_rotated_live(demo: &Demo, issued: &Issued) {
    assert_live(demo, &issued.access, "alice").await;
    assert_active(demo, &issued.refresh).await;
}

/// Asserts that introspection answers `token` active, of `app1`.
pub async fn assert_active(demo: &Demo, token: &str) {
    let facts = introspect(demo, token).await.assert_active();
    assert_eq!(facts["client_id"], "app1", "{token}: {facts:?}");
}

/// Asserts that `token` is dead: refused at `/me` (401 `invalid_token`)
/// and inactive at introspection.
pub async fn assert_dead(demo: &Demo, token: &str) {
    let answer = demo.me(token).await.expect("the demo answers /me");
    let refused = answer.into_reply(Method::GET).await;
    refused.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    introspect(demo, token).await.assert_inactive();
}
