//! `CachedStore` (feature `cache`): what it answers from the cache and what
//! it asks the store, how long answers live, how revocations and notices
//! make it forget, and the Bearer guard in front of it in an axum `Router`.
//!
//! | Behaviour | Module |
//! |-----------|--------|
//! | hits, misses, lifetimes, errors | [`lookups`] |
//! | revocations, notices, in-flight lookups | [`invalidation`] |
//! | the guard over HTTP | [`guard`] |
//! | JWT access tokens outside the cache (feature `jwt`) | [`jwt`] |

use tower_revoke_test_support as support;

mod fixture;

mod guard;
mod invalidation;
#[cfg(feature = "jwt")]
mod jwt;
mod lookups;
