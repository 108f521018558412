//! An RFC 7009 OAuth 2.0 token revocation endpoint for Tower (axum, hyper).
//!
//! # Two minutes
//! Add one layer to your app, backed by a [`RevocationStore`] (here the
//! embedded [`MemoryStore`]), and `POST /revoke` answers RFC 7009 revocation
//! requests while every other request reaches your app untouched:
//!
//! ```
//! use axum::{routing::get, Router};
//! use tower_revoke::{MemoryStore, RevocationEndpointLayer};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::from_seed_file("examples/seed.json")?;
//! let app = Router::new()
//!     .route("/", get(|| async { "my app" }))
//!     .layer(RevocationEndpointLayer::new(store));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```
//!
//! ```text
//! curl -u app1:s3cr3t -d token=AT1 http://127.0.0.1:3000/revoke
//! {}
//! ```
//!
//! # The public API
//! At the crate root, the two-minute path: the layers
//! [`RevocationEndpointLayer`] (RFC 7009), [`IntrospectionEndpointLayer`]
//! (RFC 7662) and [`BearerAuthLayer`] (RFC 6750), the embedded
//! [`MemoryStore`], the store traits [`RevocationStore`],
//! [`IntrospectionStore`], [`SubjectRevocationStore`] and [`JwtDenyList`],
//! and the types a store implementation answers with
//! ([`AuthenticatedClient`], [`ClientType`], [`ActiveToken`], [`TokenKind`],
//! [`RevocationOutcome`], [`StoreError`]). Everything else has one path,
//! under the module that holds it:
//!
//! | module | what it holds |
//! |---|---|
//! | [`revocation`] | the revocation endpoint's service and future, and [`RevocationResponder`](revocation::RevocationResponder) for handlers of your own |
//! | [`introspection`] | the introspection endpoint's service and future |
//! | [`guard`] | the Bearer guard's service and future |
//! | [`metadata`] | RFC 8414 authorization server metadata, generated from the layers; RFC 9728 protected resource metadata |
//! | [`request`] | [`RequestReader`](request::RequestReader) and what it reads: the revocation request, tokens, Bearer credentials |
//! | [`client`] | client identifiers, secrets, credentials and authentication methods (RFC 6749 §2) |
//! | [`response`] | RFC 6749 §5.2 error responses, realms and challenges, response bodies |
//! | [`rejection`] | every refusal, as a typed rejection |
//! | [`store`] | digests, seeds, revocation notices, the store traits as trait objects |
//! | [`cors`] | per-client CORS on the revocation endpoint |
//! | [`audit`] | one event per revocation request, and metrics |
//! | [`extract`] | axum extractors (feature `axum`, on by default) |
//! | `cache` | a cache of the guard's lookups, invalidated by revocation notices (feature `cache`) |
//! | `jwt` | JWT access tokens (RFC 9068) that can be revoked, and `private_key_jwt` client authentication (feature `jwt`); clients' `jwks_uri` fetched over https (feature `jwks-uri`) |
//! | `status_list` | Token Status Lists: the compressed bit array of draft-ietf-oauth-status-list (feature `status-list`); a resource server's check of JWTs by their status lists, fetched over https (feature `status-list-fetch`) |
//! | `testkit` | the store conformance kit (feature `testkit`) |
//!
//! Every layer is configured the same way: `new(store)`, then `#[must_use]`
//! builder methods in any order; the options the layers share have the
//! same names (`realm`, `retry_after`, `path`, `reader`).
//!
//! # Testing
//! The layers are ordinary Tower middleware, so `tower-test` drives them
//! without a server. With `mock::spawn_layer`, spell out the request and
//! response types of the inner service: the endpoint answers in the inner
//! service's body type, which must be an [`EndpointBody`](crate::response::EndpointBody) (here
//! `Full<Bytes>`).
//!
//! ```
//! use bytes::Bytes;
//! use http::{Request, Response};
//! use http_body_util::Full;
//! use tower_revoke::{MemoryStore, RevocationEndpointLayer};
//! use tower_test::mock;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let (mut service, mut inner) = mock::spawn_layer::<Request<Full<Bytes>>, Response<Full<Bytes>>, _>(
//!     RevocationEndpointLayer::new(MemoryStore::new()),
//! );
//! inner.allow(1);
//! tokio_test::assert_ready_ok!(service.poll_ready());
//! // A revocation request is answered without calling the inner service.
//! let request = Request::post("/revoke").body(Full::default()).unwrap();
//! let response = service.call(request).await.unwrap();
//! assert_eq!(response.status(), 400); // no Content-Type
//! assert!(tokio_test::task::spawn(inner.next_request()).poll().is_pending());
//! # }
//! ```
//!
//! The Bearer guard calls the inner service inside its response future when
//! the store must be awaited, and inside `call` when the store answers at
//! once ([`IntrospectionStore::introspect_now`], as [`MemoryStore`] does):
//! with a mock inner service, poll the response future to see the call.
//!
//! # Security
//! Tokens and secrets live in types whose `Debug` is redacted
//! ([`Token`](crate::request::Token), [`ClientSecret`](crate::client::ClientSecret), [`BearerToken`](crate::request::BearerToken), [`SecretDigest`](crate::store::SecretDigest)) and are
//! never logged or echoed in error bodies; logged client ids are cut to 64
//! bytes. TLS and rate limits are the application's job; see [`endpoint`](crate::revocation).
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(unreachable_pub, rust_2018_idioms)]

#[macro_use]
mod macros;

pub mod audit;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
pub mod client;
mod clock;
pub mod cors;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod extract;
pub mod guard;
pub mod introspection;
#[cfg(feature = "jwt")]
#[cfg_attr(docsrs, doc(cfg(feature = "jwt")))]
pub mod jwt;
mod log;
pub mod metadata;
mod mount;
pub mod rejection;
pub mod request;
pub mod response;
pub mod revocation;
#[cfg(feature = "status-list")]
#[cfg_attr(docsrs, doc(cfg(feature = "status-list")))]
pub mod status_list;
pub mod store;
#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

pub use guard::layer::BearerAuthLayer;
pub use introspection::layer::IntrospectionEndpointLayer;
pub use revocation::layer::RevocationEndpointLayer;
pub use store::client::{AuthenticatedClient, ClientType};
pub use store::error::StoreError;
pub use store::memory::MemoryStore;
pub use store::outcome::RevocationOutcome;
pub use store::token::{ActiveToken, TokenKind};
pub use store::traits::{
    ExpiredDeletion, IntrospectionStore, IssuanceStore, JwtDenyList, RevocationStore,
    SubjectRevocationStore,
};
pub use store::ClientAssertionStore;
pub use store::StatusListStore;

/// The README's Rust snippets, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
