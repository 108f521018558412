//! [`MetadataService`]: serves one metadata document (RFC 8414 §3, RFC
//! 9728 §3).

use bytes::Bytes;
use http::header::{HeaderValue, ALLOW, CONTENT_LENGTH, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use std::convert::Infallible;
use std::future::{ready, Ready};
use std::task::{Context, Poll};
use tower_service::Service;

/// Answers every request with one metadata document, made by
/// [`AuthorizationServerMetadata::service`](super::AuthorizationServerMetadata::service)
/// or [`ProtectedResourceMetadata::service`](super::ProtectedResourceMetadata::service)
/// (and, with the `status-list` feature, the JWK Set of
/// `status_list::StatusIssuer::jwks_service`):
/// `GET` gets 200 with the document as `application/json` (RFC 8414 §3.2,
/// RFC 9728 §3.2),
/// `HEAD` the same headers without content, any other method 405 with
/// `Allow: GET, HEAD`. Always ready; cheap to clone.
#[derive(Debug, Clone)]
pub struct MetadataService {
    document: Bytes,
}

impl MetadataService {
    /// Serves `document` as JSON.
    pub(crate) fn of(document: &serde_json::Value) -> Self {
        let document = serde_json::to_vec(document).unwrap_or_default();
        Self {
            document: Bytes::from(document),
        }
    }

    /// The document's JSON bytes.
    pub fn document(&self) -> &Bytes {
        &self.document
    }

    fn answer(&self, method: &Method) -> Response<Full<Bytes>> {
        let builder = Response::builder();
        let response = if method == Method::GET || method == Method::HEAD {
            let content = match method == Method::GET {
                true => self.document.clone(),
                false => Bytes::new(),
            };
            builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .header(CONTENT_LENGTH, HeaderValue::from(self.document.len()))
                .body(Full::new(content))
        } else {
            builder
                .status(StatusCode::METHOD_NOT_ALLOWED)
                .header(ALLOW, HeaderValue::from_static("GET, HEAD"))
                .body(Full::new(Bytes::new()))
        };
        // Fixed, valid statuses and headers: building cannot fail.
        response.unwrap_or_default()
    }
}

impl<B> Service<Request<B>> for MetadataService {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        ready(Ok(self.answer(request.method())))
    }
}
