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
//! - Middleware: [`RevocationEndpointLayer`] ([`endpoint`]), the revocation
//!   endpoint; [`IntrospectionEndpointLayer`] ([`introspection`]), the
//!   RFC 7662 introspection endpoint; [`BearerAuthLayer`] ([`guard`]), which
//!   admits only active access tokens (RFC 6750), so a revoked token stops
//!   working at once.
//! - RFC 8414 metadata ([`metadata`]): [`AuthorizationServerMetadata`],
//!   generated from the layers, served by [`MetadataService`].
//! - Reading requests: [`RequestReader`], configured with [`BodyEncoding`],
//!   [`ClientAuthMethods`] of [`ClientAuthMethod`]s, [`BasicDecoding`] and
//!   [`AppKeyHeaders`]; what it reads: [`RevocationRequest`] ([`Token`],
//!   [`TokenTypeHint`]), [`ClientRevocation`], [`ClientCredentials`]
//!   ([`ClientId`], [`ClientSecret`]), [`BearerToken`]; [`parse_basic`].
//! - Answering: [`RevocationResponder`] with [`OtherClientToken`],
//!   [`RevokedResponse`], [`UnknownTokenResponse`]; [`ErrorResponse`] and
//!   [`ErrorCode`] (RFC 6749 §5.2); [`Realm`] and [`BearerChallenge`];
//!   response bodies [`EndpointBody`], [`ResponseBody`]; every refusal in
//!   [`rejection`].
//! - Stores ([`store`]): the traits [`RevocationStore`],
//!   [`IntrospectionStore`], [`SubjectRevocationStore`], [`JwtDenyList`]
//!   ([`JwtRecord`]), [`BoxStore`] and [`DynStore`]
//!   ([`BoxFuture`]); what they exchange: [`AuthenticatedClient`],
//!   [`ClientType`], [`RevocationOutcome`], [`ActiveToken`], [`TokenKind`],
//!   [`StoreError`]; digests [`TokenDigest`], [`SecretDigest`],
//!   [`StoredClient`]; cache invalidation [`Invalidate`],
//!   [`RevocationNotice`]; [`MemoryStore`]; seeds [`Seed`], [`ClientEntry`],
//!   [`TokenEntry`], [`SeedError`].
//! - axum extractors ([`extract`], feature `axum`, on by default).
//! - A cache of the guard's lookups, invalidated by the store's revocation
//!   notices (`cache`, feature `cache`): `CachedStore`, `CacheInvalidator`.
//! - JWT access tokens (RFC 9068) that can be revoked: `jwt::JwtStore`,
//!   `jwt::JwtVerifier` and `jwt::JwtKey` (feature `jwt`).
//!
//! # Testing
//! The layers are ordinary Tower middleware, so `tower-test` drives them
//! without a server. With `mock::spawn_layer`, spell out the request and
//! response types of the inner service: the endpoint answers in the inner
//! service's body type, which must be an [`EndpointBody`] (here
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
//! ([`Token`], [`ClientSecret`], [`BearerToken`], [`SecretDigest`]) and are
//! never logged or echoed in error bodies; logged client ids are cut to 64
//! bytes. TLS and rate limits are the application's job; see [`endpoint`].
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![warn(unreachable_pub, rust_2018_idioms)]

#[macro_use]
mod macros;

mod answer;
pub mod audit;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
mod cors;
pub mod endpoint;
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
pub mod rejection;
mod request;
mod response;
pub mod store;
#[cfg(feature = "testkit")]
#[cfg_attr(docsrs, doc(cfg(feature = "testkit")))]
pub mod testkit;

pub use audit::{EventOutcome, RevocationEvent, RevocationEvents};
pub use cors::CorsPolicy;
pub use endpoint::{RevocationEndpoint, RevocationEndpointLayer};
pub use guard::{BearerAuth, BearerAuthLayer};
pub use introspection::{IntrospectionEndpoint, IntrospectionEndpointLayer};
pub use metadata::{AuthorizationServerMetadata, MetadataService};
pub use request::{
    parse_basic, AppKeyHeaders, BasicDecoding, BearerToken, BodyEncoding, ClientAuthMethod,
    ClientAuthMethods, ClientCredentials, ClientId, ClientRevocation, ClientSecret, RequestReader,
    RevocationRequest, Token, TokenTypeHint,
};
pub use response::{
    BearerChallenge, EndpointBody, ErrorCode, ErrorResponse, OtherClientToken, Realm, ResponseBody,
    RevocationResponder, RevokedResponse, UnknownTokenResponse,
};
pub use store::{
    ActiveToken, AuthenticatedClient, BoxFuture, BoxStore, ClientEntry, ClientType, DynStore,
    IntrospectionStore, Invalidate, JwtDenyList, JwtRecord, MemoryStore, RevocationNotice,
    RevocationOutcome, RevocationStore, SecretDigest, Seed, SeedError, StoreError, StoredClient,
    SubjectRevocationStore, TokenDigest, TokenEntry, TokenKind,
};

/// The README's Rust snippets, compiled as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
