//! The data every contender shares: the client, the tokens, and the exact
//! request bytes.

use axum::body::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HOST};
use http::{HeaderValue, Method, Request};
use http_body::{Frame, SizeHint};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// The RFC 6749 §2.3.1 example client.
pub const CLIENT_ID: &str = "s6BhdRkqt3";
/// Its secret (no character that form-decoding would change).
pub const CLIENT_SECRET: &str = "7Fjfp0ZBr1KtDRbnfVdmIw";
/// A wrong secret of the same length.
pub const WRONG_SECRET: &str = "7Fjfp0ZBr1KtDRbnfVdmIx";
/// The endpoint's default body limit, in bytes.
pub const BODY_LIMIT: usize = 16 * 1024;
/// Chunk size of the streamed oversize body, in bytes.
pub const STREAM_CHUNK: usize = 1024;

/// SplitMix64: a fixed, dependency-free source of token names and orders.
pub fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// `n` distinct 32-character opaque tokens of generation `generation`,
/// in a shuffled order (so that revoking them in this order does not walk
/// the store's records in allocation order).
pub fn tokens(generation: u64, n: usize) -> Vec<String> {
    let mut tokens: Vec<String> = (0..n as u64)
        .map(|i| {
            format!(
                "{:08x}{:016x}{:08x}",
                generation as u32,
                mix(i ^ generation << 40),
                i as u32
            )
        })
        .collect();
    for i in (1..tokens.len()).rev() {
        let j = (mix(i as u64 ^ 0xA5A5) % (i as u64 + 1)) as usize;
        tokens.swap(i, j);
    }
    tokens
}

/// A seed document for `MemoryStore::from_seed_json`: the client, a second
/// client, and `tokens` as access tokens of the client.
pub fn seed_json(tokens: &[String]) -> String {
    let mut json = String::with_capacity(96 + tokens.len() * 80);
    json.push_str(r#"{"clients":["#);
    json.push_str(&format!(
        r#"{{"client_id":"{CLIENT_ID}","client_secret":"{CLIENT_SECRET}"}},{{"client_id":"other","client_secret":"other-secret"}}"#
    ));
    json.push_str(r#"],"tokens":["#);
    for (i, token) in tokens.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(r#"{"token":""#);
        json.push_str(token);
        json.push_str(r#"","type":"access_token","client_id":""#);
        json.push_str(CLIENT_ID);
        json.push_str(r#""}"#);
    }
    json.push_str("]}");
    json
}

/// The request bytes, shared by every contender.
pub struct Requests {
    basic: HeaderValue,
    wrong_basic: HeaderValue,
    form: HeaderValue,
    oversize: Bytes,
}

impl Default for Requests {
    fn default() -> Self {
        let basic = |secret: &str| {
            let encoded = STANDARD.encode(format!("{CLIENT_ID}:{secret}"));
            HeaderValue::from_str(&format!("Basic {encoded}")).unwrap()
        };
        let mut oversize = b"token=".to_vec();
        oversize.resize(BODY_LIMIT + 1, b'a');
        Self {
            basic: basic(CLIENT_SECRET),
            wrong_basic: basic(WRONG_SECRET),
            form: HeaderValue::from_static("application/x-www-form-urlencoded"),
            oversize: Bytes::from(oversize),
        }
    }
}

impl Requests {
    fn post(&self, authorization: &HeaderValue, body: Body) -> Request<Body> {
        let mut request = Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = http::Uri::from_static("/revoke");
        let headers = request.headers_mut();
        headers.insert(HOST, HeaderValue::from_static("auth.example.com"));
        headers.insert(CONTENT_TYPE, self.form.clone());
        headers.insert(AUTHORIZATION, fresh(authorization));
        request
    }

    /// The RFC 7009 §2.1 request: `client_secret_basic`, a form body with
    /// the token and its hint.
    pub fn revoke(&self, token: &str) -> Request<Body> {
        let body = format!("token={token}&token_type_hint=access_token");
        self.post(&self.basic, Body::from(body))
    }

    /// The same request with a wrong client secret.
    pub fn bad_credentials(&self, token: &str) -> Request<Body> {
        let body = format!("token={token}&token_type_hint=access_token");
        self.post(&self.wrong_basic, Body::from(body))
    }

    /// The same request with `token` twice.
    pub fn duplicate_parameter(&self, token: &str) -> Request<Body> {
        let body = format!("token={token}&token={token}&token_type_hint=access_token");
        self.post(&self.basic, Body::from(body))
    }

    /// One byte over the limit, with an exact size hint (a `Content-Length`).
    pub fn oversize(&self) -> Request<Body> {
        self.post(&self.basic, Body::from(self.oversize.clone()))
    }

    /// 64 KiB streamed in 1 KiB chunks without a size hint (chunked
    /// encoding); `read` counts the bytes the service pulled.
    pub fn oversize_streamed(&self, read: Arc<AtomicUsize>) -> Request<Body> {
        let body = Chunks {
            chunk: self.oversize.slice(..STREAM_CHUNK),
            left: 64,
            read,
        };
        self.post(&self.basic, Body::new(body))
    }

    /// A request for the application, not the endpoint.
    pub fn other_path(&self) -> Request<Body> {
        let mut request = Request::new(Body::empty());
        *request.uri_mut() = http::Uri::from_static("/api/items?page=2");
        let headers = request.headers_mut();
        headers.insert(HOST, HeaderValue::from_static("auth.example.com"));
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(AUTHORIZATION, fresh(&self.basic));
        request
    }
}

/// A copy of `value` in a buffer of its own, as a server parses each
/// request into its own buffer: a clone would share one reference count
/// between every request, and two threads would contend on it.
pub fn fresh(value: &HeaderValue) -> HeaderValue {
    HeaderValue::from_bytes(value.as_bytes()).expect("a valid header value stays valid")
}

/// A body of `left` equal chunks with no size hint, counting what is read.
struct Chunks {
    chunk: Bytes,
    left: usize,
    read: Arc<AtomicUsize>,
}

impl http_body::Body for Chunks {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.left == 0 {
            return Poll::Ready(None);
        }
        self.left -= 1;
        self.read.fetch_add(self.chunk.len(), Ordering::Relaxed);
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::default()
    }
}
