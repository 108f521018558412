//! One connection, served within the bounds of [`Limits`]: hyper's own
//! timers, this module's per-connection idle timer (requests in flight are
//! counted from the call until their response body is dropped), and the
//! request timeout that answers 408.

use super::{BoxError, Limits, CLOSE_GRACE};
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{ready, Context, Poll};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{watch, Notify, OwnedSemaphorePermit};
use tokio::time::Instant;
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
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    tokio::pin!(connection);

    loop {
        let deadline = activity.idle_deadline(&limits);
        if deadline.is_some_and(|deadline| deadline <= Instant::now()) {
            break;
        }
        let expiry = async {
            match deadline {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                // In flight: the clock starts when the last request ends.
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            result = connection.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            () = activity.became_idle.notified() => {}
            () = expiry => {}
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

/// What one connection is doing, shared by its timer and its requests.
struct Activity {
    state: Mutex<ActivityState>,
    /// Notified when the last request in flight ends, so that the timer
    /// starts counting `idle_timeout`.
    became_idle: Notify,
}

struct ActivityState {
    /// Requests called and not yet answered to the end of their body.
    in_flight: usize,
    /// Since when `in_flight` has been 0 (or since accept).
    idle_since: Instant,
    /// Whether any request has reached the service.
    served: bool,
}

impl Activity {
    fn new() -> Self {
        Self {
            state: Mutex::new(ActivityState {
                in_flight: 0,
                idle_since: Instant::now(),
                served: false,
            }),
            became_idle: Notify::new(),
        }
    }

    fn state(&self) -> MutexGuard<'_, ActivityState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// When the connection is to be closed if it stays idle: after
    /// `header_read_timeout` before its first request, `idle_timeout` after
    /// one; `None` while a request is in flight.
    fn idle_deadline(&self, limits: &Limits) -> Option<Instant> {
        let state = self.state();
        let bound = if state.served {
            limits.idle_timeout
        } else {
            limits.header_read_timeout
        };
        (state.in_flight == 0).then(|| state.idle_since + bound)
    }
}

/// One request in flight on a connection, from the service call until its
/// response body is dropped.
struct InFlight(Arc<Activity>);

impl InFlight {
    fn new(activity: &Arc<Activity>) -> Self {
        let mut state = activity.state();
        state.in_flight += 1;
        state.served = true;
        drop(state);
        Self(Arc::clone(activity))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        let mut state = self.0.state();
        state.in_flight -= 1;
        if state.in_flight == 0 {
            state.idle_since = Instant::now();
            drop(state);
            self.0.became_idle.notify_one();
        }
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
            in_flight: Some(InFlight::new(&self.activity)),
            inner: tokio::time::timeout(self.request_timeout, self.inner.call(request)),
        }
    }
}

pin_project! {
    /// The response of [`Bounded`]: the inner one, or 408 once
    /// `request_timeout` has passed.
    struct ResponseFuture<F> {
        #[pin]
        inner: tokio::time::Timeout<F>,
        in_flight: Option<InFlight>,
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<CountedBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        let in_flight = this.in_flight.take().expect("polled after completion");
        Poll::Ready(match result {
            Ok(result) => result.map(|response| {
                response.map(|body| CountedBody {
                    inner: Some(body),
                    _in_flight: in_flight,
                })
            }),
            Err(_elapsed) => {
                tracing::debug!("request timed out");
                let mut response = Response::new(CountedBody {
                    inner: None,
                    _in_flight: in_flight,
                });
                *response.status_mut() = StatusCode::REQUEST_TIMEOUT;
                Ok(response)
            }
        })
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
