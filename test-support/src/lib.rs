//! What the integration tests share: requests built and sent through a
//! service, replies read whole and checked against the crate's refusals,
//! request bodies that show how a body is read; the seeded stores and the
//! calls a store test makes as `app1`; the test servers' URLs (or a skip);
//! a recorder of revocation notices; a loopback HTTP server; and what the
//! benches share.
//!
//! A dev-dependency of the workspace's test suites and benches
//! (`publish = false`).
//!
//! | module | what |
//! |---|---|
//! | [`request`], [`reply`], [`bodies`] | requests sent with `oneshot`, replies checked, bodies |
//! | [`endpoint`] | the revocation endpoint's and the guard's seed and requests |
//! | [`store`] | the store tests' seed, tokens, digests, `app1`'s calls |
//! | [`failing`] | a store that fails (503s) |
//! | [`notices`] | a recorder of what a notice listener says |
//! | [`services`] | PostgreSQL and Redis URLs or a skip, free ports, a cluster of one's own |
//! | [`wire`], [`proxy`] | a loopback hyper server; TCP proxies counting round trips (PostgreSQL's from its messages) |
//! | [`logs`], [`metrics`] | what a test logged; what it recorded |
//! | [`jwt`] | JWTs minted for the tests |
//! | [`assertion`] | `private_key_jwt` client assertions and the clients' JWK Sets |
//! | [`cleanup`] | clean-up that awaits, from `Drop` |
//! | [`rng`] | a deterministic generator, replayed from its seed |
//! | [`bench`](mod@bench) | the benches' poll loop, hand-written guard, runtime, phases of concurrent clients, PostgreSQL and Redis skips |

#![allow(missing_docs)]

pub mod assertion;
pub mod bench;
pub mod bodies;
pub mod cleanup;
pub mod endpoint;
pub mod failing;
pub mod jwt;
pub mod logs;
pub mod metrics;
pub mod notices;
pub mod proxy;
pub mod redis_keys;
pub mod reply;
pub mod request;
pub mod rng;
pub mod services;
pub mod store;
pub mod wire;

/// The `error_description` of each refusal.
pub mod desc {
    pub const METHOD: &str = "the revocation endpoint accepts only POST";
    pub const INTROSPECTION_METHOD: &str = "the introspection endpoint accepts only POST";
    pub const CONTENT_TYPE: &str = "unsupported or missing content type";
    pub const TOO_LARGE: &str = "request body is too large";
    pub const FAILED_TO_READ: &str = "failed to read the request body";
    pub const FORM_ENCODING: &str = "request body is not valid form encoding";
    pub const DUPLICATE: &str = "a request parameter was repeated";
    pub const MISSING_TOKEN: &str = "the token parameter is missing";
    pub const IN_QUERY: &str = "tokens and client secrets are not accepted in the query string";
    pub const MISSING_CLIENT: &str = "client authentication is required";
    pub const MALFORMED_CLIENT: &str = "malformed client credentials";
    pub const CLIENT_ID_MISMATCH: &str = "client_id does not match the authenticated client";
    pub const MISSING_CLIENT_ID: &str = "client_secret requires client_id";
    pub const INCOMPLETE_ASSERTION: &str =
        "client_assertion and client_assertion_type must be sent together";
    pub const ASSERTION_TYPE: &str = "unsupported client_assertion_type";
    pub const OTHER_SCHEME: &str = "unsupported authorization scheme for client authentication";
    pub const METHOD_NOT_ALLOWED: &str = "client authentication method not allowed";
    pub const AUTH_FAILED: &str = "client authentication failed";
    pub const MULTIPLE_METHODS: &str = "more than one client authentication method was used";
    pub const OTHER_CLIENT: &str = "the token was issued to another client";
    pub const UNSUPPORTED: &str = "this token type cannot be revoked";
    pub const UNAVAILABLE: &str = "the token store is unavailable, retry later";
    pub const BEARER_REQUIRED: &str = "a bearer token is required";
    pub const BEARER_INVALID: &str = "the bearer token is unknown, expired or revoked";
    pub const BEARER_MALFORMED: &str = "the bearer token is malformed";
    pub const MULTIPLE_AUTHORIZATION: &str = "more than one authorization header";
}

/// The default realm's challenges.
pub mod challenge {
    pub const BASIC: &str = r#"Basic realm="tower-revoke""#;
    pub const BASIC_INVALID_CLIENT: &str = r#"Basic realm="tower-revoke", error="invalid_client""#;
    pub const BEARER: &str = r#"Bearer realm="tower-revoke""#;
    pub const BEARER_INVALID_TOKEN: &str = r#"Bearer realm="tower-revoke", error="invalid_token""#;
    pub const BEARER_INVALID_REQUEST: &str =
        r#"Bearer realm="tower-revoke", error="invalid_request""#;
}

/// The headers of every JSON response of the endpoint.
pub const JSON: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

/// The headers of the endpoint's empty responses (204, 404).
pub const NO_STORE: &[(&str, &str)] = &[("cache-control", "no-store"), ("pragma", "no-cache")];

/// The exact RFC 6749 §5.2 body for `code` and `description`.
pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}
