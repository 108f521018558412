//! Driving services by hand: the inner application, a `block_on` with a
//! no-op waker, and one call read to the end.

use crate::body::FuzzBody;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use http_body::Body as _;
use http_body_util::Full;
use std::convert::Infallible;
use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use tower_service::Service;

/// The application behind the endpoint: answers 200 `inner`, and counts.
#[derive(Clone)]
pub struct Inner(pub Arc<AtomicUsize>);

impl<B> Service<Request<B>> for Inner {
    type Response = Response<Full<Bytes>>;
    type Error = Infallible;
    type Future = std::future::Ready<Result<Self::Response, Infallible>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<B>) -> Self::Future {
        self.0.fetch_add(1, Ordering::Relaxed);
        let mut response = Response::new(Full::new(Bytes::from_static(b"inner")));
        response
            .headers_mut()
            .insert("x-inner", HeaderValue::from_static("1"));
        std::future::ready(Ok(response))
    }
}

/// Polls `future` to completion with a no-op waker; everything here is
/// ready at once, so many `Pending`s in a row are a hang.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    for _ in 0..10_000 {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
    panic!("future still pending after 10000 polls");
}

/// A whole response: status, headers, content.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub content: Vec<u8>,
}

/// Calls `service` once, polling it ready first, and reads the whole
/// response.
pub fn call<S>(service: &mut S, request: Request<FuzzBody>) -> Answer
where
    S: Service<Request<FuzzBody>, Response = Response<Full<Bytes>>, Error = Infallible>,
{
    block_on(std::future::poll_fn(|cx| service.poll_ready(cx))).unwrap();
    let response = block_on(service.call(request)).unwrap();
    let (parts, body) = response.into_parts();
    let mut body = pin!(body);
    let mut content = Vec::new();
    while let Some(frame) = block_on(std::future::poll_fn(|cx| body.as_mut().poll_frame(cx))) {
        match frame {
            Ok(frame) => {
                if let Ok(data) = frame.into_data() {
                    content.extend_from_slice(&data);
                }
            }
            Err(never) => match never {},
        }
    }
    Answer {
        status: parts.status,
        headers: parts.headers,
        content,
    }
}
