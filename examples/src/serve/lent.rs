//! [`Lent`]: a connection's tower service as hyper's, called in place
//! rather than cloned for every request.
//!
//! hyper calls a service through `&self`, and hyper-util's
//! `TowerToHyperService` (what `axum::serve` uses) bridges the two by
//! cloning the tower service for every request and driving the clone with
//! `Oneshot`. With the demo's stack (the revocation and introspection
//! endpoints around a `Router`, inside the connection's bounds), that
//! clone counts six `Arc`s up and down again per request, and the request's
//! future carries the whole copy. A connection owns its service and hyper
//! calls it from the connection's task, one call at a time, so a `RefCell`
//! can lend it to each call instead: the borrow ends when `call` returns,
//! before the response future is polled.

use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use tower::{Service, ServiceExt};

/// A connection's service `S`, as hyper's service (see the module docs).
pub(super) struct Lent<S>(RefCell<S>);

impl<S> Lent<S> {
    pub(super) fn new(service: S) -> Self {
        Self(RefCell::new(service))
    }
}

impl<S, R> hyper::service::Service<R> for Lent<S>
where
    S: Service<R> + Clone + Send + 'static,
    S::Future: Send,
    R: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = LentFuture<S::Future, S::Response, S::Error>;

    /// Calls the service in place when it is ready now, as tower's
    /// contract asks (`poll_ready`, then `call`). A service that is not
    /// ready at once (none of the examples' stacks) is cloned and waited
    /// for, as `TowerToHyperService` does every time; polling it with a
    /// waker that does nothing loses no wake-up, since the clone is polled
    /// again with the request's own.
    fn call(&self, request: R) -> Self::Future {
        let mut service = self.0.borrow_mut();
        match service.poll_ready(&mut Context::from_waker(Waker::noop())) {
            Poll::Ready(Ok(())) => LentFuture::Called {
                future: service.call(request),
            },
            Poll::Ready(Err(_)) | Poll::Pending => LentFuture::Waiting {
                future: Box::pin(service.clone().oneshot(request)),
            },
        }
    }
}

/// A boxed future of a service's response.
type Boxed<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send>>;

pin_project! {
    /// The response of [`Lent`]: the service's own future, or (the
    /// service was not ready at once) a clone of the service waited for
    /// and called.
    #[project = LentProjection]
    pub(super) enum LentFuture<F, T, E> {
        Called { #[pin] future: F },
        Waiting { future: Boxed<T, E> },
    }
}

impl<F, T, E> Future for LentFuture<F, T, E>
where
    F: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            LentProjection::Called { future } => future.poll(cx),
            LentProjection::Waiting { future } => future.as_mut().poll(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hyper::service::Service as _;
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Answers each request with its number of `poll_ready` calls so far
    /// (on this copy); not ready on its first `poll_ready` when `late`.
    /// Counts its clones in `clones`.
    struct Counting {
        polls: usize,
        late: bool,
        clones: Arc<AtomicUsize>,
    }

    impl Clone for Counting {
        fn clone(&self) -> Self {
            self.clones.fetch_add(1, Ordering::SeqCst);
            Self {
                polls: self.polls,
                late: self.late,
                clones: Arc::clone(&self.clones),
            }
        }
    }

    impl Service<&'static str> for Counting {
        type Response = String;
        type Error = Infallible;
        type Future = std::future::Ready<Result<String, Infallible>>;

        fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
            self.polls += 1;
            if self.late && self.polls == 1 {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: &'static str) -> Self::Future {
            std::future::ready(Ok(format!("{request} after {} polls", self.polls)))
        }
    }

    fn counting(late: bool) -> (Lent<Counting>, Arc<AtomicUsize>) {
        let clones = Arc::new(AtomicUsize::new(0));
        let service = Counting {
            polls: 0,
            late,
            clones: Arc::clone(&clones),
        };
        (Lent::new(service), clones)
    }

    #[tokio::test]
    async fn a_ready_service_is_called_in_place_for_every_request() {
        let (lent, clones) = counting(false);
        assert_eq!(lent.call("a").await.unwrap(), "a after 1 polls");
        assert_eq!(lent.call("b").await.unwrap(), "b after 2 polls");
        assert_eq!(clones.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn a_service_not_ready_at_once_is_cloned_and_waited_for() {
        let (lent, clones) = counting(true);
        // The clone carries the first poll, then is polled again, ready.
        assert_eq!(lent.call("a").await.unwrap(), "a after 2 polls");
        assert_eq!(clones.load(Ordering::SeqCst), 1);
        // The lent service itself is ready now, and called in place.
        assert_eq!(lent.call("b").await.unwrap(), "b after 2 polls");
        assert_eq!(clones.load(Ordering::SeqCst), 1);
    }
}
