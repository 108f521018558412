//! A loopback soak: the revocation endpoint and a `MemoryStore` served by
//! hyper (`axum::serve`) on 127.0.0.1, and 32 concurrent clients, each on
//! its own keep-alive connection, sending a bounded mix of valid
//! revocations, wrong secrets, other clients' tokens, malformed requests
//! and requests for the application behind the endpoint.
//!
//! At the end exactly the tokens whose owner got a 200 for them are
//! inactive, every other token is still active, every answer was the one
//! its kind of request calls for, and none was a 5xx. Bounded in count
//! (`CLIENTS` x `REQUESTS_PER_CLIENT`) and in time (`DEADLINE`).

use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::net::{TcpListener, TcpStream};
use tower_revoke::{BearerAuthLayer, MemoryStore, RevocationEndpointLayer};
use tower_revoke_test_support::rng::Rng;

const CLIENTS: usize = 32;
const REQUESTS_PER_CLIENT: usize = 150;
/// A fresh connection after this many requests on one.
const REQUESTS_PER_CONNECTION: usize = 50;
const OAUTH_CLIENTS: usize = 8;
const TOKENS: usize = 2000;
const DEADLINE: Duration = Duration::from_secs(25);
const FORM: &str = "application/x-www-form-urlencoded";

fn client_id(i: usize) -> String {
    format!("client-{i}")
}

/// Secrets that need form encoding in `client_secret_basic`.
fn client_secret(i: usize) -> String {
    format!("s3cr3t:{i}+%/ é")
}

fn token(i: usize) -> String {
    format!("tok-{i:05}")
}

fn owner(token: usize) -> usize {
    token % OAUTH_CLIENTS
}

fn seed() -> String {
    let clients: Vec<String> = (0..OAUTH_CLIENTS)
        .map(|i| {
            serde_json::json!({"client_id": client_id(i), "client_secret": client_secret(i)})
                .to_string()
        })
        .collect();
    let tokens: Vec<String> = (0..TOKENS)
        .map(|t| {
            serde_json::json!({"token": token(t), "type": "access_token", "client_id": client_id(owner(t))})
                .to_string()
        })
        .collect();
    format!(
        r#"{{"clients":[{}],"tokens":[{}]}}"#,
        clients.join(","),
        tokens.join(",")
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// The owner revokes its token, by `client_secret_basic` or
    /// `client_secret_post`: 200.
    ValidRevoke,
    /// A wrong secret: 401 `invalid_client`.
    WrongSecret,
    /// A confidential client revokes another client's token: 400
    /// `invalid_grant` while the token is active, 200 once its owner has
    /// revoked it; nothing revoked either way.
    OtherClientsToken,
    /// A token the store never issued: 200 (RFC 7009 §2.2).
    UnknownToken,
    /// Bad escapes, repeated or missing parameters, a wrong media type, a
    /// token in the query: 400 (405 for GET).
    Malformed,
    /// `GET /` of the application: 200 from the inner service.
    Passthrough,
    /// `GET /me` with a Bearer token: 200 or 401, depending on whether it
    /// was revoked yet.
    Bearer,
}

struct Planned {
    kind: Kind,
    request: Request<Full<Bytes>>,
    /// The token a `ValidRevoke` revokes.
    revokes: Option<usize>,
}

fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

fn basic(id: &str, secret: &str) -> String {
    let joined = format!("{}:{}", form_encode(id), form_encode(secret));
    format!("Basic {}", STANDARD.encode(joined))
}

fn post(addr: SocketAddr, path: &str) -> http::request::Builder {
    Request::post(format!("http://{addr}{path}")).header(CONTENT_TYPE, FORM)
}

fn plan(rng: &mut Rng, addr: SocketAddr) -> Planned {
    let t = rng.below(TOKENS);
    let c = owner(t);
    let (id, secret) = (client_id(c), client_secret(c));
    let body = |text: String| Full::new(Bytes::from(text));
    let roll = rng.below(100);
    let (kind, request, revokes) = match roll {
        // Only tokens not divisible by 3 are ever revoked, so a third of
        // them face only the other kinds and must stay active.
        0..=34 if !t.is_multiple_of(3) => {
            let request = if rng.below(2) == 0 {
                post(addr, "/revoke")
                    .header(AUTHORIZATION, basic(&id, &secret))
                    .body(body(format!(
                        "token={}&token_type_hint=access_token",
                        token(t)
                    )))
            } else {
                post(addr, "/revoke").body(body(format!(
                    "client_id={}&client_secret={}&token={}",
                    form_encode(&id),
                    form_encode(&secret),
                    token(t)
                )))
            };
            (Kind::ValidRevoke, request, Some(t))
        }
        0..=49 => {
            let wrong = format!("{secret}x");
            let request = post(addr, "/revoke")
                .header(AUTHORIZATION, basic(&id, &wrong))
                .body(body(format!("token={}", token(t))));
            (Kind::WrongSecret, request, None)
        }
        50..=59 => {
            let other = (c + 1 + rng.below(OAUTH_CLIENTS - 1)) % OAUTH_CLIENTS;
            let request = post(addr, "/revoke")
                .header(
                    AUTHORIZATION,
                    basic(&client_id(other), &client_secret(other)),
                )
                .body(body(format!("token={}", token(t))));
            (Kind::OtherClientsToken, request, None)
        }
        60..=64 => {
            let request = post(addr, "/revoke")
                .header(AUTHORIZATION, basic(&id, &secret))
                .body(body(format!("token=never-issued-{}", rng.next_u64())));
            (Kind::UnknownToken, request, None)
        }
        65..=79 => {
            let auth = basic(&id, &secret);
            let tok = token(t);
            let request = match rng.below(6) {
                0 => post(addr, "/revoke")
                    .header(AUTHORIZATION, auth)
                    .body(body(format!("token={tok}%ZZ"))),
                1 => post(addr, "/revoke")
                    .header(AUTHORIZATION, auth)
                    .body(body(format!("token={tok}&token={tok}"))),
                2 => post(addr, "/revoke")
                    .header(AUTHORIZATION, auth)
                    .body(body("token_type_hint=x".into())),
                3 => Request::post(format!("http://{addr}/revoke"))
                    .header(CONTENT_TYPE, "application/json")
                    .header(AUTHORIZATION, auth)
                    .body(body(format!(r#"{{"token":"{tok}"}}"#))),
                4 => post(addr, &format!("/revoke?token={tok}"))
                    .header(AUTHORIZATION, auth)
                    .body(body(String::new())),
                _ => Request::get(format!("http://{addr}/revoke?token={tok}"))
                    .body(body(String::new())),
            };
            (Kind::Malformed, request, None)
        }
        80..=89 => (
            Kind::Passthrough,
            Request::get(format!("http://{addr}/")).body(body(String::new())),
            None,
        ),
        _ => {
            let request = Request::get(format!("http://{addr}/me"))
                .header(AUTHORIZATION, format!("Bearer {}", token(t)))
                .body(body(String::new()));
            (Kind::Bearer, request, None)
        }
    };
    Planned {
        kind,
        request: request.unwrap(),
        revokes,
    }
}

fn expected(kind: Kind, status: StatusCode) -> bool {
    match kind {
        Kind::ValidRevoke | Kind::UnknownToken | Kind::Passthrough => status == StatusCode::OK,
        Kind::WrongSecret => status == StatusCode::UNAUTHORIZED,
        // 200 once the owner has revoked it: the store answers a token that
        // is no longer active as unknown, whoever asks.
        Kind::OtherClientsToken => status == StatusCode::BAD_REQUEST || status == StatusCode::OK,
        Kind::Malformed => {
            status == StatusCode::BAD_REQUEST || status == StatusCode::METHOD_NOT_ALLOWED
        }
        Kind::Bearer => status == StatusCode::OK || status == StatusCode::UNAUTHORIZED,
    }
}

#[derive(Default)]
struct Tally {
    by_kind: BTreeMap<Kind, usize>,
    by_status: BTreeMap<u16, usize>,
    unexpected: Vec<String>,
    revoked: Vec<usize>,
    connections: usize,
}

async fn client(addr: SocketAddr, seed: u64) -> Tally {
    let mut rng = Rng::seeded(seed);
    let mut tally = Tally::default();
    let mut sender = None;
    for n in 0..REQUESTS_PER_CLIENT {
        if n % REQUESTS_PER_CONNECTION == 0 {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (s, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(connection);
            sender = Some(s);
            tally.connections += 1;
        }
        let sender = sender.as_mut().unwrap();
        let planned = plan(&mut rng, addr);
        let endpoint = planned.request.uri().path() == "/revoke";
        sender.ready().await.unwrap();
        let response = sender.send_request(planned.request).await.unwrap();
        let status = response.status();
        let no_store = response
            .headers()
            .get(CACHE_CONTROL)
            .is_some_and(|v| v == "no-store");
        let body = response.into_body().collect().await.unwrap().to_bytes();
        *tally.by_kind.entry(planned.kind).or_default() += 1;
        *tally.by_status.entry(status.as_u16()).or_default() += 1;
        if !expected(planned.kind, status) || (endpoint && !no_store) {
            tally.unexpected.push(format!(
                "{:?}: {status} {}",
                planned.kind,
                String::from_utf8_lossy(&body)
            ));
        }
        if status == StatusCode::OK {
            tally.revoked.extend(planned.revokes);
        }
    }
    tally
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loopback_soak_revokes_exactly_what_was_granted() {
    let store = MemoryStore::from_seed_json(&seed()).unwrap();
    let shared = std::sync::Arc::new(store.clone());
    let app = Router::new()
        .route("/", get(|| async { "app" }))
        .route(
            "/me",
            get(|| async { "me" }).layer(BearerAuthLayer::new(shared.clone())),
        )
        .layer(RevocationEndpointLayer::new(shared));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    assert!(addr.ip().is_loopback());
    let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let started = Instant::now();
    let clients: Vec<_> = (0..CLIENTS as u64)
        .map(|i| tokio::spawn(client(addr, i + 1)))
        .collect();
    let tallies = tokio::time::timeout(DEADLINE, async {
        let mut tallies = Vec::new();
        for client in clients {
            tallies.push(client.await.unwrap());
        }
        tallies
    })
    .await
    .expect("the soak finished within its deadline");
    let elapsed = started.elapsed();
    server.abort();

    let mut total = Tally::default();
    for tally in tallies {
        for (kind, n) in tally.by_kind {
            *total.by_kind.entry(kind).or_default() += n;
        }
        for (status, n) in tally.by_status {
            *total.by_status.entry(status).or_default() += n;
        }
        total.unexpected.extend(tally.unexpected);
        total.revoked.extend(tally.revoked);
        total.connections += tally.connections;
    }
    let requests: usize = total.by_kind.values().sum();
    let revoked: HashSet<usize> = total.revoked.iter().copied().collect();
    println!(
        "soak: {requests} requests, {CLIENTS} concurrent clients, {} connections, {:.2?} ({:.0} req/s)",
        total.connections,
        elapsed,
        requests as f64 / elapsed.as_secs_f64()
    );
    println!("soak: by kind {:?}", total.by_kind);
    println!("soak: by status {:?}", total.by_status);
    println!(
        "soak: {} distinct tokens revoked of {TOKENS}; {} unexpected answers; {} 5xx",
        revoked.len(),
        total.unexpected.len(),
        total.by_status.range(500..).map(|(_, n)| n).sum::<usize>()
    );

    assert_eq!(requests, CLIENTS * REQUESTS_PER_CLIENT);
    assert!(
        total.by_status.range(500..).next().is_none(),
        "5xx answers: {:?}",
        total.by_status
    );
    assert!(
        total.unexpected.is_empty(),
        "unexpected answers: {:#?}",
        &total.unexpected[..total.unexpected.len().min(20)]
    );
    for t in 0..TOKENS {
        assert_eq!(
            store.is_active(&token(t)),
            !revoked.contains(&t),
            "{}",
            token(t)
        );
    }
    assert!(
        revoked.len() > TOKENS / 5,
        "the mix revoked too few tokens to mean much"
    );
}
