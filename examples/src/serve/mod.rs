//! Serving on a hostile network: the one accept loop every example uses.
//!
//! `axum::serve`, and an accept loop that hands each stream to hyper, hold a
//! connection for as long as the client keeps it open. One that sends
//! nothing, half a request line, a head announcing `Content-Length: 100` and
//! no body, one byte every few seconds, or that sits idle after a keep-alive
//! response, is held for ever with its task, buffers and descriptor: 1,000
//! stalled revocations held ~36 MB and every descriptor (issue #10). A
//! `tower` timeout around the app does not help there: it starts only once a
//! request head has reached the service.
//!
//! [`serve`] bounds every stage of a connection in time, caps how many are
//! served at once, and backs off when accepting fails. It serves HTTP/1.1
//! and HTTP/2 (with TLS terminated in front, or h2c with prior knowledge)
//! through `hyper_util::server::conn::auto`, for any cloneable tower service
//! (an axum `Router`, or a `ServiceBuilder` stack on hyper).
//!
//! # Limits
//!
//! | [`Limits`] field | default | what it bounds | threat |
//! |---|---|---|---|
//! | `header_read_timeout` | 10 s | accept to the first request head; on HTTP/1.1 also each response to the next head | silent connections, slowloris heads, one byte at a time |
//! | `idle_timeout` | 30 s | a connection with no request in flight | idle keep-alive, HTTP/2 included |
//! | `request_timeout` | 30 s | a request head to its response head, body included; then 408 | stalled bodies, slow stores |
//! | `max_connections` | 512 | connections served at once | descriptor and memory exhaustion |
//! | `http2_max_concurrent_streams` | 16 | requests in flight on one HTTP/2 connection | multiplying the connection cap |
//! | `http2_keep_alive_interval`, `_timeout` | 20 s, 20 s | time to notice an HTTP/2 peer that is gone | dead peers |
//!
//! **`header_read_timeout`, 10 s.** A revocation request head is well under
//! 1 KiB, one or two TCP segments: a client on a poor link sends it within a
//! second, and 10 s still covers three retransmissions at TCP's initial 1 s
//! timeout (1 + 2 + 4 s). A client that sends nothing, or drips its head,
//! loses its connection after 10 s however many bytes it sent.
//!
//! **`idle_timeout`, 30 s.** Long enough to reuse a connection across a
//! burst (a logout revokes the access token and the refresh token back to
//! back; a batch job revokes many) without a new TCP and TLS handshake;
//! longer buys little, as one client revokes rarely, while each idle
//! connection keeps a slot of `max_connections`. On HTTP/1.1 the wait for
//! the next request head is also bounded by `header_read_timeout`, so an
//! idle HTTP/1.1 keep-alive connection is closed after 10 s; `idle_timeout`
//! is what closes idle HTTP/2 connections.
//!
//! **`request_timeout`, 30 s.** The endpoint reads at most `max_body_size`
//! (16 KiB), which a client on a 50 kbit/s link sends in about 3 s, and an
//! in-memory or database store answers in milliseconds; 30 s is far above
//! any honest request and below the 60 s a proxy in front waits for an
//! answer by default (nginx's `proxy_read_timeout`), so the client gets a
//! `408 Request Timeout` rather than the proxy's 504. The response body is
//! not timed: answers here are small enough for the socket buffer.
//!
//! **`max_connections`, 512.** The default soft descriptor limit on Linux is
//! 1024 (systemd keeps it for services, and Rust does not raise it); 512
//! leaves the other half for the store's pool, logs and outgoing calls, so
//! that this cap, not `EMFILE`, is what stops accepting. At the ~36 KB a
//! stalled connection held in issue #10, 512 of them hold ~18 MB. Past the
//! cap, new connections are not accepted (as Go's `netutil.LimitListener`
//! does): they wait in the kernel's listen backlog, 128 with tokio's
//! `TcpListener::bind` as with std's, and are accepted oldest first as
//! slots free; past the backlog the kernel drops their handshakes, and
//! clients retry them.
//!
//! **`http2_max_concurrent_streams`, 16.** hyper's default of 200 would let
//! 512 connections keep 102,400 requests in flight; a client revoking tokens
//! needs a few, and 16 caps the total at 8,192, each bounded by
//! `request_timeout` and `max_body_size`.
//!
//! **`http2_keep_alive_interval` and `_timeout`, 20 s each.** hyper's
//! server pings every 20 s and closes a connection whose ping is not
//! answered within 20 s, so a peer that vanished mid-request (no FIN, no RST)
//! is noticed in 40 s rather than after TCP's ~15 minutes of retransmission.
//!
//! # How each bound is kept
//!
//! - `auto::Builder` reads up to 24 bytes to tell HTTP/1.1 from the HTTP/2
//!   preface with no timer at all, and hyper's HTTP/2 has no header or idle
//!   timeout. So each connection here has a timer of its own, whatever its
//!   protocol: counting requests in flight (from the service call until the
//!   response body is dropped), it closes a connection that has had none
//!   for `header_read_timeout` since accept, before its first request; after
//!   one, for `idle_timeout` on HTTP/2, and for the shorter of the two on
//!   HTTP/1.1, where a connection with no request in flight is awaiting
//!   the next head. Closing is hyper's graceful shutdown (HTTP/2:
//!   `GOAWAY`), given [`CLOSE_GRACE`] before the connection is dropped.
//! - That timer costs a request nothing: requests update atomics, and the
//!   timer looks at them only when it fires (at most once per bound),
//!   sleeping again until the earliest time the connection could have
//!   been idle for its bound. hyper's own HTTP/1.1 `header_read_timeout`
//!   is off: it would arm a timer for every request (issue 23's profile).
//! - `request_timeout` wraps the service's future, its timer armed the
//!   first time the future is pending (a request answered at once reads no
//!   clock): on expiry the request is dropped and answered 408; on
//!   HTTP/1.1 hyper then closes the connection, whose unread body it
//!   cannot skip.
//! - `max_connections` is a semaphore: a slot is taken before `accept` and
//!   given back when the connection's task ends.
//!
//! # Graceful shutdown
//!
//! `serve` runs until its `shutdown` future resolves (the examples pass
//! SIGTERM or SIGINT, see `common::serve_until_stopped`). Then it stops
//! accepting at once (the listening socket is closed, so a load balancer's
//! new connections are refused, not left waiting), and asks every
//! connection to shut down gracefully: an idle keep-alive connection is
//! closed, HTTP/2 connections get `GOAWAY`, and every request whose head
//! was read is served to the end of its response, as `axum::serve`'s
//! `with_graceful_shutdown` and hyper-util's `GracefulShutdown` do. Past
//! [`Limits::shutdown_grace`] (default 10 s, below Kubernetes' 30 s
//! `terminationGracePeriodSeconds` and systemd's 90 s `TimeoutStopSec`) the
//! connections still open are dropped and counted in [`Drained::cut`].
//! [`Draining`] tells a readiness endpoint that the drain has begun.
//!
//! # Accept errors
//!
//! When accepting fails for want of a resource (`EMFILE`, `ENFILE`,
//! `ENOBUFS`, `ENOMEM`), retrying at once fails again at once: the loop
//! would spin and log without end. Like `axum::serve` (and hyper 0.14's
//! server before it), the loop sleeps [`ACCEPT_ERROR_BACKOFF`] (1 s) after
//! such an error, and logs each kind of error at most once per
//! [`ACCEPT_ERROR_LOG_INTERVAL`] (60 s), with the count of those not
//! logged. Errors that concern one client only (reset or aborted before it
//! was accepted) are retried at once and logged at DEBUG.
//!
//! # Security
//!
//! These bounds keep one server up; they are not per client. One client can
//! still take every slot, for `header_read_timeout` at a time: limit
//! connections per address in a proxy or firewall in front, and rate-limit
//! requests with `tower` (see the README). TLS is not terminated here; RFC
//! 7009 §2 requires it in production.

mod connection;
mod lent;

use connection::serve_connection;
use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::Service;

/// The errors a served service and its bodies may fail with.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a connection that [`serve`] decided to close may take to finish
/// its graceful shutdown (HTTP/2 `GOAWAY` and its ping) before it is
/// dropped: 1 s. Only connections with no request in flight are closed.
pub const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// How long the accept loop sleeps after an accept error that is not about
/// one connection, such as `EMFILE`: 1 s, as `axum::serve` does.
pub const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_secs(1);

/// How often one kind of accept error is logged, at most: 60 s.
pub const ACCEPT_ERROR_LOG_INTERVAL: Duration = Duration::from_secs(60);

/// The bounds [`serve`] keeps; the module docs say why each default.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// From accept to the first complete request head, and on HTTP/1.1 from
    /// each response to the next head. Default 10 s.
    pub header_read_timeout: Duration,
    /// How long a connection may have no request in flight once it has
    /// served one. Default 30 s.
    pub idle_timeout: Duration,
    /// From a request head to its response head, reading the body
    /// included; past it the answer is `408 Request Timeout`. Default 30 s.
    pub request_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog.
    /// Default 512.
    pub max_connections: usize,
    /// Requests in flight on one HTTP/2 connection. Default 16.
    pub http2_max_concurrent_streams: u32,
    /// How often an HTTP/2 connection is pinged. Default 20 s.
    pub http2_keep_alive_interval: Duration,
    /// How long a ping may go unanswered before the HTTP/2 connection is
    /// closed. Default 20 s.
    pub http2_keep_alive_timeout: Duration,
    /// How long the connections open when shutdown begins may take to
    /// finish their requests; then they are dropped. Default 10 s.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(30),
            max_connections: 512,
            http2_max_concurrent_streams: 16,
            http2_keep_alive_interval: Duration::from_secs(20),
            http2_keep_alive_timeout: Duration::from_secs(20),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// Whether a server is draining: set once its shutdown has begun, for a
/// readiness endpoint to answer 503 from then on. Cheap to clone; clones
/// share the flag.
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    /// Whether the drain has begun.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// Marks the drain begun (it never ends: the process exits after it).
    pub fn start(&self) {
        self.0.store(true, Ordering::Release);
    }
}

/// How [`serve`]'s graceful shutdown ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Drained {
    /// Connections still open when [`Limits::shutdown_grace`] ran out,
    /// dropped then (their requests got no answer); 0 when every
    /// connection finished in time.
    pub cut: usize,
}

/// Serves `service` on every connection `listener` accepts, within
/// `limits`, over HTTP/1.1 and HTTP/2, until `shutdown` resolves; then
/// drains (see the module docs) and returns how the drain ended.
///
/// # Panics
///
/// If `limits.max_connections` is 0.
pub async fn serve<S, B>(
    listener: TcpListener,
    service: S,
    limits: Limits,
    shutdown: impl Future<Output = ()>,
) -> Drained
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    assert!(limits.max_connections > 0, "max_connections must be > 0");
    let mut builder = Builder::new(TokioExecutor::new());
    // No HTTP/1.1 header timer of hyper's: it costs a timer per request;
    // the connection's own timer bounds the wait for each head instead.
    builder.http1().header_read_timeout(None);
    builder
        .http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.http2_max_concurrent_streams)
        .keep_alive_interval(limits.http2_keep_alive_interval)
        .keep_alive_timeout(limits.http2_keep_alive_timeout);
    let builder = Arc::new(builder);
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut errors = AcceptErrors::default();
    let (drain, draining) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);

    loop {
        let accepted = async {
            let slot = Arc::clone(&slots)
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            (slot, listener.accept().await)
        };
        let (slot, accepted) = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = accepted => accepted,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, _)) => {
                let (builder, service) = (Arc::clone(&builder), service.clone());
                let draining = draining.clone();
                connections.spawn(serve_connection(
                    builder, stream, service, limits, slot, draining,
                ));
            }
            Err(error) if is_connection_error(&error) => {
                tracing::debug!(%error, "a connection failed before it was accepted");
            }
            Err(error) => {
                errors.log(&error);
                tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
            }
        }
    }

    drop(listener);
    drain.send_replace(true);
    let open = connections.len();
    tracing::info!(open, grace = ?limits.shutdown_grace, "draining");
    let finished = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(limits.shutdown_grace, finished)
        .await
        .is_ok()
    {
        return Drained { cut: 0 };
    }
    let cut = connections.len();
    connections.shutdown().await;
    Drained { cut }
}

/// Errors about one connection, not the listener: retried at once, as in
/// `axum::serve`.
fn is_connection_error(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// When each kind of accept error was last logged, and how many of that
/// kind have not been logged since.
#[derive(Default)]
struct AcceptErrors(HashMap<io::ErrorKind, (Instant, u64)>);

impl AcceptErrors {
    fn log(&mut self, error: &io::Error) {
        let now = Instant::now();
        if let Some((logged, unlogged)) = self.0.get_mut(&error.kind()) {
            if now < *logged + ACCEPT_ERROR_LOG_INTERVAL {
                *unlogged += 1;
                return;
            }
        }
        let unlogged = self.0.insert(error.kind(), (now, 0)).map_or(0, |(_, n)| n);
        tracing::error!(
            %error,
            unlogged,
            "accept failed; retrying every {ACCEPT_ERROR_BACKOFF:?}, \
             logging this kind of error at most every {ACCEPT_ERROR_LOG_INTERVAL:?}"
        );
    }
}
