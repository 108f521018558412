//! What the benches share: driving a future without a runtime, the
//! Bearer guard a user writes by hand ([`hand_guard`]), and for the
//! examples' benches over the SQL stores, the phases of concurrent clients
//! ([`clients`]) and the rule for a missing PostgreSQL or Redis server
//! ([`postgres_url`], [`redis_url`]).

pub mod hand_guard;

use crate::services::{POSTGRES_URL, REDIS_URL};
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// Polls `future` on this thread until it is ready, with a no-op waker:
/// no runtime, no allocation, no thread hand-off. Every future in the
/// benches completes without waiting (in-memory bodies and stores; a slow
/// store blocks the thread instead), so this never spins for long.
///
/// Generic, so it is compiled into each bench as if written there.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::hint::spin_loop();
    }
}

/// The runtime the examples' benches run on: tokio's, multi-threaded,
/// with two worker threads (the machine's two cores), I/O and timers on.
pub fn two_threads() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

/// The requests of one phase, handed out to its clients one at a time: at
/// most the phase's number, and none once its time is up.
#[derive(Debug)]
pub struct Tickets {
    next: AtomicUsize,
    given: AtomicUsize,
    requests: usize,
    started: Instant,
    cap: Duration,
}

impl Tickets {
    /// The index of the next request to send, or `None` when the phase is
    /// over (all given, or its time is up). A client that takes a ticket
    /// completes that request (or panics).
    pub fn take(&self) -> Option<usize> {
        if self.started.elapsed() >= self.cap {
            return None;
        }
        let index = self.next.fetch_add(1, Ordering::Relaxed);
        let given = index < self.requests;
        if given {
            self.given.fetch_add(1, Ordering::Relaxed);
        }
        given.then_some(index)
    }
}

/// What a phase of [`clients`] did.
#[derive(Debug)]
pub struct Phase<T> {
    /// What each client returned, in the order they were made.
    pub outputs: Vec<T>,
    /// The requests completed.
    pub requests: usize,
    /// Requests per second, from the phase's start until its last client
    /// returned.
    pub per_second: f64,
}

/// Runs one phase: `clients` tasks, the `i`th made by `client(i, tickets)`
/// and spawned on the current tokio runtime, each sending requests while
/// [`Tickets::take`] gives it one (at most `requests` in all, none after
/// `cap`), then returning.
pub async fn clients<T, F, Fut>(
    clients: usize,
    requests: usize,
    cap: Duration,
    mut client: F,
) -> Phase<T>
where
    F: FnMut(usize, Arc<Tickets>) -> Fut,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let tickets = Arc::new(Tickets {
        next: AtomicUsize::new(0),
        given: AtomicUsize::new(0),
        requests,
        started: Instant::now(),
        cap,
    });
    let tasks: Vec<_> = (0..clients)
        .map(|i| tokio::spawn(client(i, Arc::clone(&tickets))))
        .collect();
    let mut outputs = Vec::with_capacity(clients);
    for task in tasks {
        outputs.push(task.await.expect("a client of the phase panicked"));
    }
    let requests = tickets.given.load(Ordering::Relaxed);
    let per_second = requests as f64 / tickets.started.elapsed().as_secs_f64();
    Phase {
        outputs,
        requests,
        per_second,
    }
}

/// The PostgreSQL server's URL (`TOWER_REVOKE_TEST_POSTGRES_URL`), or
/// `None` after printing that the bench's PostgreSQL figures are skipped
/// and how to start a server. Unlike the tests' rule
/// ([`services::url`](crate::services::url)), never a panic, under CI
/// too: benches are run by hand.
pub fn postgres_url() -> Option<String> {
    server_url("PostgreSQL", POSTGRES_URL, "postgres")
}

/// The Redis server's URL (`TOWER_REVOKE_TEST_REDIS_URL`), or `None` after
/// printing that the bench's Redis figures are skipped and how to start a
/// server; as [`postgres_url`], never a panic.
pub fn redis_url() -> Option<String> {
    server_url("Redis", REDIS_URL, "redis")
}

/// The URL in `var`, or `None` after printing that the `name` figures are
/// skipped and how `scripts/services` starts `service`.
fn server_url(name: &str, var: &str, service: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            println!(
                "\n{name} figures skipped: {var} is not set \
                 (eval \"$(scripts/services start {service})\")"
            );
            None
        }
    }
}

/// Waits until `condition` holds, looking every millisecond.
///
/// # Panics
/// When it does not hold within 10 s (a bound for a bench gone wrong, not
/// a pause): the message names `what` was awaited.
pub async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "waited 10 s for {what}"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}
