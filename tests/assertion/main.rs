//! `private_key_jwt` client authentication (RFC 7523 §2.2, §3) at the
//! revocation and introspection endpoints, over real HTTP: a hyper 1
//! server on a loopback port, assertions signed in the tests with the keys
//! of `test-support/keys`.
//!
//! | Rule | Module |
//! |------|--------|
//! | each algorithm; every failure the same 401 `invalid_client`, nothing revoked | [`rules`] |
//! | accepted `aud` and `typ` forms, lenient and strict (rfc7523bis) | [`audiences`] |
//! | single use, across instances sharing the store | [`replay`] |
//! | exactly one method, `client_id`, the parameters, keys-only clients | [`methods`] |
//! | introspection, RFC 8414 metadata, the extractor, the audit event | [`endpoints`] |
//! | `jwks_uri` keys: fetched once, cached, single-flight; every failure 401 and cached; https only; `kid` rotation | [`jwks_uri`] |

mod fixture;

mod audiences;
mod endpoints;
#[cfg(feature = "jwks-uri")]
mod jwks_uri;
mod methods;
mod replay;
mod rules;

use tower_revoke_test_support as support;
