//! `RevocationEndpointLayer` as an application sees it: a real axum
//! `Router` driven with `oneshot`, a hyper 1 server on a loopback port, and
//! `tower-test`'s mock for what neither can show. One test per behaviour of
//! the endpoint's docs (RFC 7009 §2), checking the status, the exact headers
//! and body, and the store's state afterwards.
//!
//! | Rule | Module |
//! |------|--------|
//! | 1. `POST` only | [`method`] |
//! | 2. media type, encoding, duplicates, query | [`request`] |
//! | 2. body limit | [`body_limit`] |
//! | 3, 4. client authentication, then `token` | [`client_auth`] |
//! | 5–9. hint, unknown, other client, unsupported, grants | [`revocation`] |
//! | 10. store errors | [`store_errors`] |
//! | 11. success responses, cache headers | [`responses`] |
//! | passthrough | [`passthrough`] |
//! | inner never called, readiness, hand-polled futures | [`mock`] |
//! | placement in an axum `Router` | [`placement`] |
//! | real HTTP | [`over_http`] |
//! | CORS per client | [`cors`] |
//! | revocation events, audit log, metrics | [`events`] |
//! | store faults: errors, slowness, panics | [`faults`] |
//! | slow and oversized bodies | [`slow_bodies`] |
//! | a loopback soak of concurrent clients | [`soak`] |
//!
//! The Bearer guard has a suite of its own (`tests/guard`).

mod fixture;

mod body_limit;
mod client_auth;
mod cors;
mod events;
mod faults;
mod method;
mod mock;
mod over_http;
mod passthrough;
mod placement;
mod request;
mod responses;
mod revocation;
mod slow_bodies;
mod soak;
mod store_errors;

use tower_revoke_test_support as support;
