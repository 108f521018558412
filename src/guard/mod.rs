//! A Bearer guard for protected resources (RFC 6750): lets a request through
//! only with an active access token, and tells the handler whose it is.
//!
//! [`BearerAuthLayer`](crate::BearerAuthLayer) reads `Authorization: Bearer <token>` (RFC 6750 §2.1)
//! and asks the [`IntrospectionStore`](crate::IntrospectionStore) whether it
//! is an active access token. If it is, the request goes on with the
//! token's [`ActiveToken`](crate::ActiveToken) facts (client id, subject,
//! expiry, scope) in its extensions. Otherwise the guard answers 401 with
//! `WWW-Authenticate: Bearer realm="..."`, plus `error="invalid_token"` when a
//! token was presented (RFC 6750 §3.1); 400 `invalid_request` for several
//! `Authorization` headers; 503 `temporarily_unavailable` when the store
//! fails. A revoked token stops working on the next request.
//!
//! The guard calls the inner service inside its response future when the
//! store has to be awaited; see [`BearerAuth`].
//!
//! # Example
//! ```
//! use axum::{routing::get, Extension, Json, Router};
//! use tower_revoke::{ActiveToken, BearerAuthLayer, MemoryStore};
//!
//! async fn me(Extension(token): Extension<ActiveToken>) -> Json<serde_json::Value> {
//!     Json(serde_json::json!({ "sub": token.sub(), "client_id": token.client_id().as_str() }))
//! }
//!
//! let store = MemoryStore::new();
//! let app: Router = Router::new().route("/me", get(me).layer(BearerAuthLayer::new(store)));
//! ```

mod future;
pub(crate) mod layer;
mod service;

pub use future::ResponseFuture;
pub use service::BearerAuth;
