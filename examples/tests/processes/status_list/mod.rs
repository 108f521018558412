//! Token Status Lists (draft-ietf-oauth-status-list-20) from outside: the
//! demo as a process minting JWT access tokens with a `status` claim at
//! `POST /oauth/token`, its Status List Tokens read over HTTP by an
//! independent decoder in Python (examples/tests/authlib/status_list.py:
//! requests, authlib.jose, zlib; no code of ours), which every bit check
//! below goes through ([`Decoder`]).
//!
//! | module | what it proves |
//! |---|---|
//! | [`revocations`] | on every store: a revoked JWT, the JWTs of a grant whose refresh token is revoked (cascade) or reused, are INVALID at their index and no other bit changes; the decoder refuses a list signed with another secret |
//! | [`restart`] | SQLite, PostgreSQL: INVALID bits survive SIGKILL, and JWTs minted after the restart never get an index given before it |
//! | [`resource_server`] | two processes: the resource server refuses a JWT revoked at the demo within `ttl` + one fetch, admits the others, still does from its last list once the demo is gone, and never fetches a list outside the issuer |
//! | [`subject`] | SQLite, PostgreSQL, Redis: a subject revoked in the demo's store from outside it (no HTTP route does it) is INVALID in the demo's list |
//!
//! Every test needs the interpreter of `TOWER_REVOKE_TEST_PYTHON`
//! ([`crate::authlib::PYTHON`]) and its store's server, under the skip rule
//! of [`crate::services::url`].

use crate::demo::Demo;
use crate::token::{answered, text};
use serde::Deserialize;
use std::collections::BTreeSet;
use tower_revoke_examples::mint::STATUS_LIST_TTL_VAR;
use tower_revoke_test_support::jwt::{payload, SECRET};

mod resource_server;
mod restart;
mod revocations;
mod subject;

const DECODER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/authlib/status_list.py");

/// The demo's HS256 secret (the tests' own), which signs its JWTs and its
/// Status List Tokens.
pub fn secret() -> &'static str {
    std::str::from_utf8(SECRET).expect("the test secret is UTF-8")
}

/// The variables of a demo that mints JWTs with statuses, its lists'
/// `ttl` `ttl` (a duration such as `60s`).
pub fn minting(ttl: &str) -> [(&str, &str); 2] {
    [
        ("TOWER_REVOKE_JWT_HS256_SECRET", secret()),
        (STATUS_LIST_TTL_VAR, ttl),
    ]
}

/// A JWT access token the demo minted, and its status (§6.2). Its
/// `Debug` shows the status and subject, not the token.
#[derive(Clone)]
pub struct Jwt {
    pub token: String,
    pub sub: String,
    /// `status.status_list.uri`: `{issuer}/statuslists/{n}`.
    pub uri: String,
    /// `status.status_list.idx`.
    pub idx: u32,
}

impl Jwt {
    /// `token`, minted by `demo`: its claims (unverified here; the demo's
    /// `/me` and the resource server verify them), its status in a list
    /// under the demo's issuer (its address, the default issuer).
    pub fn of(demo: &Demo, token: &str) -> Self {
        let claims = serde_json::Value::Object(payload(token));
        let list = &claims["status"]["status_list"];
        let uri = list["uri"].as_str().expect("status.status_list.uri");
        let base = format!("http://{}/statuslists/", demo.addr);
        assert!(uri.starts_with(&base), "{uri} is one of the demo's lists");
        let idx = list["idx"].as_u64().expect("status.status_list.idx");
        Self {
            token: token.to_owned(),
            sub: claims["sub"].as_str().expect("sub").to_owned(),
            uri: uri.to_owned(),
            idx: u32::try_from(idx).expect("an index of 32 bits"),
        }
    }
}

impl std::fmt::Debug for Jwt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "JWT of {} at {} idx {}", self.sub, self.uri, self.idx)
    }
}

/// A `client_credentials` grant at `demo`: a JWT of `app1` for itself.
pub async fn client_credentials(demo: &Demo) -> Jwt {
    let reply = crate::token::token(demo, "grant_type=client_credentials").await;
    let jwt = Jwt::of(demo, &text(&answered(&reply), "access_token"));
    assert_eq!(jwt.sub, "app1");
    jwt
}

/// `refresh_token` rotated at `demo`: the access JWT of its grant (alice's,
/// for `RT1`) and the new refresh token.
pub async fn refresh(demo: &Demo, refresh_token: &str) -> (Jwt, String) {
    let body = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let members = answered(&crate::token::token(demo, &body).await);
    let successor = text(&members, "refresh_token");
    assert_ne!(successor, refresh_token, "a new refresh token");
    let jwt = Jwt::of(demo, &text(&members, "access_token"));
    assert_eq!(jwt.sub, "alice");
    (jwt, successor)
}

/// alice's JWT, which the demo minted and printed (`JWT=...`) at start.
pub async fn printed_at_start(demo: &mut Demo) -> Jwt {
    loop {
        let line = demo.next_line().await;
        if let Some(rest) = line.trim_start().strip_prefix("JWT=") {
            let token = rest.split_whitespace().next().expect("the JWT");
            let jwt = Jwt::of(demo, token);
            assert_eq!(jwt.sub, "alice");
            return jwt;
        }
    }
}

/// A list as the decoder read it.
#[derive(Debug, Deserialize)]
pub struct Decoded {
    pub bits: u8,
    /// How many statuses the list holds.
    pub len: u32,
    /// The indices whose status is INVALID.
    pub invalid: BTreeSet<u32>,
    pub ttl: u64,
    pub etag: Option<String>,
}

impl Decoded {
    /// Asserts that this list, read after `before`, differs from it by
    /// the statuses of `newly` alone, each VALID before and INVALID now.
    #[track_caller]
    pub fn assert_newly_invalid(&self, before: &Decoded, newly: &[&Jwt]) {
        let mut expected = before.invalid.clone();
        for jwt in newly {
            assert!(expected.insert(jwt.idx), "{jwt:?} was VALID before");
        }
        assert_eq!(self.invalid, expected, "only {newly:?} changed");
        assert_ne!(self.etag, before.etag, "a changed list, a new ETag");
    }
}

/// The Python decoder on the interpreter of `TOWER_REVOKE_TEST_PYTHON`.
pub struct Decoder {
    python: String,
}

impl Decoder {
    pub fn new(python: String) -> Self {
        Self { python }
    }

    /// The list at `uri`, verified with `secret`; the decoder's complaint
    /// when it refused the list.
    pub async fn decode_with(&self, uri: &str, secret: &str) -> Result<Decoded, String> {
        let what = format!("status_list.py {uri}");
        let said = crate::authlib::output(&self.python, &what, DECODER, &[uri, secret]).await?;
        let decoded: Decoded = serde_json::from_str(said.trim())
            .unwrap_or_else(|e| panic!("{what} printed one JSON line: {e}: {said}"));
        assert_eq!(decoded.bits, 1, "VALID and INVALID: one bit");
        assert!(
            decoded.len > 0 && decoded.len.is_multiple_of(8),
            "{decoded:?}"
        );
        Ok(decoded)
    }

    /// The one list every JWT of `jwts` names, decoded: each index within
    /// it, no two the same.
    pub async fn list_of(&self, jwts: &[&Jwt]) -> Decoded {
        let uri = &jwts.first().expect("a JWT").uri;
        assert!(jwts.iter().all(|jwt| &jwt.uri == uri), "one list: {jwts:?}");
        let indices: BTreeSet<u32> = jwts.iter().map(|jwt| jwt.idx).collect();
        assert_eq!(indices.len(), jwts.len(), "distinct indices: {jwts:?}");
        let decoded = self.decode_with(uri, secret()).await;
        let decoded = decoded.unwrap_or_else(|failure| panic!("{failure}"));
        assert!(indices.iter().all(|&idx| idx < decoded.len), "{jwts:?}");
        decoded
    }
}
