//! Reading requests: the revocation request (RFC 7009 §2.1), client
//! authentication (RFC 6749 §2.3) and Bearer tokens (RFC 6750 §2.1).
//!
//! [`RequestReader`] is the one reader: the endpoints, the extractors and
//! the guard all read through it, so they accept and refuse exactly the
//! same requests. The parts it returns are small typed values ([`Token`],
//! and the client's [`ClientCredentials`](crate::client::ClientCredentials))
//! whose `Debug` never shows a secret.

mod basic;
mod bearer;
mod client_auth;
mod client_form;
mod form;
mod limited;
mod params;
mod reader;
mod revocation;
mod scheme;
mod token;

pub use basic::{parse_basic, BasicDecoding};
pub use bearer::BearerToken;
pub use client_form::ClientForm;
pub use reader::{AppKeyHeaders, BodyEncoding, RequestReader};
pub use revocation::{ClientRevocation, RevocationRequest};
pub use token::{Token, TokenTypeHint};

pub(crate) use bearer::presented as presented_bearer_token;
pub(crate) use limited::read_limited;
