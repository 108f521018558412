//! [`ResponseFuture`] of [`BearerAuth`](super::BearerAuth).

use crate::ResponseBody;
use bytes::Bytes;
use http::Response;
use http_body_util::Full;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

type Boxed<B, E> = Pin<Box<dyn Future<Output = Result<Response<ResponseBody<B>>, E>> + Send>>;

/// Response future of [`BearerAuth`](super::BearerAuth): a ready rejection
/// when the header alone decides, otherwise the store lookup followed by
/// the inner service's call.
pub struct ResponseFuture<B, E> {
    kind: Kind<B, E>,
}

enum Kind<B, E> {
    Ready(Option<Response<Full<Bytes>>>),
    Boxed(Boxed<B, E>),
}

impl<B, E> ResponseFuture<B, E> {
    pub(crate) fn ready(response: Response<Full<Bytes>>) -> Self {
        Self {
            kind: Kind::Ready(Some(response)),
        }
    }

    pub(crate) fn boxed(
        future: impl Future<Output = Result<Response<ResponseBody<B>>, E>> + Send + 'static,
    ) -> Self {
        Self {
            kind: Kind::Boxed(Box::pin(future)),
        }
    }
}

impl<B, E> Future for ResponseFuture<B, E> {
    type Output = Result<Response<ResponseBody<B>>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // Both variants are `Unpin` (an `Option` and a `Pin<Box<_>>`).
        match &mut self.get_mut().kind {
            Kind::Ready(response) => {
                let response = response
                    .take()
                    .expect("ResponseFuture polled after completion");
                Poll::Ready(Ok(response.map(ResponseBody::own)))
            }
            Kind::Boxed(future) => future.as_mut().poll(cx),
        }
    }
}

impl<B, E> std::fmt::Debug for ResponseFuture<B, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
