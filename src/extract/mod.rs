//! axum extractors for a revocation endpoint (RFC 7009 §2.1), its client
//! authentication (RFC 6749 §2.3.1) and Bearer-protected resources
//! (RFC 6750 §2.1).
//!
//! The extractors are implemented on the crate's own types, so a handler
//! names what it wants to receive:
//!
//! | Extractor | Reads | Rejection |
//! |---|---|---|
//! | [`RevocationRequest`] | the body: the token and `token_type_hint` | [`RequestRejection`] |
//! | [`ClientRevocation`] | the body and the headers: the request and exactly one client authentication method | [`RevocationRejection`] |
//! | [`ClientCredentials`], `Option<ClientCredentials>` | the headers: `Authorization: Basic` or the app-key pair | [`ClientAuthRejection`] |
//! | [`BearerToken`], `Option<BearerToken>` | the headers: `Authorization: Bearer` | [`BearerRejection`] |
//!
//! Every rejection renders as an RFC 6749 §5.2 JSON error
//! (`{"error":"...","error_description":"..."}`) with
//! `Cache-Control: no-store` and `Pragma: no-cache`, plus a
//! `WWW-Authenticate` challenge on a 401.
//!
//! # Configuration
//! The extractors read a [`RequestReader`] from the request extensions,
//! for example one inserted by axum's `Extension` layer, and use
//! `RequestReader::default()` when there is none: a form body with a
//! `token` parameter, `client_secret_basic` (form-decoded),
//! `client_secret_post` and `none`. The realm of their challenges is a
//! [`Realm`] extension's, `"tower-revoke"` when there is none.
//!
//! The body extractors check the `Content-Type` and the query string before
//! they read the body, then buffer it through axum's `Bytes` extractor, so
//! axum's `DefaultBodyLimit` applies: a longer body is refused with a 413
//! [`PayloadTooLarge`] without being read past the limit.
//!
//! # Example
//! ```
//! use axum::{extract::DefaultBodyLimit, routing::post, Extension, Router};
//! use tower::ServiceExt;
//! use tower_revoke::request::{BasicDecoding, ClientRevocation, RequestReader};
//!
//! async fn revoke(revocation: ClientRevocation) -> &'static str {
//!     let client_id = revocation.credentials.client_id();
//!     let token = revocation.request.token();
//!     // Authenticate the client, then revoke `token` in your store.
//!     # assert_eq!((client_id.as_str(), token.secret()), ("s6BhdRkqt3", "45ghiukldjahdnhzdauz"));
//!     "" // RFC 7009 §2.2: 200 with an empty body.
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let app = Router::new()
//!     .route("/revoke", post(revoke))
//!     .layer(Extension(RequestReader::default().basic_decoding(BasicDecoding::Lenient)))
//!     .layer(DefaultBodyLimit::max(4096));
//!
//! // The RFC 7009 §2.1 example request.
//! let request = http::Request::post("/revoke")
//!     .header("content-type", "application/x-www-form-urlencoded")
//!     .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
//!     .body(axum::body::Body::from("token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token"))
//!     .unwrap();
//! let response = app.oneshot(request).await.unwrap();
//! assert_eq!(response.status(), 200);
//! # }
//! ```
//!
//! # Security
//! The extractors read credentials; they do not verify them. Check the
//! client's secret (for example with [`ClientSecret::verify`]) or hand the
//! credentials to a [`RevocationStore`] before revoking anything. TLS is not
//! enforced here: terminate it in front of the service (RFC 7009 §2 has
//! clients require an HTTPS URL).
//! Rejections never echo a submitted token, client id or secret.
//!
//! [`RevocationRequest`]: crate::request::RevocationRequest
//! [`ClientRevocation`]: crate::request::ClientRevocation
//! [`ClientCredentials`]: crate::client::ClientCredentials
//! [`BearerToken`]: crate::request::BearerToken
//! [`RequestReader`]: crate::request::RequestReader
//! [`ClientSecret::verify`]: crate::client::ClientSecret::verify
//! [`RevocationStore`]: crate::RevocationStore
//! [`RequestRejection`]: crate::rejection::RequestRejection
//! [`RevocationRejection`]: crate::rejection::RevocationRejection
//! [`ClientAuthRejection`]: crate::rejection::ClientAuthRejection
//! [`BearerRejection`]: crate::rejection::BearerRejection
//! [`PayloadTooLarge`]: crate::rejection::PayloadTooLarge

mod bearer;
mod client_credentials;
mod client_revocation;
mod revocation_request;

use crate::rejection::{FailedToReadBody, PayloadTooLarge, RequestRejection};
use crate::request::RequestReader;
use crate::response::Realm;
use axum_core::extract::rejection::BytesRejection;
use axum_core::extract::{FromRequest, Request};
use bytes::Bytes;
use http::request::Parts;
use http::{Extensions, StatusCode};
use std::sync::LazyLock;

/// The reader used when a request carries none.
static DEFAULT_READER: LazyLock<RequestReader> = LazyLock::new(RequestReader::default);

/// The realm used when a request carries none.
static DEFAULT_REALM: LazyLock<Realm> = LazyLock::new(Realm::default);

/// The request's [`RequestReader`] extension, or the default.
fn reader(extensions: &Extensions) -> &RequestReader {
    or_default(extensions.get())
}

/// The request's [`Realm`] extension, or the default `"tower-revoke"`.
fn realm(extensions: &Extensions) -> &Realm {
    extensions.get().unwrap_or(&DEFAULT_REALM)
}

fn or_default(reader: Option<&RequestReader>) -> &RequestReader {
    reader.unwrap_or(&DEFAULT_READER)
}

/// What a body extractor works from: the head, already checked; the body,
/// buffered within axum's `DefaultBodyLimit`; the reader and the realm.
struct Buffered {
    parts: Parts,
    body: Bytes,
    reader: Option<RequestReader>,
    realm: Option<Realm>,
}

impl Buffered {
    /// Checks the head (media type, query string), then buffers the body.
    ///
    /// The request is consumed here, so the reader is moved out of
    /// its extensions rather than cloned; the remaining extensions travel
    /// with the body to `Bytes::from_request`, where axum looks up the
    /// `DefaultBodyLimit`.
    async fn read<S: Send + Sync>(req: Request, state: &S) -> Result<Self, RequestRejection> {
        let (mut parts, body) = req.into_parts();
        let reader = parts.extensions.remove::<RequestReader>();
        let realm = parts.extensions.remove::<Realm>();
        or_default(reader.as_ref()).check_head(&parts)?;
        let mut body = Request::new(body);
        *body.extensions_mut() = std::mem::take(&mut parts.extensions);
        let body = Bytes::from_request(body, state)
            .await
            .map_err(body_rejection)?;
        Ok(Self {
            parts,
            body,
            reader,
            realm,
        })
    }

    fn reader(&self) -> &RequestReader {
        or_default(self.reader.as_ref())
    }

    fn realm(&self) -> &Realm {
        self.realm.as_ref().unwrap_or(&DEFAULT_REALM)
    }
}

/// axum's body limit is a 413 [`PayloadTooLarge`]; any other failure to
/// buffer the body is a 400 [`FailedToReadBody`].
fn body_rejection(rejection: BytesRejection) -> RequestRejection {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        PayloadTooLarge.into()
    } else {
        FailedToReadBody.into()
    }
}
