//! Driving a service the same way for every contender: `ready`, then
//! `call`, polled on the calling thread.
//!
//! Every future in this suite completes without waiting (in-memory bodies
//! and stores), so `block_on` is a poll loop with a no-op waker: no runtime,
//! no allocation, no thread hand-off that would differ between contenders.

use axum::body::Body;
use http::{Request, Response, StatusCode};
use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::{Duration, Instant};
use tower::{Service, ServiceExt};

const VTABLE: RawWakerVTable = RawWakerVTable::new(|_| RAW, |_| {}, |_| {}, |_| {});
const RAW: RawWaker = RawWaker::new(std::ptr::null(), &VTABLE);

/// Polls `future` to completion on this thread.
pub fn block_on<F: Future>(future: F) -> F::Output {
    // SAFETY: every vtable function ignores the (null) data pointer, so the
    // waker contract holds trivially.
    let waker = unsafe { Waker::from_raw(RAW) };
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::hint::spin_loop();
    }
}

/// A response whose status can be checked.
pub trait Status {
    /// The HTTP status.
    fn status(&self) -> StatusCode;
}

impl<B> Status for Response<B> {
    fn status(&self) -> StatusCode {
        Response::status(self)
    }
}

/// Sends every request of `requests` through `service` (each: `ready`,
/// `call`, drop the response), and returns the time it took. Panics, after
/// the clock has stopped, if any response's status was not `expected`.
pub fn run<S>(service: &mut S, requests: &mut Vec<Request<Body>>, expected: StatusCode) -> Duration
where
    S: Service<Request<Body>>,
    S::Response: Status,
    S::Error: std::fmt::Debug,
{
    let mut wrong = 0usize;
    let start = Instant::now();
    for request in requests.drain(..) {
        let response = block_on(async {
            service.ready().await?;
            service.call(request).await
        })
        .expect("the service failed");
        wrong += usize::from(response.status() != expected);
        black_box(response);
    }
    let elapsed = start.elapsed();
    assert_eq!(wrong, 0, "some responses were not {expected}");
    elapsed
}
