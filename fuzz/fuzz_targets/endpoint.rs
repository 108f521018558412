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
//! - a `HEAD` request to the endpoint gets the answer a `GET` gets, without
//!   content but with the `Content-Length` that content has;
//! - tokens change state only for a well-formed request of an authenticated
//!   client, and only the token the request named (and its grant) of that
//!   client: with a 200/204 when the token was active, or with the
//!   unknown-token answer for an expired refresh token, which still ends its
//!   grant (RFC 7009 §2.1);
//! - conversely, a well-formed request from an authenticated client gets
//!   the answer RFC 7009 §2.2 asks for, and leaves exactly the tokens an
//!   independent model of the store leaves active.
//!
//! The model: a refresh token ends its grant; an access token only itself
//! unless `access_token_revokes_grant`; a revoked grant ends every token in
//! it, those the store cannot revoke one by one too; grants belong to one
//! client (the same grant id of another client is another grant); an
//! expired refresh token of the calling client still ends its grant, and
//! the answer is the unknown-token one.
//!
//! Before that request, the input may make earlier revocations, so that
//! requests meet tokens and grants already ended: straight through
//! `RevocationStore::revoke` (the exact `RevocationOutcome`, cascade count
//! included, against the model), or as well-formed requests to the endpoint
//! by one of the seed's clients with each authentication method (a free-form
//! request rarely carries the right secret: the constant-time comparison
//! gives the fuzzer no gradient towards it), each checked like the last one.

#![no_main]

use arbitrary::Arbitrary;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{
    HeaderName, HeaderValue, AUTHORIZATION, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, PRAGMA,
};
use http::{HeaderMap, Request, Response, StatusCode};
use http_body::{Body as _, Frame, SizeHint};
use http_body_util::Full;
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
    AppKeyHeaders, AuthenticatedClient, BasicDecoding, BodyEncoding, ClientAuthMethod,
    ClientAuthMethods, ClientCredentials, ClientId, ClientType, MemoryStore, OtherClientToken,
    RequestReader, RevocationEndpoint, RevocationEndpointLayer, RevocationOutcome,
    RevocationRequest, RevocationResponder, RevocationStore, RevokedResponse, Token, TokenKind,
    UnknownTokenResponse,
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
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "oldrt", "type": "refresh_token", "client_id": "app1", "grant_id": "G2", "expires_at": 1000},
    {"token": "AT3", "type": "access_token", "client_id": "app1", "grant_id": "G2"},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "grant_id": "G1"},
    {"token": "RT2", "type": "refresh_token", "client_id": "app2", "grant_id": "G1"}
  ]
}"#;

/// The seed's clients: id and secret (`None`: public).
const CLIENTS: &[(&str, Option<&str>)] = &[
    ("app1", Some("s3cr3t")),
    ("app2", Some("p+a:s%s w")),
    ("pub1", None),
];

/// One of the seed's tokens, as the model knows it.
#[derive(Clone, Copy)]
struct Seeded {
    token: &'static str,
    client: &'static str,
    grant: Option<&'static str>,
    refresh: bool,
    revocable: bool,
    expired: bool,
}

const fn seeded(
    token: &'static str,
    client: &'static str,
    grant: Option<&'static str>,
    [refresh, revocable, expired]: [bool; 3],
) -> Seeded {
    Seeded {
        token,
        client,
        grant,
        refresh,
        revocable,
        expired,
    }
}

/// The seed's tokens: value, client, grant, and whether each is a refresh
/// token, revocable, expired.
const TOKENS: &[Seeded] = &[
    seeded("AT1", "app1", Some("G1"), [false, true, false]),
    seeded("RT1", "app1", Some("G1"), [true, true, false]),
    seeded("AT2", "app2", None, [false, true, false]),
    seeded("PAT1", "pub1", None, [false, true, false]),
    seeded("jwt", "app1", None, [false, false, false]),
    seeded("old", "app1", None, [false, true, true]),
    seeded("jwt1", "app1", Some("G1"), [false, false, false]),
    seeded("oldrt", "app1", Some("G2"), [true, true, true]),
    seeded("AT3", "app1", Some("G2"), [false, true, false]),
    seeded("OT1", "app2", Some("G1"), [false, true, false]),
    seeded("RT2", "app2", Some("G1"), [true, true, false]),
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
    "jwt1",
    "oldrt",
    "AT3",
    "OT1",
    "RT2",
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
    /// Revocations made before the request.
    earlier: Vec<Earlier>,
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

impl std::fmt::Display for BodyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body failed")
    }
}

impl std::error::Error for BodyFailed {}

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
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        self.0.fetch_add(1, Ordering::Relaxed);
        let mut response = Response::new(Full::new(Bytes::from_static(b"inner")));
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
    TOKENS.iter().map(|t| store.is_active(t.token)).collect()
}

/// An independent model of the `MemoryStore` rules over the seed: which
/// tokens and which (client, grant) pairs are revoked.
struct Model {
    access_token_revokes_grant: bool,
    token_revoked: Vec<bool>,
    grants_revoked: Vec<(&'static str, &'static str)>,
}

impl Model {
    fn new(access_token_revokes_grant: bool) -> Self {
        Self {
            access_token_revokes_grant,
            token_revoked: vec![false; TOKENS.len()],
            grants_revoked: Vec::new(),
        }
    }

    fn grant_revoked(&self, i: usize) -> bool {
        let Seeded { client, grant, .. } = TOKENS[i];
        grant.is_some_and(|g| self.grants_revoked.contains(&(client, g)))
    }

    fn is_revoked(&self, i: usize) -> bool {
        self.token_revoked[i] || self.grant_revoked(i)
    }

    fn is_active(&self, i: usize) -> bool {
        !TOKENS[i].expired && !self.is_revoked(i)
    }

    fn active(&self) -> Vec<bool> {
        (0..TOKENS.len()).map(|i| self.is_active(i)).collect()
    }

    /// Ends the grant of token `i`; how many other tokens it ended.
    fn end_grant(&mut self, i: usize) -> u64 {
        let Seeded { client, grant, .. } = TOKENS[i];
        let Some(grant) = grant else { return 0 };
        if self.grants_revoked.contains(&(client, grant)) {
            return 0;
        }
        let ended = (0..TOKENS.len())
            .filter(|&j| j != i && TOKENS[j].client == client && TOKENS[j].grant == Some(grant))
            .filter(|&j| self.is_active(j))
            .count() as u64;
        self.grants_revoked.push((client, grant));
        ended
    }

    /// What `client` revoking `token` does (RFC 7009 §2.1).
    fn revoke(&mut self, client: &str, token: &str) -> RevocationOutcome {
        let Some(i) = TOKENS.iter().position(|t| t.token == token) else {
            return RevocationOutcome::NotFound;
        };
        let Seeded {
            client: owner,
            refresh,
            revocable,
            ..
        } = TOKENS[i];
        let own = owner == client;
        if !self.is_active(i) {
            if own && refresh && !self.is_revoked(i) {
                self.end_grant(i);
            }
            return RevocationOutcome::NotFound;
        }
        if !own {
            return RevocationOutcome::IssuedToAnotherClient;
        }
        if !revocable {
            return RevocationOutcome::UnsupportedTokenType;
        }
        self.token_revoked[i] = true;
        let cascaded = if refresh || self.access_token_revokes_grant {
            self.end_grant(i)
        } else {
            0
        };
        let kind = if refresh {
            TokenKind::RefreshToken
        } else {
            TokenKind::AccessToken
        };
        RevocationOutcome::Revoked { kind, cascaded }
    }
}

/// The endpoint under test, the store behind it and the model beside it.
struct Harness {
    service: RevocationEndpoint<Inner, Arc<MemoryStore>>,
    calls: Arc<AtomicUsize>,
    store: MemoryStore,
    model: Model,
    reader: RequestReader,
    other_client: OtherClientToken,
    max_body_size: usize,
    /// The status of a revocation, and of an unknown token.
    revoked: u16,
    unknown: u16,
}

/// One request as sent: head, body bytes and how the body is delivered.
struct Exchange {
    method: http::Method,
    uri: http::Uri,
    headers: HeaderMap,
    body: Vec<u8>,
    /// Chunk lengths; the rest of the body is one last chunk.
    chunks: Vec<u8>,
    exact_size_hint: bool,
    fail_at_end: bool,
    trailers: bool,
}

fn run(input: Input) {
    let c = &input.config;
    // The methods: the RFC set or Basic alone, plus the app-key headers when
    // asked (`app_key_headers` only names the headers). A JSON body carries
    // no credentials, and `reader` refuses a JSON reader that accepts
    // `client_secret_post` or `none`: they are dropped.
    let mut methods = if c.only_basic {
        ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic)
    } else {
        ClientAuthMethods::default()
    };
    if c.app_key {
        methods = methods.with(ClientAuthMethod::AppKeyHeaders);
    }
    if c.json {
        methods = methods
            .without(ClientAuthMethod::ClientSecretPost)
            .without(ClientAuthMethod::None);
    }
    let max_body_size = c.max_body_size.map_or(16 * 1024, usize::from);
    let reader = RequestReader::default()
        .body_encoding(if c.json {
            BodyEncoding::Json
        } else {
            BodyEncoding::Form
        })
        .basic_decoding(match c.basic_decoding % 3 {
            0 => BasicDecoding::FormUrlEncoded,
            1 => BasicDecoding::Raw,
            _ => BasicDecoding::Lenient,
        })
        .client_auth_methods(methods)
        .app_key_headers(AppKeyHeaders::default())
        .max_body_size(max_body_size);
    let other_client = match c.other_client % 3 {
        0 => OtherClientToken::InvalidGrantForConfidential,
        1 => OtherClientToken::LikeUnknown,
        _ => OtherClientToken::InvalidGrant,
    };
    let store = MemoryStore::from_seed_json(SEED)
        .expect("seed loads")
        .access_token_revokes_grant(c.access_token_revokes_grant);
    let responder = RevocationResponder::default()
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
    // An `Arc` of the store: the endpoint shares it with the checks.
    let layer = RevocationEndpointLayer::new(Arc::new(store.clone()))
        .path(PATH)
        .reader(reader.clone())
        .responder(responder);
    let calls = Arc::new(AtomicUsize::new(0));
    let revoked = if c.no_content { 204 } else { 200 };
    let mut harness = Harness {
        service: layer.layer(Inner(Arc::clone(&calls))),
        calls,
        store,
        model: Model::new(c.access_token_revokes_grant),
        reader,
        other_client,
        max_body_size,
        revoked,
        unknown: if c.not_found { 404 } else { revoked },
    };

    // Earlier revocations, each checked against the model: straight through
    // the store (the exact outcome, cascade count included), or as a
    // well-formed request to the endpoint.
    for step in &input.earlier {
        harness.earlier(step, c.json);
    }

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
    harness.exchange(Exchange {
        method,
        uri,
        headers,
        body: body_bytes(&input.body),
        chunks: input.chunks,
        exact_size_hint: input.exact_size_hint,
        fail_at_end: input.fail_at_end,
        trailers: input.trailers,
    });
}

/// How an earlier revocation is made.
#[derive(Arbitrary, Debug)]
enum Via {
    /// `RevocationStore::revoke`, as the client would be once authenticated.
    Store,
    /// `Authorization: Basic`, the id and secret form-encoded or not.
    Basic { form_encode: bool },
    /// `client_id` and `client_secret` in the body.
    Post,
    /// `client_id` alone in the body (a public client).
    None,
    /// The app-key headers.
    AppKey,
}

#[derive(Arbitrary, Debug)]
struct Earlier {
    client: u8,
    /// An index into the seed's tokens; past them, an unknown token.
    token: u8,
    via: Via,
    hint: bool,
}

impl Harness {
    fn earlier(&mut self, step: &Earlier, json: bool) {
        let (client_id, secret) = CLIENTS[usize::from(step.client) % CLIENTS.len()];
        let token = TOKENS
            .get(usize::from(step.token) % (TOKENS.len() + 1))
            .map_or("nope", |t| t.token);
        // A public client presents a wrong secret where the method needs one.
        let secret = secret.unwrap_or("wrong");
        let mut headers = HeaderMap::new();
        let mut params: Vec<(&str, &str)> = vec![("token", token)];
        if step.hint {
            params.push(("token_type_hint", "refresh_token"));
        }
        match step.via {
            Via::Store => {
                let client = AuthenticatedClient {
                    client_id: ClientId::new(client_id).unwrap(),
                    client_type: if CLIENTS
                        .iter()
                        .any(|(id, s)| *id == client_id && s.is_some())
                    {
                        ClientType::Confidential
                    } else {
                        ClientType::Public
                    },
                };
                let request = RevocationRequest::new(Token::new(token).unwrap(), None);
                let outcome =
                    block_on(self.store.revoke(&client, &request)).expect("the store cannot fail");
                assert_eq!(
                    outcome,
                    self.model.revoke(client_id, token),
                    "{client_id} revoking {token}"
                );
                assert_eq!(
                    active(&self.store),
                    self.model.active(),
                    "after {client_id} revoked {token}"
                );
                return;
            }
            Via::Basic { form_encode: true } => {
                let joined = format!("{}:{}", form_encode(client_id), form_encode(secret));
                let value = format!("Basic {}", STANDARD.encode(joined));
                headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
            }
            Via::Basic { form_encode: false } => {
                let value = format!("Basic {}", STANDARD.encode(format!("{client_id}:{secret}")));
                headers.insert(AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
            }
            Via::Post => params.extend([("client_id", client_id), ("client_secret", secret)]),
            Via::None => params.push(("client_id", client_id)),
            Via::AppKey => {
                headers.insert("x-app-id", HeaderValue::from_str(client_id).unwrap());
                headers.insert("x-app-token", HeaderValue::from_str(secret).unwrap());
            }
        }
        let (content_type, body) = if json {
            let object: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|&(n, v)| (n.to_owned(), v.into()))
                .collect();
            ("application/json", serde_json::to_vec(&object).unwrap())
        } else {
            let mut form = form_urlencoded::Serializer::new(String::new());
            form.extend_pairs(&params);
            (
                "application/x-www-form-urlencoded",
                form.finish().into_bytes(),
            )
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self.exchange(Exchange {
            method: http::Method::POST,
            uri: http::Uri::from_static(PATH),
            headers,
            body,
            chunks: Vec::new(),
            exact_size_hint: true,
            fail_at_end: false,
            trailers: false,
        });
    }

    /// Sends one request through the endpoint and checks the answer and the
    /// store against the model.
    fn exchange(&mut self, exchange: Exchange) {
        let Exchange {
            method,
            uri,
            headers,
            body,
            chunks,
            exact_size_hint,
            fail_at_end,
            trailers,
        } = exchange;
        let max_body_size = self.max_body_size;
        let (revoked, unknown) = (self.revoked, self.unknown);
        let mut frames = VecDeque::new();
        let mut rest = &body[..];
        for &len in &chunks {
            let len = usize::from(len).min(rest.len());
            frames.push_back(Frame::data(Bytes::copy_from_slice(&rest[..len])));
            rest = &rest[len..];
        }
        frames.push_back(Frame::data(Bytes::copy_from_slice(rest)));
        if trailers {
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
        let hint = if exact_size_hint && !fail_at_end {
            SizeHint::with_exact(body.len() as u64)
        } else {
            SizeHint::default()
        };
        let fuzz_body = FuzzBody {
            frames,
            fail_at_end,
            hint,
            polled: Arc::clone(&polled),
        };
        let mut builder = Request::builder().method(method.clone()).uri(uri.clone());
        *builder.headers_mut().unwrap() = headers.clone();
        let request = builder.body(fuzz_body).unwrap();
        let mut parts = Request::builder()
            .method(method.clone())
            .uri(uri.clone())
            .body(())
            .unwrap()
            .into_parts()
            .0;
        parts.headers = headers.clone();
        let calls_before = self.calls.load(Ordering::Relaxed);
        let calls = || self.calls.load(Ordering::Relaxed) - calls_before;

        // Call the endpoint.
        let before = active(&self.store);
        assert_eq!(before, self.model.active(), "the model before the request");
        let (status, response_headers, response_bytes) = call(&mut self.service, request);
        let after = active(&self.store);

        // Passthrough.
        if uri.path() != PATH {
            assert_eq!(calls(), 1, "inner called once");
            assert_eq!(status, StatusCode::OK);
            assert_eq!(response_headers["x-inner"], "1");
            assert_eq!(response_bytes, b"inner");
            assert_eq!(before, after, "passthrough changed the store");
            return;
        }
        assert_eq!(calls(), 0, "inner called for the endpoint path");
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
        // A HEAD answer is the GET answer without its content, with the
        // Content-Length of that content (RFC 9110 §9.3.2, §8.6).
        let content = if method == http::Method::HEAD {
            assert!(response_bytes.is_empty(), "content in a HEAD response");
            let mut get = Request::builder()
                .method(http::Method::GET)
                .uri(uri.clone());
            *get.headers_mut().unwrap() = headers.clone();
            let get = get
                .body(FuzzBody {
                    frames: VecDeque::new(),
                    fail_at_end: false,
                    hint: SizeHint::with_exact(0),
                    polled: Arc::new(AtomicUsize::new(0)),
                })
                .unwrap();
            let (get_status, mut get_headers, get_bytes) = call(&mut self.service, get);
            assert_eq!(status, get_status, "HEAD and GET answers differ");
            let length = response_headers.get(CONTENT_LENGTH).map(|v| v.as_bytes());
            assert_eq!(
                length,
                Some(get_bytes.len().to_string().as_bytes()),
                "HEAD Content-Length"
            );
            get_headers.insert(CONTENT_LENGTH, HeaderValue::from(get_bytes.len()));
            assert_eq!(response_headers, get_headers, "HEAD and GET headers differ");
            assert_eq!(calls(), 0, "inner called for GET");
            assert_eq!(active(&self.store), after, "GET changed the store");
            get_bytes
        } else {
            if let Some(length) = response_headers.get(CONTENT_LENGTH) {
                let expected = response_bytes.len().to_string();
                assert_eq!(length.as_bytes(), expected.as_bytes(), "Content-Length");
            }
            response_bytes
        };
        if status == StatusCode::NO_CONTENT || status == StatusCode::NOT_FOUND {
            assert!(content.is_empty());
        } else {
            let json: serde_json::Value = serde_json::from_slice(&content).expect("JSON body");
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
        let readable = method == http::Method::POST && body.len() <= max_body_size && !fail_at_end;
        let revocation = self
            .reader
            .read_client_revocation(&parts, &body)
            .ok()
            .filter(|_| readable);
        let client = revocation
            .as_ref()
            .and_then(|r| model_authenticate(&r.credentials));

        // Soundness: tokens change only for a readable request of an
        // authenticated client, and only the token it named (and that
        // token's grant, of the same client): with the revoked answer when
        // the token was active, with the unknown-token answer when it was an
        // expired refresh token (which still ends its grant).
        let changed: Vec<usize> = (0..TOKENS.len())
            .filter(|&i| before[i] && !after[i])
            .collect();
        assert!(
            before.iter().zip(&after).all(|(b, a)| *b || !*a),
            "a token came back"
        );
        if !changed.is_empty() {
            let revocation = revocation
                .as_ref()
                .expect("a revocation from an unreadable request");
            let client = client.expect("a revocation without an authenticated client");
            let named = revocation.request.token().secret();
            let index = TOKENS
                .iter()
                .position(|t| t.token == named)
                .expect("the request named a known token");
            let Seeded {
                client: owner,
                grant,
                refresh,
                revocable,
                expired,
                ..
            } = TOKENS[index];
            assert_eq!(owner, client, "revoked another client's token");
            if before[index] {
                assert!(revocable, "revoked a token the store cannot revoke");
                assert_eq!(status, revoked, "tokens revoked with {status}");
            } else {
                assert!(
                    expired && refresh && grant.is_some(),
                    "{named} was not active yet tokens changed"
                );
                assert_eq!(
                    status, unknown,
                    "an expired refresh token answered {status}"
                );
            }
            for &i in &changed {
                let other = &TOKENS[i];
                assert!(
                    other.token == named
                        || (grant.is_some() && other.grant == grant && other.client == owner),
                    "{} revoked by {named}",
                    other.token
                );
            }
        }

        // Completeness: an authenticated, well-formed request gets the
        // RFC 7009 §2.2 answer, and leaves exactly what the model leaves.
        if let (Some(revocation), Some(client)) = (&revocation, client) {
            let named = revocation.request.token().secret();
            let confidential = CLIENTS.iter().any(|(id, s)| *id == client && s.is_some());
            let expected = match self.model.revoke(client, named) {
                RevocationOutcome::Revoked { .. } => revoked,
                RevocationOutcome::NotFound => unknown,
                RevocationOutcome::IssuedToAnotherClient => match self.other_client {
                    OtherClientToken::InvalidGrant => 400,
                    OtherClientToken::InvalidGrantForConfidential if confidential => 400,
                    _ => unknown,
                },
                RevocationOutcome::UnsupportedTokenType => 400,
                other => panic!("the model answered {other:?}"),
            };
            assert_eq!(
                status.as_u16(),
                expected,
                "answer for {named} from {client}"
            );
            assert_eq!(
                after,
                self.model.active(),
                "tokens after {client} revoked {named}"
            );
        } else {
            assert_eq!(before, after, "a refused request changed the store");
        }
        if let (Some(_), None) = (&revocation, client) {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "unauthenticated client got {status}"
            );
        }
    }
}

/// Calls `service` once, polling it ready first, and reads the whole
/// response: status, headers, content.
fn call<S>(service: &mut S, request: Request<FuzzBody>) -> (StatusCode, HeaderMap, Vec<u8>)
where
    S: Service<Request<FuzzBody>, Response = Response<Full<Bytes>>, Error = Infallible>,
{
    block_on(std::future::poll_fn(|cx| service.poll_ready(cx))).unwrap();
    let response = block_on(service.call(request)).unwrap();
    let (parts, body) = response.into_parts();
    let mut body = pin!(body);
    let mut bytes = Vec::new();
    while let Some(frame) = block_on(std::future::poll_fn(|cx| body.as_mut().poll_frame(cx))) {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    bytes.extend_from_slice(&data);
                }
            }
            Err(never) => match never {},
        }
    }
    (parts.status, parts.headers, bytes)
}

fuzz_target!(|input: Input| run(input));
