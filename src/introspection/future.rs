//! [`ResponseFuture`] of [`IntrospectionEndpoint`](super::IntrospectionEndpoint).

use crate::response::EndpointBody;
use bytes::Bytes;
use http::Response;
use http_body_util::Full;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

type EndpointFuture = Pin<Box<dyn Future<Output = Response<Full<Bytes>>> + Send>>;

pin_project! {
    /// Response future of
    /// [`IntrospectionEndpoint`](super::IntrospectionEndpoint): the inner
    /// service's future for other paths, a ready response for requests
    /// refused from their head alone, or the endpoint's own work.
    pub struct ResponseFuture<F> {
        #[pin]
        kind: Kind<F>,
    }
}

pin_project! {
    #[project = KindProj]
    enum Kind<F> {
        Inner { #[pin] future: F },
        Ready { response: Option<Response<Full<Bytes>>> },
        Endpoint { future: EndpointFuture },
    }
}

impl<F> ResponseFuture<F> {
    pub(super) fn inner(future: F) -> Self {
        Self {
            kind: Kind::Inner { future },
        }
    }

    pub(super) fn ready(response: Response<Full<Bytes>>) -> Self {
        let response = Some(response);
        Self {
            kind: Kind::Ready { response },
        }
    }

    pub(super) fn endpoint(future: EndpointFuture) -> Self {
        Self {
            kind: Kind::Endpoint { future },
        }
    }
}

impl<F, B, E> Future for ResponseFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: EndpointBody,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let own = match self.project().kind.project() {
            KindProj::Inner { future } => return future.poll(cx),
            KindProj::Ready { response } => response
                .take()
                .expect("ResponseFuture polled after completion"),
            KindProj::Endpoint { future } => ready!(future.as_mut().poll(cx)),
        };
        Poll::Ready(Ok(own.map(B::from_full)))
    }
}

impl<F> std::fmt::Debug for ResponseFuture<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
