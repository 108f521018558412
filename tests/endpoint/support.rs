//! The application under test, requests to send it, and the checks every
//! endpoint response must pass.

use axum::body::Body;
use axum::extract::Request as AxumRequest;
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, Uri};
use http_body_util::BodyExt;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use tower::{Service, ServiceExt};
use tower_revoke::{MemoryStore, RevocationEndpointLayer, RevocationStore};

pub const FORM: &str = "application/x-www-form-urlencoded";

/// `examples/seed.json`, plus a client whose secret holds a `+`.
pub const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "0th3r-s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "plus", "client_secret": "pa+ss"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "subject": "bob"},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "PAT1", "type": "access_token", "client_id": "pub1", "subject": "carol"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "subject": "dave"},
    {"token": "PLUS1", "type": "access_token", "client_id": "plus"}
  ]
}"#;

/// A fresh store loaded from [`SEED`]; its clones share its state.
pub fn store() -> MemoryStore {
    MemoryStore::from_seed_json(SEED).expect("the test seed loads")
}

/// The `error_description` of each refusal.
pub mod desc {
    pub const METHOD: &str = "the revocation endpoint accepts only POST";
    pub const CONTENT_TYPE: &str = "unsupported or missing content type";
    pub const TOO_LARGE: &str = "request body is too large";
    pub const FAILED_TO_READ: &str = "failed to read the request body";
    pub const FORM_ENCODING: &str = "request body is not valid form encoding";
    pub const DUPLICATE: &str = "a request parameter was repeated";
    pub const MISSING_TOKEN: &str = "the token parameter is missing";
    pub const IN_QUERY: &str = "tokens and client secrets are not accepted in the query string";
    pub const MISSING_CLIENT: &str = "client authentication is required";
    pub const MALFORMED_CLIENT: &str = "malformed client credentials";
    pub const CLIENT_ID_MISMATCH: &str = "client_id does not match the authenticated client";
    pub const MISSING_CLIENT_ID: &str = "client_secret requires client_id";
    pub const OTHER_SCHEME: &str = "unsupported authorization scheme for client authentication";
    pub const METHOD_NOT_ALLOWED: &str = "client authentication method not allowed";
    pub const AUTH_FAILED: &str = "client authentication failed";
    pub const MULTIPLE_METHODS: &str = "more than one client authentication method was used";
    pub const OTHER_CLIENT: &str = "the token was issued to another client";
    pub const UNSUPPORTED: &str = "this token type cannot be revoked";
    pub const UNAVAILABLE: &str = "the token store is unavailable, retry later";
    pub const BEARER_REQUIRED: &str = "a bearer token is required";
    pub const BEARER_INVALID: &str = "the bearer token is malformed, expired or revoked";
    pub const MULTIPLE_AUTHORIZATION: &str = "more than one authorization header";
}

/// The default realm's challenges.
pub mod challenge {
    pub const BASIC: &str = r#"Basic realm="tower-revoke""#;
    pub const BASIC_INVALID_CLIENT: &str = r#"Basic realm="tower-revoke", error="invalid_client""#;
    pub const BEARER: &str = r#"Bearer realm="tower-revoke""#;
    pub const BEARER_INVALID_TOKEN: &str = r#"Bearer realm="tower-revoke", error="invalid_token""#;
}

/// The headers of every JSON response of the endpoint.
pub const JSON: &[(&str, &str)] = &[
    ("content-type", "application/json"),
    ("cache-control", "no-store"),
    ("pragma", "no-cache"),
];

/// The headers of the endpoint's empty responses (204, 404).
pub const NO_STORE: &[(&str, &str)] = &[("cache-control", "no-store"), ("pragma", "no-cache")];

/// The exact RFC 6749 §5.2 body for `code` and `description`.
pub fn error_body(code: &str, description: &str) -> String {
    format!(r#"{{"error":"{code}","error_description":"{description}"}}"#)
}

/// `Basic` and the standard base64 of `id:secret`, without form-encoding.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// A request the application's own code received.
#[derive(Debug, Clone, PartialEq)]
pub struct Seen {
    pub method: Method,
    pub uri: Uri,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// The application behind the layer: `GET /` answers `home`; any other
/// request reaches a fallback that records it and answers 418 with headers
/// the endpoint would never send.
#[derive(Clone, Default)]
pub struct Inner {
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// The fallback's answer, to recognise an untouched inner response.
pub const INNER_BODY: &str = "answered by the application";

impl Inner {
    /// The application's routes and fallback, without the layer.
    pub fn router(&self) -> Router {
        let seen = Arc::clone(&self.seen);
        Router::new()
            .route("/", get(|| async { "home" }))
            .fallback(move |request: AxumRequest| {
                let seen = Arc::clone(&seen);
                async move {
                    let (parts, body) = request.into_parts();
                    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
                    seen.lock().unwrap().push(Seen {
                        method: parts.method,
                        uri: parts.uri,
                        headers: parts.headers,
                        body,
                    });
                    Response::builder()
                        .status(StatusCode::IM_A_TEAPOT)
                        .header("x-inner", "fallback")
                        .header("cache-control", "public, max-age=60")
                        .body(Body::from(INNER_BODY))
                        .unwrap()
                }
            })
    }

    /// The requests the fallback received, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// The application with `layer` added by `Router::layer` after its routes
/// and fallback, as the endpoint's docs recommend.
pub fn app<St: RevocationStore>(layer: RevocationEndpointLayer<St>) -> (Router, Inner) {
    let inner = Inner::default();
    (inner.router().layer(layer), inner)
}

/// The application in front of a [`store`] clone with the default layer.
pub fn default_app(store: &MemoryStore) -> (Router, Inner) {
    app(RevocationEndpointLayer::new(store.clone()))
}

/// A request under construction.
#[derive(Debug, Clone)]
pub struct Req {
    method: Method,
    uri: String,
    headers: HeaderMap,
    body: Bytes,
}

/// A form POST to `/revoke` with `body`.
pub fn revoke(body: &str) -> Req {
    form("/revoke", body)
}

/// A form POST to `uri` with `body`.
pub fn form(uri: &str, body: &str) -> Req {
    request(Method::POST, uri)
        .header(CONTENT_TYPE.as_str(), FORM)
        .body(body.to_owned())
}

/// A request with no headers and no body.
pub fn request(method: Method, uri: &str) -> Req {
    Req {
        method,
        uri: uri.to_owned(),
        headers: HeaderMap::new(),
        body: Bytes::new(),
    }
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
        self.header(AUTHORIZATION.as_str(), basic(id, secret))
    }

    /// Replaces the body.
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
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

    /// What the application should see if this request reaches it.
    pub fn seen(&self) -> Seen {
        Seen {
            method: self.method.clone(),
            uri: self.uri.parse().unwrap(),
            headers: self.headers.clone(),
            body: self.body.clone(),
        }
    }

    /// Sends the request through `app` with `oneshot`, reading the whole
    /// response.
    pub async fn send(self, app: &Router) -> Reply {
        send_to(app.clone(), self).await
    }
}

/// Sends `request` through any service of `Request<Body>`.
pub async fn send_to<S, B>(service: S, request: Req) -> Reply
where
    S: Service<Request<Body>, Response = Response<B>, Error = Infallible>,
    B: http_body::Body,
    B::Error: std::fmt::Debug,
{
    let method = request.method.clone();
    let response = service.oneshot(request.build()).await.unwrap();
    Reply::read(method, response).await
}

/// A response, read whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub method: Method,
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Reply {
    /// Reads `response` to its end; `method` is the request's.
    pub async fn read<B>(method: Method, response: Response<B>) -> Self
    where
        B: http_body::Body,
        B::Error: std::fmt::Debug,
    {
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Self {
            method,
            status: parts.status,
            headers: parts.headers,
            body,
        }
    }

    /// The only value of header `name`, as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut values = self.headers.get_all(name).iter();
        let value = values.next()?;
        assert!(values.next().is_none(), "{name} is repeated: {self:?}");
        Some(value.to_str().unwrap())
    }

    /// Asserts the status, the exact body and the exact header set: `headers`
    /// plus only what the transport adds (`content-length` equal to the
    /// body's length, `date`). A response to `HEAD` must have no body and
    /// the `content-length` of `body`.
    #[track_caller]
    pub fn assert(&self, status: u16, body: &[u8], headers: &[(&str, &str)]) {
        assert_eq!(self.status.as_u16(), status, "status of {self:?}");
        let head = self.method == Method::HEAD;
        let expected_body: &[u8] = if head { b"" } else { body };
        assert_eq!(
            String::from_utf8_lossy(&self.body),
            String::from_utf8_lossy(expected_body),
            "body of {self:?}"
        );
        let mut actual = Vec::new();
        for (name, value) in &self.headers {
            let value = value.to_str().unwrap().to_owned();
            match name.as_str() {
                "date" => {}
                "content-length" => assert_eq!(value, body.len().to_string(), "{self:?}"),
                _ => actual.push((name.as_str().to_owned(), value)),
            }
        }
        let mut expected: Vec<_> = headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect();
        actual.sort();
        expected.sort();
        assert_eq!(actual, expected, "headers of {self:?}");
    }

    /// Asserts an RFC 6749 §5.2 JSON error with these extra headers.
    #[track_caller]
    pub fn assert_error(&self, status: u16, code: &str, description: &str, extra: &[(&str, &str)]) {
        let headers: Vec<_> = JSON.iter().chain(extra).copied().collect();
        self.assert(status, error_body(code, description).as_bytes(), &headers);
    }

    /// Asserts 400 `invalid_request` with `description`.
    #[track_caller]
    pub fn assert_invalid_request(&self, description: &str) {
        self.assert_error(400, "invalid_request", description, &[]);
    }

    /// Asserts the default success: 200, `application/json`, body `{}`.
    #[track_caller]
    pub fn assert_revoked(&self) {
        self.assert(200, b"{}", JSON);
    }

    /// Asserts the response came from [`Inner`]'s fallback, untouched.
    #[track_caller]
    pub fn assert_from_inner(&self) {
        self.assert(
            418,
            INNER_BODY.as_bytes(),
            &[
                ("x-inner", "fallback"),
                ("cache-control", "public, max-age=60"),
            ],
        );
    }
}
