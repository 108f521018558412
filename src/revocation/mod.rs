//! The revocation endpoint middleware (RFC 7009 §2).
//!
//! [`RevocationEndpointLayer`] wraps an application service. A request whose
//! path is the endpoint's path (default `/revoke`) is answered by the
//! endpoint with the [`RevocationStore`](crate::RevocationStore); any other
//! request goes to the application untouched.
//!
//! # Behaviour, in this order
//! | request | response |
//! |---|---|
//! | path matches, method is not `POST` | 405 `invalid_request`, `Allow: POST` (RFC 7009 §2.1); no content for `HEAD` |
//! | `Content-Type` not `application/x-www-form-urlencoded` (any case, parameters allowed; or JSON when configured) | 400 `invalid_request` |
//! | body over the limit (default 16 KiB) | 413 `invalid_request`, not read past the limit |
//! | bad percent escape, invalid UTF-8, repeated `token`/`token_type_hint`/`client_id`/`client_secret`, token or `client_secret` in the query | 400 `invalid_request` (RFC 6749 §3.2, §2.3.1) |
//! | two client authentication methods, or a body `client_id` other than the Basic id | 400 `invalid_request` (RFC 6749 §2.3) |
//! | no client credentials, malformed Basic, another scheme, a method this endpoint does not accept | 401 `invalid_client`; the description names what is wrong with the request itself |
//! | unknown client, wrong secret, public client with a secret, confidential client without one | 401 `invalid_client`, byte-identical whatever the reason |
//! | `token` missing or empty | 400 `invalid_request` |
//! | token unknown, expired or already revoked | 200 `{}` (RFC 7009 §2.2), or per [`UnknownTokenResponse`] |
//! | token issued to another client | per [`OtherClientToken`] (default: 400 `invalid_grant` for a confidential client, 200 for a public one); nothing changes |
//! | token the store cannot revoke | 400 `unsupported_token_type` (RFC 7009 §2.2.1) |
//! | refresh token | 200 `{}`; every token of its grant is revoked (RFC 7009 §2.1) |
//! | access token | 200 `{}`; that token is revoked |
//! | store error | 503 `temporarily_unavailable`, `Retry-After: 5`; never 200 |
//!
//! Every 401 carries `WWW-Authenticate: Basic realm="..."` when the endpoint
//! accepts Basic or the client sent an `Authorization` header, with
//! `error="invalid_client"` when it did (RFC 6749 §5.2). The 401 descriptions
//! differ only for what the request's own bytes show (no credentials,
//! malformed ones, another scheme, a refused method): the client knows
//! those already. Whatever the store decides is answered by one response,
//! so nobody learns whether a client id exists.
//!
//! The token type hint is advice only: the store searches every type.
//! Every response from the endpoint carries `Cache-Control: no-store` and
//! `Pragma: no-cache`; errors are `application/json` bodies
//! `{"error":"...","error_description":"..."}` whose description never echoes
//! a token, client id or secret.
//!
//! # Security
//! TLS is not enforced by this middleware: RFC 7009 §2 requires it, so serve
//! the endpoint behind TLS. Nor does it limit request rates; add a limit in
//! front of it, for example `tower::limit::RateLimitLayer` (through
//! `tower::buffer` for a shared limit) and a `tower::timeout::TimeoutLayer`
//! for slow bodies. Nothing is logged but outcomes and client ids; tokens,
//! secrets and `Authorization` values never are.
//!
//! Wrap the whole app, so one limit counts every connection and route
//! (`Router::layer` would give each route a limit of its own):
//!
//! ```
//! use axum::{error_handling::HandleErrorLayer, http::StatusCode, routing::get, BoxError, Router};
//! use std::time::Duration;
//! use tower::{ServiceBuilder, ServiceExt};
//! use tower_revoke::{MemoryStore, RevocationEndpointLayer};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let app = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(RevocationEndpointLayer::new(MemoryStore::new()));
//! let limited = ServiceBuilder::new()
//!     // Turn the limits' errors into responses: 408 or 429.
//!     .layer(HandleErrorLayer::new(|error: BoxError| async move {
//!         if error.is::<tower::timeout::error::Elapsed>() {
//!             StatusCode::REQUEST_TIMEOUT
//!         } else {
//!             StatusCode::TOO_MANY_REQUESTS
//!         }
//!     }))
//!     .timeout(Duration::from_secs(10)) // bounds slow bodies too
//!     .buffer(1024)
//!     .rate_limit(100, Duration::from_secs(1))
//!     .service(app);
//! // Serve it with `axum::serve(listener, axum::ServiceExt::into_make_service(limited))`.
//! let request = axum::http::Request::get("/").body(axum::body::Body::empty()).unwrap();
//! assert_eq!(limited.oneshot(request).await.unwrap().status(), 200);
//! # }
//! ```
//!
//! # Placement in an axum `Router`
//! The layer must see requests that match no route. `Router::layer` wraps
//! every route that exists when it is called and the fallback (axum's
//! built-in 404 too), so call it after your routes and fallback; or wrap the
//! whole router as a service (`layer.layer(router)`). Pitfalls, each tested:
//! - `route_layer` wraps matched routes only: it never sees the endpoint.
//! - `.layer(L).fallback(h)`: the fallback added afterwards answers instead.
//! - `.layer(L).merge(other)`: the merged router's fallback replaces the
//!   layered one, and the endpoint is gone.
//! - A route registered for the endpoint's path is shadowed by the endpoint
//!   when the layer is added after it, and wins when added before.
//! - Inside `nest("/api", router)`, the layer sees the path with the prefix
//!   stripped, and only when the nested router has its own fallback.
//!
//! # Example
//! ```
//! use axum::{routing::get, Router};
//! use tower_revoke::{MemoryStore, RevocationEndpointLayer};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let store = MemoryStore::from_seed_json(r#"{
//!     "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
//!     "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1"}]
//! }"#)?;
//! let app = Router::new()
//!     .route("/", get(|| async { "hello" }))
//!     .layer(RevocationEndpointLayer::new(store).path("/oauth/revoke"));
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! # drop(listener); let _ = app; return Ok(());
//! axum::serve(listener, app).await?;
//! # Ok(())
//! # }
//! ```

mod future;
mod handle;
pub(crate) mod layer;
mod responder;
mod service;

pub use future::ResponseFuture;
pub use responder::{OtherClientToken, RevocationResponder, RevokedResponse, UnknownTokenResponse};
pub use service::RevocationEndpoint;

pub(crate) use layer::RevocationEndpointLayer;
pub(crate) use responder::authenticate;
