//! `IntrospectionEndpointLayer` as an application sees it: an axum `Router`
//! driven with `oneshot`, a hyper 1 server on a loopback port, and
//! `tower-test`'s mock for what neither can show. One test per rule of the
//! endpoint's docs (RFC 7662 §2), checking the status, the exact headers
//! and body, and what the revocation endpoint beside it changes.
//!
//! | Rule | Module |
//! |------|--------|
//! | `POST` only, form bodies, duplicates, query, body limit | [`request`] |
//! | confidential clients only, the `Basic` challenge | [`client_auth`] |
//! | active and inactive answers, who may see what, store errors | [`answers`] |
//! | revocation and introspection agree at every step | [`agreement`] |
//! | real HTTP, inner never called | [`over_http`] |
//! | RFC 8414 metadata from the layers | [`metadata`] |
//! | requests counted by outcome (feature `metrics`) | `metrics` |
//! | JWT access tokens that can be revoked (feature `jwt`) | [`jwt`] |

mod fixture;

mod agreement;
mod answers;
mod client_auth;
#[cfg(feature = "jwt")]
mod jwt;
mod metadata;
#[cfg(feature = "metrics")]
mod metrics;
mod over_http;
mod request;

use tower_revoke_test_support as support;
