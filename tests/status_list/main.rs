//! The resource-server side of Token Status Lists
//! (draft-ietf-oauth-status-list §8.3) over real HTTP: an issuer's list
//! site on a loopback port serving a Status List Token signed in the test
//! (HS256, the test secret), counting its requests; a resource server,
//! `GET /me` behind `BearerAuthLayer::new(StatusCheckedStore ...)`, on
//! another port; JWT access tokens minted in the test with a `status`
//! claim pointing into the list.
//!
//! | Rule | Module |
//! |------|--------|
//! | VALID admits with the claims' `ActiveToken`; a revoked bit refuses after the `ttl`; other statuses, out-of-range indexes and malformed references refuse; tokens without `status` | [`statuses`] |
//! | only URIs under the configured issuers are fetched; http only with the loopback switch | [`uris`] |
//! | the last good list until its `exp`, then 503; single-flight | [`fetching`] |
//! | the issuer publishing its lists: a revocation shown at the next GET, `ETag` and 304, signed once per change, the aggregation, 503 on a store failure; a resource server refusing a JWT revoked at the issuer | [`publish`] |

#![cfg(feature = "status-list-fetch")]

mod fixture;

mod fetching;
mod publish;
mod statuses;
mod uris;

use tower_revoke_test_support as support;
