//! An RFC 7009 OAuth 2.0 token revocation endpoint for Tower.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod basic;
mod bearer;
mod client;
mod client_auth;
mod config;
mod error;
#[cfg(feature = "axum")]
pub mod extract;
mod form;
mod params;
mod read;
mod realm;
pub mod rejection;
mod scheme;
mod store;
mod token;

pub use basic::{parse_basic, BasicDecoding};
pub use bearer::BearerToken;
pub use client::{
    constant_time_eq, ClientAuthMethod, ClientAuthMethods, ClientCredentials, ClientId, ClientSecret,
};
pub use config::{AppKeyHeaders, BodyEncoding, RevocationConfig};
pub use error::{ErrorCode, ErrorResponse};
pub use read::ClientRevocation;
pub use realm::Realm;
pub use token::{RevocationRequest, Token, TokenTypeHint};
pub use store::{
    ActiveAccessToken, AuthenticatedClient, ClientType, MemoryStore, RevocationOutcome,
    RevocationStore, SeedError,
};
