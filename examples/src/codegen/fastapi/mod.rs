//! FastAPI-compatible responses, for endpoints that must answer exactly as a
//! FastAPI service (Starlette, pydantic v2) does.
//!
//! Some APIs that sit next to a revocation endpoint are FastAPI services,
//! and their clients parse FastAPI's error shapes. This module renders them
//! byte for byte, with `serde_json` (compact, non-ASCII unescaped, as
//! Starlette's `JSONResponse` writes them):
//!
//! | Type | Status | Body | Headers |
//! |---|---|---|---|
//! | [`RequestValidationError`] | 422 | `{"detail":[{"type":..,"loc":[..],"msg":..,"input":..}]}` | `Content-Type: application/json` |
//! | [`NotAuthenticated`] | 401 | `{"detail":"Not authenticated"}` | the same, `WWW-Authenticate: Bearer` |
//! | [`InvalidAuthenticationCredentials`] | 401 | `{"detail":"Invalid authentication credentials"}` | the same, `WWW-Authenticate: Bearer` |
//!
//! and reads what FastAPI reads:
//!
//! - [`HttpBearer`]: `Authorization: Bearer <token>`, refused as FastAPI's
//!   `HTTPBearer` refuses it (an axum extractor with the `axum` feature).
//! - [`QueryParams`]: the query string as Starlette parses it, with
//!   [`required_str`](QueryParams::required_str) and
//!   [`required_int`](QueryParams::required_int) validating a parameter as
//!   pydantic validates a required `str` or `int` query parameter, and
//!   [`CollectErrors`] reporting every failed parameter at once, in order.
//!
//! # Example
//! A handler for `POST /items?name=..&org_id=..`, authenticated first, then
//! validated, as a FastAPI endpoint with an `HTTPBearer` dependency:
//! ```
//! use axum::{body::Body, http::Request, response::IntoResponse, routing::post, Router};
//! use tower::ServiceExt;
//! use tower_revoke_examples::codegen::fastapi::{CollectErrors, HttpBearer, QueryParams};
//!
//! async fn handler(HttpBearer(_token): HttpBearer, query: QueryParams) -> impl IntoResponse {
//!     let (name, org_id) = match (query.required_str("name"), query.required_int("org_id"))
//!         .collect_errors()
//!     {
//!         Ok(valid) => valid,
//!         Err(rejection) => return rejection.into_response(),
//!     };
//!     format!("{name} in {org_id}").into_response()
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let app = Router::new().route("/items", post(handler));
//!
//! let request = Request::post("/items?org_id=abc")
//!     .header("authorization", "Bearer mF_9.B5f-4.1JqM")
//!     .body(Body::empty())
//!     .unwrap();
//! let response = app.clone().oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 422);
//! let body = axum::body::to_bytes(response.into_body(), 1024).await.unwrap();
//! assert_eq!(
//!     body,
//!     concat!(
//!         r#"{"detail":[{"type":"missing","loc":["query","name"],"msg":"Field required","input":null},"#,
//!         r#"{"type":"int_parsing","loc":["query","org_id"],"#,
//!         r#""msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]}"#,
//!     )
//! );
//!
//! // Authentication is checked before the query, as FastAPI solves its
//! // security dependency before it validates the endpoint's parameters.
//! let request = Request::post("/items?org_id=abc").body(Body::empty()).unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 401);
//! assert_eq!(response.headers()["www-authenticate"], "Bearer");
//! # }
//! ```
//!
//! # Security
//! [`ValidationError::input`] echoes what the client sent, as FastAPI does:
//! validate only parameters that are not secrets. [`QueryParams`]'s `Debug`
//! shows parameter names, never values. [`HttpBearer`] only reads the
//! token: check it against a store (for example with
//! `IntrospectionStore::introspect`)
//! and answer [`InvalidAuthenticationCredentials`] when it is not active.

mod bearer;
mod query;
mod response;
mod validation;

pub use bearer::{
    HttpBearer, HttpBearerRejection, InvalidAuthenticationCredentials, NotAuthenticated,
};
pub use query::QueryParams;
pub use validation::{CollectErrors, LocItem, RequestValidationError, ValidationError};
