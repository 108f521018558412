//! Requests under construction, sent through a service with `oneshot`.

use super::reply::Reply;
use axum::body::Body;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, Request, Response};
use std::convert::Infallible;
use tower::{Service, ServiceExt};

pub const FORM: &str = "application/x-www-form-urlencoded";

/// `Basic` and the standard base64 of `id_secret`, without form-encoding.
pub fn basic(id_secret: impl AsRef<[u8]>) -> String {
    format!("Basic {}", STANDARD.encode(id_secret))
}

/// A request under construction. Its body is buffered, so that it can be
/// sent again and compared with what an application received.
#[derive(Debug, Clone)]
pub struct Req {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
    case: String,
}

/// A request with no headers and no body.
pub fn request(method: Method, uri: &str) -> Req {
    Req {
        method,
        uri: uri.to_owned(),
        headers: HeaderMap::new(),
        body: Bytes::new(),
        case: String::new(),
    }
}

/// A GET without headers.
pub fn get(uri: &str) -> Req {
    request(Method::GET, uri)
}

/// A POST with `body` and no `Content-Type`.
pub fn post(uri: &str, body: impl Into<Bytes>) -> Req {
    request(Method::POST, uri).body(body)
}

/// A POST with `Content-Type: application/x-www-form-urlencoded` and `body`.
pub fn form(uri: &str, body: impl Into<Bytes>) -> Req {
    post(uri, body).header(CONTENT_TYPE.as_str(), FORM)
}

impl Req {
    /// Appends a header; repeated names give repeated headers.
    pub fn header(mut self, name: &str, value: impl AsRef<[u8]>) -> Self {
        let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
        let value = HeaderValue::from_bytes(value.as_ref()).unwrap();
        self.headers.append(name, value);
        self
    }

    /// Adds `Authorization: Basic` for `id:secret` (not form-encoded).
    pub fn basic(self, id: &str, secret: &str) -> Self {
        self.header(AUTHORIZATION.as_str(), basic(format!("{id}:{secret}")))
    }

    /// Adds `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header(AUTHORIZATION.as_str(), format!("Bearer {token}"))
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Names the case in assertion messages.
    pub fn case(mut self, case: &str) -> Self {
        self.case = case.to_owned();
        self
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The request with `body` instead of the buffered one.
    pub fn with_body<B>(self, body: B) -> Request<B> {
        let mut request = Request::builder()
            .method(self.method)
            .uri(self.uri)
            .body(body)
            .unwrap();
        *request.headers_mut() = self.headers;
        request
    }

    /// The request with its buffered body.
    pub fn build(self) -> Request<Body> {
        let body = Body::from(self.body.clone());
        self.with_body(body)
    }

    /// A copy of the request with its buffered body as bytes.
    pub fn buffered(&self) -> Request<Bytes> {
        self.clone().with_body(self.body.clone())
    }

    /// Sends the request through a clone of `app` (a `Router`, or any
    /// service of `Request<Body>`) and reads the whole response.
    pub async fn send<S, B>(self, app: &S) -> Reply
    where
        S: Service<Request<Body>, Response = Response<B>, Error = Infallible> + Clone,
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        self.send_to(app.clone()).await
    }

    /// Sends the request through any service of `Request<Body>`.
    pub async fn send_to<S, B>(self, service: S) -> Reply
    where
        S: Service<Request<Body>, Response = Response<B>, Error = Infallible>,
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        let body = Body::from(self.body.clone());
        self.exchange(service, body).await
    }

    /// Sends the request through `app` with `body` streamed in place of the
    /// buffered one.
    pub async fn send_streaming<B>(self, app: &Router, body: B) -> Reply
    where
        B: http_body::Body<Data = Bytes> + Send + 'static,
        B::Error: Into<axum::BoxError>,
    {
        self.exchange(app.clone(), Body::new(body)).await
    }

    async fn exchange<S, B>(self, service: S, body: Body) -> Reply
    where
        S: Service<Request<Body>, Response = Response<B>, Error = Infallible>,
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        let label = format!(
            "{} {} {} {:?}",
            self.case, self.method, self.uri, self.headers
        );
        let method = self.method.clone();
        let response = service.oneshot(self.with_body(body)).await.unwrap();
        Reply::read(method, response).await.labelled(label)
    }
}
