//! A whole request through `RevocationEndpointLayer` over a `MemoryStore`:
//! an arbitrary method, path, headers, body (in arbitrary chunks, with an
//! optional stream error and trailers) and endpoint configuration, polled
//! by hand with a no-op waker (every future involved is ready at once, so a
//! `Pending` that never resolves is a hang).
//!
//! Invariants:
//! - no panic, and the response future and body complete;
//! - a request to another path reaches the inner service, once, untouched;
//!   one to the endpoint's path never does;
//! - every endpoint response carries `Cache-Control: no-store` and
//!   `Pragma: no-cache`, and its status is one of 200, 204, 400, 401, 404,
//!   405, 413 (never 5xx: the store cannot fail);
//! - the body is never read past `max_body_size` (plus the chunk that
//!   crossed it);
//! - tokens change state only with a 200/204, only the token named in the
//!   request (and its grant) of the client that authenticated, checked
//!   against an independent model of the seed;
//! - conversely, a well-formed request from an authenticated client gets
//!   the answer RFC 7009 §2.2 asks for, decided by the same model.

#![no_main]

use arbitrary::Arbitrary;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CACHE_CONTROL, PRAGMA};
use http::{HeaderMap, Request, Response, StatusCode};
use http_body::{Body as _, Frame, SizeHint};
use libfuzzer_sys::fuzz_target;
use std::collections::VecDeque;
use std::convert::Infallible;
use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use tower_layer::Layer;
use tower_revoke::{
    AppKeyHeaders, BasicDecoding, BodyEncoding, ClientAuthMethod, ClientAuthMethods,
    ClientCredentials, MemoryStore, OtherClientToken, RequestReader, RevocationEndpointLayer,
    RevokedResponse, UnknownTokenResponse,
};
use tower_service::Service;

const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "app2", "client_secret": "p+a:s%s w"},
    {"client_id": "pub1"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1"},
    {"token": "AT2", "type": "access_token", "client_id": "app2"},
    {"token": "PAT1", "type": "access_token", "client_id": "pub1"},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000}
  ]
}"#;

/// The seed's clients: id and secret (`None`: public).
const CLIENTS: &[(&str, Option<&str>)] = &[
    ("app1", Some("s3cr3t")),
    ("app2", Some("p+a:s%s w")),
    ("pub1", None),
];

/// The seed's tokens: value, client, grant, refresh token?, revocable.
const TOKENS: &[(&str, &str, Option<&str>, bool, bool)] = &[
    ("AT1", "app1", Some("G1"), false, true),
    ("RT1", "app1", Some("G1"), true, true),
    ("AT2", "app2", None, false, true),
    ("PAT1", "pub1", None, false, true),
    ("jwt", "app1", None, false, false),
    ("old", "app1", None, false, true),
];

/// Values the fuzzer can name in one byte, so it reaches success paths.
const KNOWN: &[&str] = &[
    "app1",
    "app2",
    "pub1",
    "nobody",
    "s3cr3t",
    "p+a:s%s w",
    "wrong",
    "AT1",
    "RT1",
    "AT2",
    "PAT1",
    "jwt",
    "old",
    "nope",
    "access_token",
    "refresh_token",
];

const PATH: &str = "/revoke";

#[derive(Arbitrary, Debug)]
enum Text {
    Known(u8),
    Any(String),
}

impl Text {
    fn get(&self) -> &str {
        match self {
            Text::Known(i) => KNOWN[*i as usize % KNOWN.len()],
            Text::Any(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Config {
    json: bool,
    basic_decoding: u8,
    other_client: u8,
    no_content: bool,
    not_found: bool,
    app_key: bool,
    only_basic: bool,
    access_token_revokes_grant: bool,
    max_body_size: Option<u16>,
}

#[derive(Arbitrary, Debug)]
enum Method {
    Post,
    Get,
    Put,
    Delete,
    Head,
    Options,
    Other(String),
}

#[derive(Arbitrary, Debug)]
enum Path {
    Revoke,
    RevokeWithQuery(Vec<(Name, Text)>),
    Any(String),
}

#[derive(Arbitrary, Debug)]
enum Name {
    Token,
    TokenTypeHint,
    ClientId,
    ClientSecret,
    AccessToken,
    Any(String),
}

impl Name {
    fn get(&self) -> &str {
        match self {
            Name::Token => "token",
            Name::TokenTypeHint => "token_type_hint",
            Name::ClientId => "client_id",
            Name::ClientSecret => "client_secret",
            Name::AccessToken => "access_token",
            Name::Any(s) => s,
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Header {
    ContentType(ContentType),
    Authorization(Authorization),
    AppId(Text),
    AppToken(Text),
    ContentLength(u32),
    Any(String, Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum ContentType {
    Form,
    FormCharset,
    Json,
    Any(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum Authorization {
    /// `Basic base64(id ":" secret)`, each form-encoded or not.
    Basic {
        id: Text,
        secret: Text,
        form_encode: bool,
    },
    Bearer(Text),
    Any(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum BodyContent {
    Form(Vec<(Name, Text, bool)>),
    Json(Vec<(Name, JsonValue)>),
    Raw(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
enum JsonValue {
    Text(Text),
    Number(i64),
    Null,
    Nested,
}

#[derive(Arbitrary, Debug)]
struct Input {
    config: Config,
    method: Method,
    path: Path,
    headers: Vec<Header>,
    body: BodyContent,
    /// Chunk lengths; the rest of the body is one last chunk.
    chunks: Vec<u8>,
    exact_size_hint: bool,
    fail_at_end: bool,
    trailers: bool,
}

fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn body_bytes(content: &BodyContent) -> Vec<u8> {
    match content {
        BodyContent::Form(pairs) => pairs
            .iter()
            .map(|(name, value, encode)| {
                let (name, value) = (name.get(), value.get());
                if *encode {
                    format!("{}={}", form_encode(name), form_encode(value))
                } else {
                    format!("{name}={value}")
                }
            })
            .collect::<Vec<_>>()
            .join("&")
            .into_bytes(),
        BodyContent::Json(members) => {
            let members: Vec<String> = members
                .iter()
                .map(|(name, value)| {
                    let value = match value {
                        JsonValue::Text(text) => serde_json::Value::from(text.get()),
                        JsonValue::Number(n) => serde_json::Value::from(*n),
                        JsonValue::Null => serde_json::Value::Null,
                        JsonValue::Nested => serde_json::json!({"token": ["x", {"token": 1}]}),
                    };
                    format!("{}:{}", serde_json::Value::from(name.get()), value)
                })
                .collect();
            format!("{{{}}}", members.join(",")).into_bytes()
        }
        BodyContent::Raw(bytes) => bytes.clone(),
    }
}

/// A request body delivered in the given frames, counting the data bytes
/// polled out of it.
struct FuzzBody {
    frames: VecDeque<Frame<Bytes>>,
    fail_at_end: bool,
    hint: SizeHint,
    polled: Arc<AtomicUsize>,
}

#[derive(Debug)]
struct BodyFailed;

impl http_body::Body for FuzzBody {
    type Data = Bytes;
    type Error = BodyFailed;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyFailed>>> {
        match self.frames.pop_front() {
            Some(frame) => {
                if let Some(data) = frame.data_ref() {
                    self.polled.fetch_add(data.len(), Ordering::Relaxed);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            None if std::mem::take(&mut self.fail_at_end) => Poll::Ready(Some(Err(BodyFailed))),
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

/// The application behind the endpoint: answers 200 `inner`, and counts.
#[derive(Clone)]
struct Inner(Arc<AtomicUsize>);

impl<B> Service<Request<B>> for Inner {
    type Response = Response<http_body_util::Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        self.0.fetch_add(1, Ordering::Relaxed);
        let mut response = Response::new(http_body_util::Full::new(Bytes::from_static(b"inner")));
        response
            .headers_mut()
            .insert("x-inner", HeaderValue::from_static("1"));
        std::future::ready(Ok(response))
    }
}

/// Polls `future` to completion with a no-op waker; everything here is
/// ready at once, so many `Pending`s in a row are a hang.
fn block_on<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    for _ in 0..10_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("future still pending after 10000 polls");
}

/// Whether the model store authenticates these credentials (or their raw
/// alternative): the client's id when it does.
fn model_authenticate(credentials: &ClientCredentials) -> Option<&'static str> {
    let one = |c: &ClientCredentials| {
        let (id, secret) = CLIENTS
            .iter()
            .find(|(id, _)| *id == c.client_id().as_str())?;
        let ok = match (secret, c.client_secret()) {
            (Some(secret), Some(presented)) => presented.secret() == *secret,
            (None, None) => c.method() == ClientAuthMethod::None,
            _ => false,
        };
        ok.then_some(*id)
    };
    one(credentials).or_else(|| credentials.raw_alternative().and_then(one))
}

fn active(store: &MemoryStore) -> Vec<bool> {
    TOKENS
        .iter()
        .map(|(token, ..)| store.is_active(token))
        .collect()
}

fn run(input: Input) {
    let c = &input.config;
    let mut request_config = RequestReader::default()
        .body_encoding(if c.json {
            BodyEncoding::Json
        } else {
            BodyEncoding::Form
        })
        .basic_decoding(match c.basic_decoding % 3 {
            0 => BasicDecoding::FormUrlEncoded,
            1 => BasicDecoding::Raw,
            _ => BasicDecoding::Lenient,
        });
    if c.app_key {
        request_config = request_config.app_key_headers(AppKeyHeaders::default());
    }
    if c.only_basic {
        request_config = request_config
            .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic));
    }
    let max_body_size = c.max_body_size.map_or(16 * 1024, usize::from);
    let other_client = match c.other_client % 3 {
        0 => OtherClientToken::InvalidGrantForConfidential,
        1 => OtherClientToken::LikeUnknown,
        _ => OtherClientToken::InvalidGrant,
    };
    let store = MemoryStore::from_seed_json(SEED)
        .expect("seed loads")
        .access_token_revokes_grant(c.access_token_revokes_grant);
    let layer = RevocationEndpointLayer::new(store.clone())
        .path(PATH)
        .max_body_size(max_body_size)
        .request_config(request_config.clone())
        .other_client_token(other_client)
        .revoked_response(if c.no_content {
            RevokedResponse::NoContent
        } else {
            RevokedResponse::JsonObject
        })
        .unknown_token_response(if c.not_found {
            UnknownTokenResponse::NotFound
        } else {
            UnknownTokenResponse::LikeRevoked
        });
    let calls = Arc::new(AtomicUsize::new(0));
    let mut service = layer.layer(Inner(Arc::clone(&calls)));

    // The request.
    let method = match &input.method {
        Method::Post => http::Method::POST,
        Method::Get => http::Method::GET,
        Method::Put => http::Method::PUT,
        Method::Delete => http::Method::DELETE,
        Method::Head => http::Method::HEAD,
        Method::Options => http::Method::OPTIONS,
        Method::Other(m) => match http::Method::from_bytes(m.as_bytes()) {
            Ok(m) => m,
            Err(_) => return,
        },
    };
    let uri = match &input.path {
        Path::Revoke => PATH.to_owned(),
        Path::RevokeWithQuery(pairs) => {
            let query: Vec<String> = pairs
                .iter()
                .map(|(n, v)| format!("{}={}", form_encode(n.get()), form_encode(v.get())))
                .collect();
            format!("{PATH}?{}", query.join("&"))
        }
        Path::Any(uri) => uri.clone(),
    };
    let Ok(uri) = uri.parse::<http::Uri>() else {
        return;
    };
    let mut headers = HeaderMap::new();
    for header in &input.headers {
        let (name, value): (HeaderName, Vec<u8>) = match header {
            Header::ContentType(ct) => (
                http::header::CONTENT_TYPE,
                match ct {
                    ContentType::Form => b"application/x-www-form-urlencoded".to_vec(),
                    ContentType::FormCharset => {
                        b"application/x-www-form-urlencoded; charset=UTF-8".to_vec()
                    }
                    ContentType::Json => b"application/json".to_vec(),
                    ContentType::Any(v) => v.clone(),
                },
            ),
            Header::Authorization(auth) => (
                http::header::AUTHORIZATION,
                match auth {
                    Authorization::Basic {
                        id,
                        secret,
                        form_encode: encode,
                    } => {
                        let (id, secret) = (id.get(), secret.get());
                        let joined = if *encode {
                            format!("{}:{}", form_encode(id), form_encode(secret))
                        } else {
                            format!("{id}:{secret}")
                        };
                        format!("Basic {}", STANDARD.encode(joined)).into_bytes()
                    }
                    Authorization::Bearer(t) => format!("Bearer {}", t.get()).into_bytes(),
                    Authorization::Any(v) => v.clone(),
                },
            ),
            Header::AppId(t) => (
                HeaderName::from_static("x-app-id"),
                t.get().as_bytes().to_vec(),
            ),
            Header::AppToken(t) => (
                HeaderName::from_static("x-app-token"),
                t.get().as_bytes().to_vec(),
            ),
            Header::ContentLength(n) => (http::header::CONTENT_LENGTH, n.to_string().into_bytes()),
            Header::Any(name, value) => match HeaderName::from_bytes(name.as_bytes()) {
                Ok(name) => (name, value.clone()),
                Err(_) => continue,
            },
        };
        if let Ok(value) = HeaderValue::from_bytes(&value) {
            headers.append(name, value);
        }
    }
    let body = body_bytes(&input.body);
    let mut frames = VecDeque::new();
    let mut rest = &body[..];
    for &len in &input.chunks {
        let len = usize::from(len).min(rest.len());
        frames.push_back(Frame::data(Bytes::copy_from_slice(&rest[..len])));
        rest = &rest[len..];
    }
    frames.push_back(Frame::data(Bytes::copy_from_slice(rest)));
    if input.trailers {
        let mut trailers = HeaderMap::new();
        trailers.insert("x-trailer", HeaderValue::from_static("1"));
        frames.push_back(Frame::trailers(trailers));
    }
    let largest_chunk = frames
        .iter()
        .filter_map(|f| f.data_ref().map(Bytes::len))
        .max()
        .unwrap_or(0);
    let polled = Arc::new(AtomicUsize::new(0));
    let hint = if input.exact_size_hint && !input.fail_at_end {
        SizeHint::with_exact(body.len() as u64)
    } else {
        SizeHint::default()
    };
    let fuzz_body = FuzzBody {
        frames,
        fail_at_end: input.fail_at_end,
        hint,
        polled: Arc::clone(&polled),
    };
    let mut builder = Request::builder().method(method.clone()).uri(uri.clone());
    *builder.headers_mut().unwrap() = headers.clone();
    let request = builder.body(fuzz_body).unwrap();
    let parts = Request::builder()
        .method(method.clone())
        .uri(uri.clone())
        .body(())
        .map(|r| {
            let (mut parts, ()) = r.into_parts();
            parts.headers = headers.clone();
            parts
        })
        .unwrap();

    // Call the endpoint.
    let before = active(&store);
    block_on(std::future::poll_fn(|cx| {
        Service::<Request<FuzzBody>>::poll_ready(&mut service, cx)
    }))
    .unwrap();
    let response = block_on(service.call(request)).unwrap();
    let status = response.status();
    let response_headers = response.headers().clone();
    let mut response_body = pin!(response.into_body());
    let mut response_bytes = Vec::new();
    while let Some(frame) = block_on(std::future::poll_fn(|cx| {
        response_body.as_mut().poll_frame(cx)
    })) {
        if let Ok(data) = frame.unwrap().into_data() {
            response_bytes.extend_from_slice(&data);
        }
    }
    let after = active(&store);

    // Passthrough.
    if uri.path() != PATH {
        assert_eq!(calls.load(Ordering::Relaxed), 1, "inner called once");
        assert_eq!(status, StatusCode::OK);
        assert_eq!(response_headers["x-inner"], "1");
        assert_eq!(response_bytes, b"inner");
        assert_eq!(before, after, "passthrough changed the store");
        return;
    }
    assert_eq!(
        calls.load(Ordering::Relaxed),
        0,
        "inner called for the endpoint path"
    );
    assert_eq!(
        response_headers.get(CACHE_CONTROL).map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    assert_eq!(
        response_headers.get(PRAGMA).map(|v| v.as_bytes()),
        Some(&b"no-cache"[..])
    );
    assert!(
        matches!(status.as_u16(), 200 | 204 | 400 | 401 | 404 | 405 | 413),
        "unexpected status {status}"
    );
    if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND {
        assert!(response_bytes.is_empty());
    } else {
        let json: serde_json::Value = serde_json::from_slice(&response_bytes).expect("JSON body");
        if status.is_success() {
            assert_eq!(json, serde_json::json!({}));
        } else {
            assert!(json["error"].is_string());
        }
    }
    if method != http::Method::POST {
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response_headers["allow"], "POST");
    }
    assert!(
        polled.load(Ordering::Relaxed) <= max_body_size + largest_chunk,
        "read {} bytes past the {max_body_size}-byte limit",
        polled.load(Ordering::Relaxed)
    );

    // What the request says, read by the public parser.
    let readable =
        method == http::Method::POST && body.len() <= max_body_size && !input.fail_at_end;
    let revocation = request_config
        .read_client_revocation(&parts, &body)
        .ok()
        .filter(|_| readable);
    let client = revocation
        .as_ref()
        .and_then(|r| model_authenticate(&r.credentials));

    // Soundness: tokens change only with a success, and only the token the
    // request named (and its grant) of the client that authenticated.
    let changed: Vec<usize> = (0..TOKENS.len())
        .filter(|&i| before[i] && !after[i])
        .collect();
    assert!(
        before.iter().zip(&after).all(|(b, a)| *b || !*a),
        "a token came back"
    );
    if !changed.is_empty() {
        assert!(
            status == 200 || status == 204,
            "tokens revoked with {status}"
        );
        let revocation = revocation
            .as_ref()
            .expect("a revocation from an unreadable request");
        let client = client.expect("a revocation without an authenticated client");
        let named = revocation.request.token().secret();
        let (_, owner, grant, _, revocable) = *TOKENS
            .iter()
            .find(|(t, ..)| *t == named)
            .expect("the request named a known token");
        assert_eq!(owner, client, "revoked another client's token");
        assert!(revocable);
        for &i in &changed {
            let (token, _, other_grant, ..) = TOKENS[i];
            assert!(
                token == named || (grant.is_some() && other_grant == grant),
                "{token} revoked by {named}"
            );
        }
    }

    // Completeness: an authenticated, well-formed request gets the RFC 7009
    // §2.2 answer.
    if let (Some(revocation), Some(client)) = (&revocation, client) {
        let named = revocation.request.token().secret();
        let unknown = if c.not_found {
            404
        } else if c.no_content {
            204
        } else {
            200
        };
        let revoked = if c.no_content { 204 } else { 200 };
        let index = TOKENS.iter().position(|(t, ..)| *t == named);
        let expected = match index.map(|i| (TOKENS[i], before[i])) {
            None | Some((_, false)) => unknown,
            Some(((_, owner, ..), true)) if owner != client => {
                let confidential = CLIENTS.iter().any(|(id, s)| *id == client && s.is_some());
                match other_client {
                    OtherClientToken::InvalidGrant => 400,
                    OtherClientToken::InvalidGrantForConfidential if confidential => 400,
                    _ => unknown,
                }
            }
            Some(((.., false), true)) => 400,
            Some(((_, _, grant, refresh, true), true)) => {
                let i = index.unwrap();
                assert!(!after[i], "{named} still active after a revocation");
                if refresh || c.access_token_revokes_grant {
                    for (j, (_, _, other_grant, _, revocable)) in TOKENS.iter().enumerate() {
                        if grant.is_some() && *other_grant == grant && *revocable {
                            assert!(!after[j], "grant not revoked");
                        }
                    }
                }
                revoked
            }
        };
        assert_eq!(
            status.as_u16(),
            expected,
            "answer for {named} from {client}"
        );
    }
    if let (Some(_), None) = (&revocation, client) {
        assert_eq!(
            status,
            StatusCode::UNAUTHORIZED,
            "unauthenticated client got {status}"
        );
    }
}

fuzz_target!(|input: Input| run(input));
