//! [`Answer`]: the response future shared by the endpoints.

use crate::response::EndpointBody;
use bytes::Bytes;
use http::Response;
use http_body_util::Full;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The endpoint's own work on one request, once the head has passed.
pub(crate) type Respond = Pin<Box<dyn Future<Output = Response<Full<Bytes>>> + Send>>;

pin_project! {
    /// The inner service's future for other paths, a ready response for
    /// requests answered from their head alone, or the endpoint's own work.
    /// The endpoint's own answers are turned into the inner service's body
    /// type (see [`EndpointBody`]); the inner response is returned as it is.
    #[project = AnswerProj]
    pub(crate) enum Answer<F> {
        Inner { #[pin] future: F },
        Ready { response: Option<Response<Full<Bytes>>> },
        Endpoint { future: Respond },
    }
}

impl<F> Answer<F> {
    /// The inner service's own future.
    pub(crate) fn inner(future: F) -> Self {
        Self::Inner { future }
    }

    /// An answer known without reading the body.
    pub(crate) fn ready(response: Response<Full<Bytes>>) -> Self {
        Self::Ready {
            response: Some(response),
        }
    }

    /// The endpoint's work on the request.
    pub(crate) fn endpoint(future: Respond) -> Self {
        Self::Endpoint { future }
    }
}

impl<F, B, E> Future for Answer<F>
where
    F: Future<Output = Result<Response<B>, E>>,
    B: EndpointBody,
{
    type Output = Result<Response<B>, E>;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let own = match self.project() {
            AnswerProj::Inner { future } => return future.poll(cx),
            AnswerProj::Ready { response } => response
                .take()
                .expect("ResponseFuture polled after completion"),
            AnswerProj::Endpoint { future } => ready!(future.as_mut().poll(cx)),
        };
        Poll::Ready(Ok(own.map(B::from_full)))
    }
}
