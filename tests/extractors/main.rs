//! The axum extractors over a real `Router`: one test per behaviour of the
//! revocation request (RFC 7009 §2.1), client authentication (RFC 6749
//! §2.3.1) and Bearer tokens (RFC 6750 §2.1).

mod echo;

mod basic_decoding;
mod body_limit;
mod client_auth;
mod headers;
mod request;
mod secrets;

use tower_revoke_test_support as support;
