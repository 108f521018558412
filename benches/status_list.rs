//! Token Status Lists (draft-ietf-oauth-status-list-20), both sides:
//!
//! 1. the list of 1,000,000 one-bit statuses with 1% and 10% of them
//!    INVALID at random indices: its compressed size (the draft's own table
//!    in its "Size Comparison" appendix is the anchor: 13.7 KB and 67.6 KB),
//!    the time to encode it (`StatusList::to_lst`: DEFLATE at the best
//!    level, base64url), and to sign it as a Status List Token (HS256);
//! 2. serving a warm list: `GET /statuslists/1` through an axum Router
//!    with `StatusIssuer::list_service` over a `MemoryStore` (the version
//!    read, the signed token from the cache), above a bare Router;
//! 3. the resource server's guard with a warm list:
//!    `BearerAuthLayer<StatusCheckedStore>` (verify the HS256 JWT, look its
//!    status up in the cached list) above a bare Router, beside the
//!    hand-written `from_fn` middleware of the guard figures (a `HashMap`
//!    lookup, `benches/guard_cache.rs`) and a hand-written `from_fn` that
//!    verifies the same JWT with `jsonwebtoken` and checks no status at
//!    all (what a user writes for JWTs without revocation).
//!
//! ```text
//! cargo bench --bench status_list   # about 20 s
//! ```
//!
//! (`cargo test --benches` runs it once, small, as a smoke test.)
//! Requests are built before the clock starts and driven on this thread;
//! batches of the contenders are interleaved in one process, in a
//! rotating order; medians over the rounds.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header::AUTHORIZATION, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any_service, get};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{decode, Algorithm, DecodingKey, EncodingKey, Validation};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
use tower::{Service, ServiceExt};
use tower_revoke::jwt::{JwtKey, JwtVerifier};
use tower_revoke::status_list::{
    Bits, BoxFuture, Status, StatusCheckedStore, StatusIssuer, StatusList, StatusListSource,
    StatusListToken, StatusListVerifier, StatusLists, StatusReference,
};
use tower_revoke::store::JwtRecord;
use tower_revoke::{BearerAuthLayer, MemoryStore};
use tower_revoke_test_support::bench::block_on;
use tower_revoke_test_support::bench::hand_guard::{hand_guard, User};

const SECRET: &[u8] = b"a status list bench secret, 32 bytes or more";
const ISSUER: &str = "https://as.example";
const LIST_URI: &str = "https://as.example/statuslists/1";
const BATCH: usize = 1_000;

/// Full or smoke sizes: nothing when listing or filtered out.
fn sizes(args: &[String]) -> Option<(usize, usize)> {
    if args.iter().any(|a| a == "--list") {
        return None;
    }
    let mut filters = args.iter().skip(1).filter(|a| !a.starts_with('-'));
    if filters.clone().next().is_some() && !filters.any(|f| "status_list".contains(f.as_str())) {
        return None;
    }
    let full = args.iter().any(|a| a == "--bench");
    Some(if full { (1_000_000, 31) } else { (10_000, 3) })
}

/// SplitMix64.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn median(samples: &mut [f64]) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn key() -> EncodingKey {
    EncodingKey::from_secret(SECRET).unwrap()
}

/// `len` statuses, `percent`% of them INVALID at random indices.
fn list(len: usize, percent: u64) -> StatusList {
    let mut list = StatusList::new(Bits::One, len);
    let mut revoked = 0;
    let mut i = 0;
    while revoked < len as u64 * percent / 100 {
        let idx = (mix(i) % len as u64) as usize;
        i += 1;
        if list.get(idx) == Some(Status::VALID) {
            list.set(idx, Status::INVALID).unwrap();
            revoked += 1;
        }
    }
    list
}

fn sizes_and_encoding(len: usize, rounds: usize) {
    println!("\nStatus list of {len} one-bit statuses (median of {rounds} runs)\n");
    println!("| revoked | raw bytes | lst (compressed) bytes | token bytes | encode ms | encode + sign ms |");
    println!("|---|---|---|---|---|---|");
    for percent in [1, 10] {
        let list = list(len, percent);
        let mut encode = Vec::new();
        let mut sign = Vec::new();
        let mut lst = String::new();
        let mut jwt = String::new();
        for _ in 0..rounds.min(11) {
            let start = Instant::now();
            lst = std::hint::black_box(list.to_lst());
            encode.push(start.elapsed().as_secs_f64() * 1e3);
            let start = Instant::now();
            let token = StatusListToken {
                list: &list,
                uri: LIST_URI,
                issued_at: 1_000,
                expires_at: Some(90_000),
                ttl: Some(60),
            };
            jwt = token.sign(Algorithm::HS256, &key(), None).unwrap();
            sign.push(start.elapsed().as_secs_f64() * 1e3);
        }
        let compressed = URL_SAFE_NO_PAD.decode(&lst).unwrap().len();
        println!(
            "| {percent}% | {} | {compressed} | {} | {:.1} | {:.1} |",
            list.as_bytes().len(),
            jwt.len(),
            median(&mut encode),
            median(&mut sign)
        );
    }
}

async fn me() -> &'static str {
    "me"
}

/// A source serving one signed list from memory: the resource server's
/// list is warm after its first request, as behind a fetch.
struct Preloaded(String);

impl StatusListSource for Preloaded {
    type Error = std::io::Error;

    fn status_list_token<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<String, Self::Error>> {
        Box::pin(async move { Ok(self.0.clone()) })
    }
}

/// What a user writes for JWTs without revocation: verify with
/// `jsonwebtoken`, the claims into the request.
async fn hand_jwt_guard(
    State(key): State<Arc<DecodingKey>>,
    mut request: Request,
    next: Next,
) -> Response {
    match verified(&request, &key) {
        Some(claims) => {
            request.extensions_mut().insert(claims);
            next.run(request).await
        }
        None => StatusCode::UNAUTHORIZED.into_response(),
    }
}

/// The claims of the request's Bearer JWT, verified.
fn verified(request: &Request, key: &DecodingKey) -> Option<Value> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.validate_aud = false;
    let bearer = request.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let token = bearer.strip_prefix("Bearer ")?;
    decode::<Value>(token, key, &validation)
        .ok()
        .map(|data| data.claims)
}

/// `n` JWTs of app1 for alice, each with a status in [`LIST_URI`] at its
/// own index, and the list they point into (all VALID).
fn jwts(n: usize) -> (Vec<String>, String) {
    let header = jsonwebtoken::Header {
        typ: Some("at+jwt".into()),
        ..jsonwebtoken::Header::new(Algorithm::HS256)
    };
    let tokens = (0..n)
        .map(|i| {
            let status = StatusReference {
                idx: i,
                uri: LIST_URI.into(),
            };
            let claims = json!({
                "iss": ISSUER, "sub": "alice", "client_id": "app1", "iat": 1_000,
                "exp": 4_102_444_800u64, "jti": format!("j{i}"), "status": status.to_claim(),
            });
            jsonwebtoken::encode(&header, &claims, &key()).unwrap()
        })
        .collect();
    let list = StatusList::new(Bits::One, n.next_multiple_of(8));
    let token = StatusListToken {
        list: &list,
        uri: LIST_URI,
        issued_at: tower_revoke_test_support::jwt::now(),
        expires_at: Some(4_102_444_800),
        ttl: Some(3_600),
    };
    (tokens, token.sign(Algorithm::HS256, &key(), None).unwrap())
}

fn requests(path: &str, tokens: &[String], start: usize) -> Vec<Request<Body>> {
    (0..BATCH)
        .map(|j| {
            let token = &tokens[(start + j) % tokens.len()];
            Request::get(path)
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        })
        .collect()
}

/// Sends `requests` through `router`; ns per request.
fn run(router: &mut Router, requests: Vec<Request<Body>>) -> f64 {
    let n = requests.len();
    let start = Instant::now();
    let mut wrong = 0;
    for request in requests {
        let response = block_on(async {
            let service = ServiceExt::<Request>::ready(router).await.unwrap();
            service.call(request).await.unwrap()
        });
        wrong += usize::from(response.status() != StatusCode::OK);
        drop(std::hint::black_box(response));
    }
    assert_eq!(wrong, 0, "some requests were refused");
    start.elapsed().as_nanos() as f64 / n as f64
}

/// Interleaved rounds of every contender; prints each one's median above
/// the first (the bare Router) and its ratio to `yardstick`'s.
fn compare(
    title: &str,
    path: &str,
    tokens: &[String],
    rounds: usize,
    mut contenders: Vec<(&str, Router)>,
    yardstick: usize,
) {
    for (_, router) in &mut contenders {
        run(router, requests(path, tokens, 0));
    }
    let mut times = vec![Vec::new(); contenders.len()];
    for round in 0..rounds {
        for k in 0..contenders.len() {
            let i = (round + k) % contenders.len();
            let batch = requests(path, tokens, round * BATCH);
            times[i].push(run(&mut contenders[i].1, batch));
        }
    }
    let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    let above = |i: usize| medians[i] - medians[0];
    println!("\n{title}, {rounds} interleaved rounds of {BATCH} requests\n");
    println!(
        "| contender | median ns/req | above bare | / {} above bare |",
        contenders[yardstick].0
    );
    println!("|---|---|---|---|");
    for (i, (name, _)) in contenders.iter().enumerate() {
        let ratio = if i == 0 {
            "-".to_owned()
        } else {
            format!("{:.2}", above(i) / above(yardstick))
        };
        println!("| {name} | {:.0} | {:.0} | {ratio} |", medians[i], above(i));
    }
}

fn serving(len: usize, rounds: usize) {
    let store = MemoryStore::new();
    let statuses = StatusIssuer::new(
        store,
        "https://as.example/statuslists",
        Algorithm::HS256,
        key(),
    )
    .capacity(len.next_multiple_of(8) as u32);
    for i in 0..100 {
        let jti = format!("j{i}");
        let jwt = JwtRecord {
            issuer: ISSUER,
            jti: &jti,
            subject: "alice",
            issued_at: 1_000,
        };
        block_on(statuses.allocate(&jwt, 4_102_444_800)).unwrap();
    }
    let tokens = vec!["unused".to_owned()];
    let bare = Router::new().route("/statuslists/{list}", get(me));
    let published =
        Router::new().route("/statuslists/{list}", any_service(statuses.list_service()));
    compare(
        &format!("GET /statuslists/1, a warm list of {len} statuses"),
        "/statuslists/1",
        &tokens,
        rounds,
        vec![
            ("bare", bare.clone()),
            ("bare (again)", bare),
            ("list_service", published),
        ],
        2,
    );
}

fn resource_server(rounds: usize) {
    let (tokens, list_token) = jwts(1_000);
    let keys = || [JwtKey::hs256(SECRET).unwrap()];
    let lists = StatusLists::new(Preloaded(list_token))
        .issuer("https://as.example", StatusListVerifier::new(keys()));
    let store = StatusCheckedStore::new(JwtVerifier::new(ISSUER, keys()), lists);
    let users: HashMap<String, User> = tokens
        .iter()
        .map(|t| (t.clone(), User::alice("app1")))
        .collect();
    let router = || Router::new().route("/me", get(me));
    let decoding = Arc::new(DecodingKey::from_secret(SECRET).unwrap());
    compare(
        "The resource server's guard, warm list, 1,000 JWTs",
        "/me",
        &tokens,
        rounds,
        vec![
            ("bare", router()),
            (
                "handwritten HashMap from_fn",
                router().layer(from_fn_with_state(Arc::new(users), hand_guard)),
            ),
            (
                "handwritten jsonwebtoken from_fn (no status)",
                router().layer(from_fn_with_state(decoding, hand_jwt_guard)),
            ),
            (
                "BearerAuthLayer<StatusCheckedStore>",
                router().layer(BearerAuthLayer::new(store)),
            ),
        ],
        1,
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some((len, rounds)) = sizes(&args) else {
        return;
    };
    sizes_and_encoding(len, rounds);
    serving(len, rounds);
    resource_server(rounds);
}
