//! `BearerAuthLayer` as an application sees it: `GET /me` behind the guard,
//! sharing its store with the revocation endpoint, driven with `oneshot`
//! and over real HTTP. One test per behaviour of the guard's docs
//! (RFC 6750), checking the status, the challenge and the body.
//!
//! | Rule | Module |
//! |------|--------|
//! | active, revoked, unknown and expired tokens; challenges; store errors; realm; HEAD | [`bearer`] |
//! | real HTTP | [`over_http`] |
//! | decisions counted by outcome (feature `metrics`) | [`metrics`] |
//! | RFC 9728 protected resource metadata, named in the challenges | [`resource_metadata`] |
//!
//! The guard in front of `CachedStore` is the cache suite's; faults
//! injected into the guard's store are the endpoint suite's (`faults`).

mod fixture;

mod bearer;
mod metrics;
mod over_http;
mod resource_metadata;

use tower_revoke_test_support as support;
