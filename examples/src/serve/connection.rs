//! One connection, served within the bounds of [`Limits`]: hyper's HTTP/2
//! timers, this module's per-connection idle timer (requests in flight are
//! counted from the call until their response body is dropped; it also
//! bounds the wait for each HTTP/1.1 request head), and the request timeout
//! that answers 408.

use super::lent::Lent;
use super::{BoxError, Limits, CLOSE_GRACE};
use http::{Request, Response, StatusCode, Version};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{watch, OwnedSemaphorePermit};
use tokio::time::{Instant, Sleep};
use tower::Service;

/// Serves one connection until it ends, until it has had no request in
/// flight for its bound, or until the server drains (`draining` turns
/// `true`): then it finishes the requests whose head was read and closes.
/// `_slot` is its place among `max_connections`.
pub(super) async fn serve_connection<S, B>(
    builder: Arc<Builder<TokioExecutor>>,
    stream: TcpStream,
    service: S,
    limits: Limits,
    _slot: OwnedSemaphorePermit,
    mut draining: watch::Receiver<bool>,
) where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let activity = Arc::new(Activity::new());
    let service = Bounded {
        inner: service,
        activity: Arc::clone(&activity),
        request_timeout: limits.request_timeout,
    };
    let connection = builder.serve_connection(TokioIo::new(stream), Lent::new(service));
    tokio::pin!(connection);

    // The timer wakes at most once per bound, never per request: it looks
    // at the connection's activity when it fires and sleeps again until the
    // earliest time the connection could have been idle for its bound.
    while let Some(deadline) = activity.next_look(&limits, Instant::now()) {
        tokio::select! {
            // The connection first: it is what wakes this task on every
            // request, and no random draw to pick the order.
            biased;
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            () = tokio::time::sleep_until(deadline) => {}
            () = drain_begins(&mut draining) => {
                // hyper's graceful shutdown: no new request, the ones in
                // flight answered, HTTP/2 `GOAWAY`. The server's
                // `shutdown_grace` bounds it, not `CLOSE_GRACE`.
                connection.as_mut().graceful_shutdown();
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "connection ended with an error while draining");
                }
                return;
            }
        }
    }

    tracing::debug!("closing a connection with no request in flight");
    connection.as_mut().graceful_shutdown();
    if tokio::time::timeout(CLOSE_GRACE, connection).await.is_err() {
        tracing::debug!("dropping a connection that did not shut down in {CLOSE_GRACE:?}");
    }
}

/// Resolves once the server drains (or is gone).
async fn drain_begins(draining: &mut watch::Receiver<bool>) {
    let _ = draining.wait_for(|draining| *draining).await;
}

/// What one connection is doing, shared by its timer and its requests:
/// atomics only, so that a request costs its connection no lock and no
/// wake-up.
struct Activity {
    /// When the connection was accepted: the origin of `idle_since`.
    accepted: Instant,
    /// Requests called and not yet answered to the end of their body.
    in_flight: AtomicUsize,
    /// Nanoseconds from `accepted` to the end of the latest request (0
    /// before any).
    idle_since: AtomicU64,
    /// Whether any request has reached the service.
    served: AtomicBool,
    /// Whether the connection speaks HTTP/2.
    http2: AtomicBool,
}

impl Activity {
    fn new() -> Self {
        Self {
            accepted: Instant::now(),
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            served: AtomicBool::new(false),
            http2: AtomicBool::new(false),
        }
    }

    /// When the timer is to look again; `None` when the connection has had
    /// no request in flight for its bound by `now`, and is to be closed.
    ///
    /// The bound is `header_read_timeout` before the first request; after
    /// one, `idle_timeout` on HTTP/2 and the shorter of the two on
    /// HTTP/1.1, where the next request's head is awaited (as hyper's own
    /// header timer would, without a timer per request).
    ///
    /// Requests do not wake the timer, so it never sleeps past `now` plus
    /// the shortest bound: a request that starts and ends meanwhile may
    /// have moved the connection to a shorter bound than the one it has
    /// now (the first request, on HTTP/1.1), or ended a request now in
    /// flight.
    fn next_look(&self, limits: &Limits, now: Instant) -> Option<Instant> {
        let shortest = limits.idle_timeout.min(limits.header_read_timeout);
        let bound = if !self.served.load(Ordering::Acquire) {
            limits.header_read_timeout
        } else if self.http2.load(Ordering::Relaxed) {
            limits.idle_timeout
        } else {
            shortest
        };
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Some(now + shortest);
        }
        let idle_since = Duration::from_nanos(self.idle_since.load(Ordering::Acquire));
        let deadline = self.accepted + idle_since + bound;
        (deadline > now).then(|| deadline.min(now + shortest))
    }
}

/// One request in flight on a connection, from the service call until its
/// response body is dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: &Arc<Activity>, http2: bool) -> Self {
        activity.in_flight.fetch_add(1, Ordering::AcqRel);
        activity.served.store(true, Ordering::Release);
        if http2 {
            activity.http2.store(true, Ordering::Relaxed);
        }
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    /// Stamps the end before counting it, so that a timer that sees no
    /// request in flight also sees when the last one ended.
    fn drop(&mut self) {
        let activity = &*self.0;
        let ended = activity.accepted.elapsed().as_nanos();
        let ended = u64::try_from(ended).unwrap_or(u64::MAX);
        activity.idle_since.fetch_max(ended, Ordering::AcqRel);
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The service on one connection: counts its requests in flight and bounds
/// each by `request_timeout`. `poll_ready` delegates to `inner`.
#[derive(Clone)]
struct Bounded<S> {
    inner: S,
    activity: Arc<Activity>,
    request_timeout: Duration,
}

impl<S, B> Service<Request<Incoming>> for Bounded<S>
where
    S: Service<Request<Incoming>, Response = Response<B>>,
{
    type Response = Response<CountedBody<B>>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Incoming>) -> Self::Future {
        ResponseFuture {
            in_flight: Some(InFlight::new(
                &self.activity,
                request.version() == Version::HTTP_2,
            )),
            inner: self.inner.call(request),
            timeout: self.request_timeout,
            timer: None,
        }
    }
}

pin_project! {
    /// The response of [`Bounded`]: the inner one, or 408 once `timeout`
    /// has passed. The timer is armed the first time `inner` is pending, so
    /// that a request answered at once (a `MemoryStore` lookup) reads no
    /// clock and arms no timer.
    struct ResponseFuture<F> {
        #[pin]
        inner: F,
        timeout: Duration,
        #[pin]
        timer: Option<Sleep>,
        in_flight: Option<InFlight>,
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CountedBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let body = match this.inner.poll(cx) {
            Poll::Ready(Ok(response)) => Some(response),
            Poll::Ready(Err(error)) => return Poll::Ready(Err(error)),
            Poll::Pending => {
                if this.timer.is_none() {
                    this.timer.set(Some(tokio::time::sleep(*this.timeout)));
                }
                let timer = this.timer.as_pin_mut().expect("armed above");
                ready!(timer.poll(cx));
                tracing::debug!("request timed out");
                None
            }
        };
        let in_flight = this.in_flight.take().expect("polled after completion");
        Poll::Ready(Ok(match body {
            Some(response) => response.map(|body| CountedBody {
                inner: Some(body),
                _in_flight: in_flight,
            }),
            None => {
                let mut response = Response::new(CountedBody {
                    inner: None,
                    _in_flight: in_flight,
                });
                *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
                response
            }
        }))
    }
}

pin_project! {
    /// A response body that keeps its request counted as in flight until
    /// it is dropped; `None` is the empty body of a 408.
    struct CountedBody<B> {
        #[pin]
        inner: Option<B>,
        _in_flight: InFlight,
    }
}

impl<B: Body> Body for CountedBody<B> {
    type Data = B::Data;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Self::Data>, Self::Error>>> {
        match self.project().inner.as_pin_mut() {
            Some(body) => body.poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.inner
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}
