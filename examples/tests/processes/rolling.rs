//! A rolling restart under load (issue 20): two demo instances on one
//! PostgreSQL database (and on one Redis), a round-robin client revoking,
//! checking `/me` and introspecting at a steady pace, and each instance in
//! turn stopped with SIGTERM and started again while the load runs.
//!
//! Nothing may be lost: every answer is a correct one (a 5xx only as 503
//! with `Retry-After`), every revocation answered 200 is in force on both
//! instances afterwards, and each drained instance exits 0 (no request
//! whose head was read was cut). What a client sees at the connection
//! level while an instance is down (refused, or a keep-alive connection
//! closed under it) is counted and printed, with the p99 latency.

use crate::demo::{Demo, SeedFile};
use crate::services::{self, POSTGRES_URL, REDIS_URL};
use crate::shared_store::Shared;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

#[tokio::test]
async fn postgres_rolling_restart_under_load_loses_nothing() {
    rolling_restart(
        POSTGRES_URL,
        "postgres_rolling_restart_under_load_loses_nothing",
    )
    .await;
}

#[tokio::test]
async fn redis_rolling_restart_under_load_loses_nothing() {
    rolling_restart(REDIS_URL, "redis_rolling_restart_under_load_loses_nothing").await;
}

/// Workers of the round-robin client.
const WORKERS: usize = 4;
/// Tokens: each worker revokes its own, one by one.
const TOKENS: usize = 2_000;

/// What the load saw.
#[derive(Default)]
struct Seen {
    /// Tokens whose revocation was answered 200.
    revoked: Vec<String>,
    /// Requests that got no answer (refused, or the connection closed).
    connection_failures: usize,
    /// 503 answers, each with `Retry-After`.
    unavailable: usize,
    /// Answered requests.
    answered: usize,
    latencies: Vec<Duration>,
}

async fn rolling_restart(var: &str, test: &str) {
    let _one_at_a_time = crate::serial().await;
    let Some(shared) = Shared::create(var, test).await else {
        return;
    };
    let seed = SeedFile::access_tokens(&services::unique_name("roll"), TOKENS);
    let a = Demo::start(shared.url(), seed.path(), &[]).await;
    let b = Demo::start(shared.url(), seed.path(), &[]).await;
    let addrs = Arc::new(RwLock::new([a.addr, b.addr]));
    let mut demos = [Some(a), Some(b)];
    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = seed
        .tokens
        .chunks(TOKENS / WORKERS)
        .map(|tokens| {
            let (addrs, seen, stop) = (addrs.clone(), seen.clone(), stop.clone());
            tokio::spawn(load(tokens.to_vec(), addrs, seen, stop))
        })
        .collect();

    for (slot, demo) in demos.iter_mut().enumerate() {
        tokio::time::sleep(Duration::from_millis(700)).await;
        let old = demo.take().expect("running");
        old.sigterm();
        let status = old.wait_exit(Duration::from_secs(30)).await;
        assert_eq!(
            status.code(),
            Some(0),
            "instance {slot} drained with nothing cut"
        );
        let new = Demo::start(shared.url(), seed.path(), &[]).await;
        addrs.write().unwrap_or_else(PoisonError::into_inner)[slot] = new.addr;
        *demo = Some(new);
    }
    tokio::time::sleep(Duration::from_millis(700)).await;
    stop.store(true, std::sync::atomic::Ordering::Release);
    for worker in workers {
        worker.await.expect("a load worker");
    }

    let mut seen = std::mem::take(&mut *seen.lock().unwrap_or_else(PoisonError::into_inner));
    assert!(
        seen.revoked.len() > 50,
        "the load ran: {} revoked",
        seen.revoked.len()
    );
    for token in &seen.revoked {
        for demo in demos.iter().flatten() {
            assert_eq!(
                demo.me_status(token).await,
                401,
                "{token} revoked with 200 stays revoked"
            );
        }
    }
    seen.latencies.sort();
    let p99 = seen.latencies[seen.latencies.len() * 99 / 100];
    println!(
        "{test}: {} answered ({} of them 503), {} revocations 200, {} connection-level failures, p99 {p99:?}",
        seen.answered,
        seen.unavailable,
        seen.revoked.len(),
        seen.connection_failures
    );
}

/// One worker: for each of its tokens in turn, `/me` (200: not revoked
/// yet), a revocation, then `/me` again (401) and an introspection
/// (inactive), each on the next instance round-robin, until `stop`. A
/// request that gets no answer is counted and the step retried.
async fn load(
    tokens: Vec<String>,
    addrs: Arc<RwLock<[SocketAddr; 2]>>,
    seen: Arc<Mutex<Seen>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) {
    let client: Client<HttpConnector, Full<bytes::Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let mut turn = 0_usize;
    for token in tokens {
        let mut revoked = false;
        for step in [
            Step::MeActive,
            Step::Revoke,
            Step::MeRevoked,
            Step::Introspect,
        ] {
            loop {
                if stop.load(std::sync::atomic::Ordering::Acquire) {
                    return;
                }
                turn += 1;
                let addr = addrs.read().unwrap_or_else(PoisonError::into_inner)[turn % 2];
                let started = Instant::now();
                let answer = step.send(&client, addr, &token).await;
                let mut seen = seen.lock().unwrap_or_else(PoisonError::into_inner);
                let Ok((status, retry_after, body)) = answer else {
                    seen.connection_failures += 1;
                    continue;
                };
                seen.answered += 1;
                seen.latencies.push(started.elapsed());
                if status == 503 {
                    assert!(retry_after, "a 503 carries Retry-After");
                    seen.unavailable += 1;
                    continue;
                }
                step.check(status, &body, &token);
                if step == Step::Revoke {
                    seen.revoked.push(token.clone());
                    revoked = true;
                }
                break;
            }
        }
        assert!(revoked);
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Step {
    MeActive,
    Revoke,
    MeRevoked,
    Introspect,
}

impl Step {
    /// Sends the step's request for `token` to `addr`: its status, whether
    /// it had `Retry-After`, and its body; `Err` when no answer came.
    async fn send(
        self,
        client: &Client<HttpConnector, Full<bytes::Bytes>>,
        addr: SocketAddr,
        token: &str,
    ) -> Result<(u16, bool, bytes::Bytes), String> {
        let request = match self {
            Self::MeActive | Self::MeRevoked => Request::builder()
                .uri(format!("http://{addr}/me"))
                .header("authorization", format!("Bearer {token}"))
                .body(Full::default()),
            Self::Revoke | Self::Introspect => {
                let path = if self == Self::Revoke {
                    "revoke"
                } else {
                    "introspect"
                };
                Request::builder()
                    .method(Method::POST)
                    .uri(format!("http://{addr}/oauth/{path}"))
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("authorization", "Basic YXBwMTpzM2NyM3Q=")
                    .body(Full::from(format!("token={token}")))
            }
        };
        let call = async {
            let response = client
                .request(request.unwrap())
                .await
                .map_err(|e| e.to_string())?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| e.to_string())?.to_bytes();
            let retry_after = parts.headers.contains_key("retry-after");
            Ok((parts.status.as_u16(), retry_after, body))
        };
        tokio::time::timeout(Duration::from_secs(30), call)
            .await
            .unwrap_or_else(|_| Err("no answer within 30 s".into()))
    }

    /// Asserts the answer is the correct one for the step.
    #[track_caller]
    fn check(self, status: u16, body: &[u8], token: &str) {
        let expected: (u16, &[u8]) = match self {
            Self::MeActive => (200, br#"{"client_id":"app1","sub":"alice"}"#),
            Self::Revoke => (200, b"{}"),
            Self::MeRevoked => (401, b""),
            Self::Introspect => (200, br#"{"active":false}"#),
        };
        let shown = String::from_utf8_lossy(body);
        assert_eq!(status, expected.0, "{self:?} {token}: {shown}");
        if self != Self::MeRevoked {
            assert_eq!(body, expected.1, "{self:?} {token}: {shown}");
        }
    }
}
