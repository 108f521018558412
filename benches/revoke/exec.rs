//! Driving a service the same way for every contender: `ready`, then
//! `call`, polled on the calling thread.
//!
//! Every future in this suite completes without waiting (in-memory bodies
//! and stores), so `block_on` (test-support's, shared with the other
//! benches) is a poll loop with a no-op waker: no runtime, no allocation,
//! no thread hand-off that would differ between contenders.

use axum::body::Body;
use http::{Request, Response, StatusCode};
use std::hint::black_box;
use std::time::{Duration, Instant};
use tower::{Service, ServiceExt};
pub use tower_revoke_test_support::bench::block_on;

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
