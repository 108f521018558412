//! An opt-in cache in front of the Bearer guard's lookup (feature `cache`):
//! a warm token costs one SHA-256 and one map lookup instead of a round
//! trip to the store, and a revocation anywhere still ends it within a hard
//! bound.
//!
//! [`CachedStore`] wraps any store and keeps its introspection answers
//! (RFC 7662 §2.2) in a bounded [`quick_cache`](https://docs.rs/quick_cache) cache, keyed
//! by [`TokenDigest`](crate::store::TokenDigest). One setting matters: the
//! maximum staleness, say 2 s.
//!
//! # How stale an answer can be
//! - "Active" answers are served for at most `max_staleness`, counted from
//!   when the lookup that fetched them began (so before the store read
//!   them), and never past the token's `exp`. "Not active" answers (unknown,
//!   revoked or expired alike) for [`inactive_ttl`](CachedStore::inactive_ttl),
//!   by default `max_staleness` too. Store errors are never cached.
//! - A revocation through the same [`CachedStore`] (or a clone of it) takes
//!   effect on the next request: the revoked token's answer is forgotten
//!   before the endpoint answers 200. When it may have ended other tokens
//!   of a grant, which the outcome does not name, every "active" answer of
//!   the revoking client is flushed (grants are scoped to their client);
//!   a subject's revocation flushes the subject's (see
//!   [`flush_on_cascade`](CachedStore::flush_on_cascade)). The store
//!   conformance kit passes through the cache.
//! - A revocation elsewhere (another instance, or the store itself) takes
//!   effect when the store's notice reaches [`Invalidate::invalidate`](crate::store::Invalidate),
//!   through [`CachedStore::invalidator`]: within milliseconds while the
//!   store's channel (PostgreSQL `LISTEN`/`NOTIFY`, Redis pub/sub) is up.
//!   A lookup already waiting for the store when the notice arrives does
//!   not put its possibly older answer back.
//! - With the channel down, or with no channel at all, a revoked token is
//!   admitted at most `max_staleness` after the revocation committed: every
//!   "active" entry read before the commit expires by then. A listener
//!   calls [`Invalidate::invalidate_all`](crate::store::Invalidate::invalidate_all)
//!   when it reconnects, because notices sent meanwhile are lost; that flush
//!   is what keeps the bound hard afterwards.
//!
//! # Wiring a store's notices
//! Hand the listener an [`invalidator`](CachedStore::invalidator): with
//! `tower-revoke-redis`, `tokio::spawn(redis_store.listen(
//! cached.invalidator()))`; it flushes on every (re)subscription. Then set
//! [`flush_on_cascade(false)`](CachedStore::flush_on_cascade): the notices
//! name every token a revocation ends. A store without notices keeps the
//! default, and revocations made elsewhere wait out `max_staleness`.
//!
//! # The guard only, not introspection
//! Put the cache in front of [`BearerAuthLayer`](crate::BearerAuthLayer)
//! only, and give [`IntrospectionEndpointLayer`](crate::IntrospectionEndpointLayer)
//! the store itself: a resource server that introspects asks for the
//! truth now (RFC 7662 §2.2), while behind the cache a token revoked
//! directly in the database, or on an instance whose notices are not
//! wired, would stay `"active": true` until `max_staleness`.
//!
//! # JWT access tokens
//! Put `jwt::JwtStore` (feature `jwt`) outside the
//! cache: `JwtStore::new(CachedStore::new(store, staleness), verifier)`.
//! The cache forwards the JWT deny-list uncached, so a JWT is verified and
//! checked against the store's deny-list on every request, and a JWT
//! revoked on any instance is refused at once; opaque tokens are answered
//! from the cache as above. Inside the cache (`CachedStore<JwtStore<St>>`)
//! a JWT's answer is cached like any other: a revocation through the same
//! cache forgets it at once, but a bulk revocation of its subject or a
//! revocation on another instance only within `max_staleness` (the
//! deny-list sends no notices).
//!
//! # Memory
//! At most [`max_entries`](CachedStore::max_entries) answers (default
//! 100 000), with quick_cache's S3-FIFO eviction: a flood of made-up
//! tokens passes through its small probationary queue and does not evict
//! the tokens in use. Expired answers are dropped when read, or evicted by
//! the bound.
//!
//! # Example
//! ```
//! use axum::{routing::get, Router};
//! use std::time::Duration;
//! use tower_revoke::cache::CachedStore;
//! use tower_revoke::{BearerAuthLayer, MemoryStore, RevocationEndpointLayer};
//!
//! let store = MemoryStore::new(); // in your app: a PostgreSQL or Redis store
//! let store = CachedStore::new(store, Duration::from_secs(2));
//! let invalidator = store.invalidator(); // for the store's notice listener
//! let app: Router = Router::new()
//!     .route("/me", get(|| async { "me" }).layer(BearerAuthLayer::new(store.clone())))
//!     .layer(RevocationEndpointLayer::new(store));
//! # drop(invalidator);
//! ```
//!
//! # Security
//! The cache holds digests and [`ActiveToken`](crate::ActiveToken) facts,
//! never a token, and `Debug` shows counts and settings only. Caching is a
//! trade: within the bounds above, a revoked token can still be admitted;
//! choose `max_staleness` as the longest you accept, and feed the store's
//! notices to the cache so that the bound is rarely reached.

mod answers;
mod deny;
mod flushes;
mod invalidator;
mod issue;
mod store;

pub use invalidator::CacheInvalidator;
pub use store::CachedStore;
