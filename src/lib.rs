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
//! # What is in the crate
//! - [`endpoint`]: [`RevocationEndpointLayer`], the endpoint middleware.
//! - [`guard`]: [`BearerAuthLayer`], which admits only active access tokens
//!   (RFC 6750), so a revoked token stops working at once.
//! - [`extract`]: axum extractors for the revocation request, client
//!   credentials and Bearer tokens, for handlers of your own.
//! - Framework-free parsers: [`RevocationConfig`] reads requests
//!   (RFC 7009 §2.1, RFC 6749 §2.3), [`parse_basic`], [`BearerToken`].
//! - [`rejection`]: every refusal as a typed value rendering an
//!   RFC 6749 §5.2 JSON error.
//!
//! # Security
//! Tokens and secrets live in types whose `Debug` is redacted
//! ([`Token`], [`ClientSecret`], [`BearerToken`]) and are never logged or
//! echoed in error bodies. TLS and rate limits are the application's job;
//! see [`endpoint`].
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod basic;
mod bearer;
mod body;
mod client;
mod client_auth;
mod config;
pub mod endpoint;
mod error;
#[cfg(feature = "axum")]
pub mod extract;
pub mod fastapi;
mod form;
pub mod guard;
mod params;
mod read;
mod realm;
pub mod rejection;
mod scheme;
mod store;
mod token;

pub use basic::{parse_basic, BasicDecoding};
pub use bearer::BearerToken;
pub use body::ResponseBody;
pub use client::{
    constant_time_eq, ClientAuthMethod, ClientAuthMethods, ClientCredentials, ClientId,
    ClientSecret,
};
pub use config::{AppKeyHeaders, BodyEncoding, RevocationConfig};
pub use endpoint::{
    OtherClientToken, RevocationEndpoint, RevocationEndpointLayer, RevokedResponse,
    UnknownTokenResponse,
};
pub use error::{ErrorCode, ErrorResponse};
pub use guard::{BearerAuth, BearerAuthLayer};
pub use read::ClientRevocation;
pub use realm::{BearerChallenge, Realm};
pub use store::{
    ActiveAccessToken, AuthenticatedClient, ClientType, MemoryStore, RevocationOutcome,
    RevocationStore, SeedError, TokenEntry, TokenKind,
};
pub use token::{RevocationRequest, Token, TokenTypeHint};
