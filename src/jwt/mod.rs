//! JWT access tokens (RFC 9068) that can be revoked (feature `jwt`).
//!
//! Resource servers check a JWT access token by its signature, so a
//! revoked one keeps working until it expires, unless someone remembers
//! the revocation. This module does:
//! - [`JwtVerifier`] checks a token as RFC 9068 §4 asks (`typ`, `alg` on an
//!   allow-list, signature with a [`JwtKey`]: an HS256 secret, an RSA, EC
//!   or Ed25519 public key, or the keys of a JWKS document; `iss`, `aud`,
//!   `exp`, `nbf` within a small leeway), on the `jsonwebtoken` crate with
//!   its pure-Rust (RustCrypto) backend: no hand-rolled cryptography.
//! - [`JwtStore`] wraps any store that keeps a
//!   [`JwtDenyList`](crate::JwtDenyList) (every store of this workspace
//!   does: [`MemoryStore`](crate::MemoryStore), the SQL and the Redis
//!   stores). Revoking a JWT puts its (`iss`, `jti`) on the list until it
//!   expires; introspection and the Bearer guard refuse what is on the
//!   list; bulk revocation of a subject refuses its JWTs issued until then.
//!   The layers need no change: they see a store.
//! - An authorization server that records every JWT it mints in the store
//!   (through [`IssuanceStore`](crate::IssuanceStore), in the JWT's grant)
//!   turns on [`JwtStore::recorded`]: a JWT is then active only while the
//!   store answers its record active too, so the end of its grant (a
//!   revoked or reused refresh token, RFC 7009 §2.1, RFC 9700 §4.14.2)
//!   ends it as it ends an opaque token.
//! - [`ClientAssertionVerifier`] authenticates clients by `private_key_jwt`
//!   (RFC 7523) with the keys they registered: a `jwks` by value, or
//!   (feature `jwks-uri`) a `jwks_uri` that [`JwksFetcher`] fetches over
//!   https, bounded, cached and single-flight.
//!
//! # Why a store wrapper
//! The endpoints already speak to stores, and a JWT's answers need a store
//! only for the deny-list: wrapping keeps every rule in one place
//! ([`RevocationStore::revoke`](crate::RevocationStore::revoke)'s order,
//! `{"active":false}`, the guard's fast path) and works with any store,
//! [`BoxStore`](crate::store::BoxStore) included. The deny-list itself is one
//! small trait each store implements with its own primitives, and the
//! conformance kit holds all of them to the same rules.
//!
//! # Example
//! ```
//! use axum::{routing::get, Extension, Json, Router};
//! use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
//! use tower_revoke::{
//!     ActiveToken, BearerAuthLayer, IntrospectionEndpointLayer, MemoryStore,
//!     RevocationEndpointLayer,
//! };
//!
//! async fn me(Extension(token): Extension<ActiveToken>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "sub": token.sub(), "client_id": token.client_id().as_str() }))
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::from_seed_json(
//!     r#"{"clients": [{"client_id": "app1", "client_secret": "s3cr3t"}]}"#,
//! )?;
//! let secret = std::env::var("JWT_SECRET").unwrap_or_else(|_| "x".repeat(32));
//! let verifier = JwtVerifier::new("https://as.example", [JwtKey::hs256(secret.as_bytes())?])
//!     .audience("https://api.example");
//! let store = JwtStore::new(store, verifier);
//! let app: Router = Router::new()
//!     .route("/me", get(me).layer(BearerAuthLayer::new(store.clone())))
//!     .layer(RevocationEndpointLayer::new(store.clone()).path("/oauth/revoke"))
//!     .layer(IntrospectionEndpointLayer::new(store).path("/oauth/introspect"));
//! # Ok(())
//! # }
//! ```
//!
//! # Security
//! - A token that does not verify is unknown, never an error that tells
//!   why (RFC 7009 §2.2, RFC 7662 §2.2); the reason is logged at TRACE as a
//!   fixed text ([`JwtError`]), never with the token.
//! - The deny-list is only as durable as its store: use a durable store
//!   (the SQL stores, or Redis with persistence) for revocations that must
//!   survive a restart.
//! - A subject's cutoff refuses JWTs issued in the second of the bulk
//!   revocation too (`iat` has one-second resolution): a token minted in
//!   that same second must be minted again.
//! - Resource servers that verify JWTs themselves, without this store,
//!   still accept revoked ones until they expire: point them at the
//!   introspection endpoint, or keep JWT lifetimes short.

mod assertion;
mod claims;
#[cfg(feature = "jwks-uri")]
pub(crate) mod fetch;
mod key;
mod store;
mod verifier;

pub use assertion::ClientAssertionVerifier;
pub use claims::VerifiedJwt;
#[cfg(feature = "jwks-uri")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwks-uri")))]
pub use fetch::{JwksFetchError, JwksFetcher};
#[cfg(feature = "status-list")]
pub(crate) use key::{signed_claims, Unsigned};
pub use key::{JwtKey, JwtKeyError};
pub use store::JwtStore;
#[cfg(feature = "status-list")]
pub(crate) use verifier::typ_is;
pub use verifier::{JwtError, JwtVerifier};

/// The `jsonwebtoken` crate the verifier is built on, for its
/// [`Algorithm`](jsonwebtoken::Algorithm) and JWK types.
pub use jsonwebtoken;
