//! The token introspection endpoint middleware (RFC 7662 §2).
//!
//! [`IntrospectionEndpointLayer`] wraps an application service. A request
//! whose path is the endpoint's path (default `/introspect`) is answered by
//! the endpoint: the caller authenticates as a confidential client
//! ([`RevocationStore::authenticate_client`](crate::RevocationStore::authenticate_client)),
//! and the token is looked up with
//! [`IntrospectionStore::introspect`](crate::IntrospectionStore::introspect).
//! Any other request goes to the application untouched.
//!
//! Requests are read by the same [`RequestReader`](crate::request::RequestReader)
//! as the revocation endpoint's, so both accept and refuse exactly the same
//! requests, with two differences RFC 7662 §2.1 makes: the body is always
//! a form, and public clients (`none`) are refused.
//!
//! # Behaviour, in this order
//! | request | response |
//! |---|---|
//! | path matches, method is not `POST` | 405 `invalid_request`, `Allow: POST` (RFC 7662 §2.1); no content for `HEAD` |
//! | `Content-Type` not `application/x-www-form-urlencoded` | 400 `invalid_request` |
//! | body over the limit (default 16 KiB) | 413 `invalid_request`, not read past the limit |
//! | bad percent escape, invalid UTF-8, repeated `token`/`token_type_hint`/`client_id`/`client_secret`, token or `client_secret` in the query | 400 `invalid_request` |
//! | two client authentication methods, or a body `client_id` other than the Basic id | 400 `invalid_request` (RFC 6749 §2.3) |
//! | no client credentials, malformed ones, another scheme, a public client (`none`) | 401 `invalid_client` with the `Basic` challenge (RFC 7662 §2.1, §4) |
//! | unknown client, wrong secret | 401 `invalid_client`, byte-identical whatever the reason |
//! | `token` missing or empty | 400 `invalid_request` |
//! | token unknown, expired, revoked or not yet valid; issued to another client (unless the caller is a [resource server](IntrospectionEndpointLayer::resource_servers)) | 200 `{"active":false}`, exactly (RFC 7662 §2.2) |
//! | active token | 200 `{"active":true, ...}` with the members the store knows (below) |
//! | store error | 503 `temporarily_unavailable`, `Retry-After: 5` |
//!
//! An active token's members (RFC 7662 §2.2), each only when known:
//! `scope`, `client_id`, `token_type`, `exp`, `iat`, `sub`, `aud`, `iss`,
//! `jti` (the last three for JWT access tokens, RFC 9068 §2.2).
//! `token_type` is the RFC 6749 §7.1 access token type: `"Bearer"` for an
//! access token; a refresh token has none, so it is left out. `aud` is a
//! string for one audience and an array for several.
//!
//! The token type hint is advice only: the store searches every type.
//! Every response carries `Cache-Control: no-store` and `Pragma: no-cache`
//! (RFC 7662 §4: responses must not be cached). Error descriptions never
//! echo a token, client id or secret; nothing is logged but the caller's
//! client id and whether the token was active.
//!
//! # Who may see what
//! By default a client learns only about tokens issued to it: any other
//! token is `{"active":false}`, so that a client cannot probe for other
//! clients' tokens (RFC 7662 §4). Name the protected resources that must
//! check every token with
//! [`resource_servers`](IntrospectionEndpointLayer::resource_servers); they
//! authenticate as confidential clients like any other.
//!
//! # Security
//! TLS is not enforced by this middleware: RFC 7662 §4 requires it, so
//! serve the endpoint behind TLS. Nor does it limit request rates, which
//! RFC 7662 §4 asks for against token scanning: add a limit in front of it
//! as the [revocation endpoint's docs](crate::revocation) show.
//!
//! # Example
//! ```
//! use axum::{routing::get, Router};
//! use tower_revoke::{IntrospectionEndpointLayer, MemoryStore, RevocationEndpointLayer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::from_seed_json(r#"{
//!     "clients": [
//!         {"client_id": "app1", "client_secret": "s3cr3t"},
//!         {"client_id": "api", "client_secret": "4p1-s3cr3t"}
//!     ],
//!     "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1", "subject": "alice"}]
//! }"#)?;
//! let app = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(RevocationEndpointLayer::new(store.clone()).path("/oauth/revoke"))
//!     .layer(
//!         IntrospectionEndpointLayer::new(store)
//!             .path("/oauth/introspect")
//!             .resource_servers(["api"]),
//!     );
//!
//! // curl -u api:4p1-s3cr3t -d token=AT1 http://127.0.0.1:3000/oauth/introspect
//! use tower::ServiceExt;
//! let request = http::Request::post("/oauth/introspect")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic YXBpOjRwMS1zM2NyM3Q=") // api:4p1-s3cr3t
//!     .body(axum::body::Body::from("token=AT1"))?;
//! let response = app.oneshot(request).await?;
//! let body = axum::body::to_bytes(response.into_body(), 1024).await?;
//! assert_eq!(
//!     &body[..],
//!     br#"{"active":true,"client_id":"app1","token_type":"Bearer","sub":"alice"}"#
//! );
//! # Ok(())
//! # }
//! ```

mod answers;
mod future;
mod handle;
pub(crate) mod layer;
mod service;

pub use future::ResponseFuture;
pub use service::IntrospectionEndpoint;

pub(crate) use layer::IntrospectionEndpointLayer;
