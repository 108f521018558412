//! The Bearer guard with a warm `CachedStore`, against what a user would
//! write instead: an `axum::middleware::from_fn` reading
//! `TypedHeader<Authorization<Bearer>>` and looking the token up in an
//! in-process `HashMap` (the fastest check there is, with no revocation
//! across instances at all).
//!
//! ```text
//! cargo bench --bench guard_cache   # about 5 s
//! ```
//!
//! (`cargo test --benches` runs it once, small, as a smoke test.)
//!
//! Every contender is the same axum `Router` with `GET /me` answering a
//! static string, with its guard as `Router::layer`; `bare` has no guard.
//! The hand-written middleware is the one of `benches/revoke/routers.rs`
//! (an `Arc<HashMap>` without a lock, the user cloned into the request), so
//! that the figures compare with that suite's. Requests are built
//! before the clock starts (1,000 distinct 43-character tokens, cycled) and
//! driven on this thread: `ready`, `call`, polled with a no-op waker.
//! Batches of every contender are interleaved in one process, in a rotating
//! order; times are per request, "above bare" subtracts the bare Router's.
//!
//! `boxed_memory` is the same `MemoryStore` as a trait object
//! (`Arc<dyn DynIntrospectionStore>`): its `introspect_now` is forwarded
//! as it is, so the guard's fast path should cost what `memory` costs.
//!
//! `cached_slow` is a `CachedStore` over a store whose `introspect` blocks
//! 1 ms (a database round trip); warm, it never asks it, which the bench
//! checks. `max_staleness` is 60 s so that no entry expires during the run:
//! what is measured is the hit path, whatever the staleness.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header::AUTHORIZATION, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use axum::Router;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::{Service, ServiceExt};
use tower_revoke::cache::CachedStore;
use tower_revoke::client::ClientId;
use tower_revoke::request::Token;
use tower_revoke::store::{ClientEntry, Seed, TokenEntry};
use tower_revoke::{
    ActiveToken, BearerAuthLayer, IntrospectionStore, MemoryStore, StoreError, TokenKind,
};
use tower_revoke_test_support::bench::block_on;
use tower_revoke_test_support::bench::hand_guard::{hand_guard, User};

const TOKENS: usize = 1_000;
const BATCH: usize = 1_000;
const ROUNDS: usize = 101;

/// What to run: nothing when listing or filtered out; everything once,
/// small, under `cargo test --benches` (which does not pass `--bench`).
fn rounds(args: &[String]) -> Option<(usize, usize)> {
    if args.iter().any(|a| a == "--list") {
        return None;
    }
    let mut filters = args.iter().skip(1).filter(|a| !a.starts_with('-'));
    if filters.clone().next().is_some() && !filters.any(|f| "guard_cache".contains(f.as_str())) {
        return None;
    }
    let full = args.iter().any(|a| a == "--bench");
    Some(if full { (TOKENS, ROUNDS) } else { (20, 3) })
}

/// Counts allocations while [`COUNTING`] is set (this bench is one thread).
struct CountingAlloc;

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCS: AtomicU64 = AtomicU64::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded under the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded under the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAlloc = CountingAlloc;

/// SplitMix64: distinct token values.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// 43 characters, the length of a base64url 256-bit token.
fn token(i: usize) -> String {
    let i = i as u64;
    format!("{:016x}{:016x}{:011x}", mix(i), mix(i + (1 << 32)), i)
}

fn memory_store(tokens: &[String]) -> MemoryStore {
    let app1 = ClientId::new("app1").unwrap();
    let entries = tokens.iter().map(|value| {
        let token = Token::new(value.as_str()).unwrap();
        TokenEntry::new(token, TokenKind::AccessToken, app1.clone()).with_subject("alice")
    });
    let seed = Seed::new([ClientEntry::new(app1.clone(), None)], entries).unwrap();
    MemoryStore::from_seed(&seed)
}

/// A store a round trip away: `introspect` blocks 1 ms, and is counted.
#[derive(Clone)]
struct Slow {
    store: MemoryStore,
    lookups: Arc<AtomicUsize>,
}

impl IntrospectionStore for Slow {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.lookups.fetch_add(1, Ordering::Relaxed);
        std::thread::sleep(Duration::from_millis(1));
        self.store.introspect(token).await
    }
}

async fn me() -> &'static str {
    "me"
}

fn requests(tokens: &[String], start: usize) -> Vec<Request<Body>> {
    (0..BATCH)
        .map(|j| {
            let token = &tokens[(start + j) % tokens.len()];
            Request::get("/me")
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .body(Body::empty())
                .unwrap()
        })
        .collect()
}

/// Sends `requests` through `router`; the time per request, in ns.
fn run(router: &mut Router, requests: Vec<Request<Body>>) -> f64 {
    let n = requests.len();
    let mut wrong = 0;
    let start = Instant::now();
    for request in requests {
        let response = block_on(async {
            let service = ServiceExt::<Request>::ready(router).await.unwrap();
            service.call(request).await.unwrap()
        });
        wrong += usize::from(response.status() != StatusCode::OK);
        drop(std::hint::black_box(response));
    }
    let elapsed = start.elapsed();
    assert_eq!(wrong, 0, "some requests were refused");
    elapsed.as_nanos() as f64 / n as f64
}

fn median(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some((n_tokens, n_rounds)) = rounds(&args) else {
        return;
    };
    let tokens: Vec<String> = (0..n_tokens).map(token).collect();
    let store = memory_store(&tokens);
    let slow = Slow {
        store: store.clone(),
        lookups: Arc::default(),
    };
    let minute = Duration::from_secs(60);
    let user = User::alice("app1");
    let users: HashMap<_, _> = tokens.iter().map(|t| (t.clone(), user.clone())).collect();

    let router = || Router::new().route("/me", get(me));
    let mut contenders: Vec<(&str, Router)> = vec![
        ("bare", router()),
        (
            "handwritten",
            router().layer(from_fn_with_state(Arc::new(users), hand_guard)),
        ),
        (
            "memory",
            router().layer(BearerAuthLayer::new(store.clone())),
        ),
        (
            "boxed_memory",
            router().layer(BearerAuthLayer::new(boxed(store.clone()))),
        ),
        (
            "cached_memory",
            router().layer(BearerAuthLayer::new(CachedStore::new(store, minute))),
        ),
        (
            "cached_slow",
            router().layer(BearerAuthLayer::new(CachedStore::new(slow.clone(), minute))),
        ),
    ];

    // Warm every cache (the slow store: 1,000 lookups of 1 ms).
    for (_, router) in &mut contenders {
        run(router, requests(&tokens, 0));
    }
    let warm_lookups = slow.lookups.load(Ordering::Relaxed);
    assert_eq!(warm_lookups, n_tokens);

    let mut times = vec![Vec::with_capacity(n_rounds); contenders.len()];
    for round in 0..n_rounds {
        for k in 0..contenders.len() {
            let index = (round + k) % contenders.len();
            let batch = requests(&tokens, round * BATCH);
            times[index].push(run(&mut contenders[index].1, batch));
        }
    }
    let misses = slow.lookups.load(Ordering::Relaxed) - warm_lookups;

    let allocs: Vec<f64> = contenders
        .iter_mut()
        .map(|(_, router)| {
            let batch = requests(&tokens, 0);
            ALLOCS.store(0, Ordering::SeqCst);
            COUNTING.store(true, Ordering::SeqCst);
            run(router, batch);
            COUNTING.store(false, Ordering::SeqCst);
            ALLOCS.load(Ordering::SeqCst) as f64 / BATCH as f64
        })
        .collect();

    report(&contenders, &times, &allocs, misses, n_tokens);
    parts(&tokens, &slow);
}

/// The hit path in parts, without a Router: ns per call over the 1,000
/// tokens, median of 31 rounds.
fn parts(tokens: &[String], slow: &Slow) {
    let tokens: Vec<Token> = tokens
        .iter()
        .map(|t| Token::new(t.as_str()).unwrap())
        .collect();
    let cached = CachedStore::new(slow.clone(), Duration::from_secs(60));
    for token in &tokens {
        block_on(cached.introspect(token)).unwrap();
    }
    let memory = &slow.store;
    let time = |f: &dyn Fn(&Token) -> bool| {
        let rounds: Vec<f64> = (0..31)
            .map(|_| {
                let start = Instant::now();
                let hits = tokens.iter().filter(|t| f(std::hint::black_box(t))).count();
                assert_eq!(hits, tokens.len());
                start.elapsed().as_nanos() as f64 / tokens.len() as f64
            })
            .collect();
        median(&rounds)
    };
    let digest = time(&|t| {
        std::hint::black_box(tower_revoke::store::TokenDigest::of(t));
        true
    });
    let memory_now = time(&|t| matches!(memory.introspect_now(t.secret()), Some(Ok(Some(_)))));
    let cached_now = time(&|t| matches!(cached.introspect_now(t.secret()), Some(Ok(Some(_)))));
    println!("\nHit path in parts (ns per call): TokenDigest::of {digest:.0}, MemoryStore::introspect_now {memory_now:.0}, CachedStore::introspect_now (warm) {cached_now:.0}");
}

/// `store` as the introspection trait object.
fn boxed(store: MemoryStore) -> Arc<dyn tower_revoke::store::DynIntrospectionStore> {
    Arc::new(store)
}

fn report(
    contenders: &[(&str, Router)],
    times: &[Vec<f64>],
    allocs: &[f64],
    misses: usize,
    n_tokens: usize,
) {
    let rounds = times[0].len();
    let (bare, hand) = (0, 1);
    let above = |i: usize, r: usize| times[i][r] - times[bare][r];
    println!(
        "\nGuard per request, {rounds} interleaved rounds of {BATCH} requests, {n_tokens} tokens\n"
    );
    println!("| contender | median ns/req | min ns/req | above bare (median) | / handwritten above bare | per-round ratio (median) | allocs/req |");
    println!("|---|---|---|---|---|---|---|");
    let hand_above = median(&times[hand]) - median(&times[bare]);
    for (i, (name, _)) in contenders.iter().enumerate() {
        let med = median(&times[i]);
        let min = times[i].iter().copied().fold(f64::INFINITY, f64::min);
        let above_median = med - median(&times[bare]);
        let (ratio, per_round) = if i == bare {
            ("-".to_owned(), "-".to_owned())
        } else {
            let rounds: Vec<f64> = (0..rounds).map(|r| above(i, r) / above(hand, r)).collect();
            let ratio = above_median / hand_above;
            (format!("{ratio:.2}"), format!("{:.2}", median(&rounds)))
        };
        println!(
            "| {name} | {med:.0} | {min:.0} | {above_median:.0} | {ratio} | {per_round} | {:.2} |",
            allocs[i]
        );
    }
    println!(
        "\ncached_slow: {misses} lookups reached the 1 ms store while measuring (warm: 0 expected)"
    );
}
