//! The response bodies of this crate's middleware: the inner service's own
//! body type, which the middleware also builds its small responses in.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::combinators::{BoxBody, UnsyncBoxBody};
use http_body_util::{BodyExt, Full};
use pin_project_lite::pin_project;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A response body type that can also carry a middleware's own small,
/// buffered response (a JSON error, `{}`, or nothing).
///
/// [`RevocationEndpoint`](crate::revocation::RevocationEndpoint) and
/// [`BearerAuth`](crate::guard::BearerAuth) answer with the inner service's body
/// type: the inner responses pass through untouched (no wrapper, no box),
/// and the middleware's own responses are built in that type once. So an
/// axum `Router` wrapped by a layer is still a service of
/// `Response<axum::body::Body>`, which `axum::serve` takes as it is.
///
/// Implemented for axum's `Body` (with the `axum` feature), `Full<Bytes>`,
/// `BoxBody` and `UnsyncBoxBody`, and [`ResponseBody`]. For any other inner
/// body `B`, map it into [`ResponseBody::inner`] (for example with
/// `tower::ServiceBuilder::map_response`).
pub trait EndpointBody: Body<Data = Bytes> + Sized {
    /// The body of one of the middleware's own responses.
    fn from_full(body: Full<Bytes>) -> Self;
}

#[cfg(feature = "axum")]
impl EndpointBody for axum_core::body::Body {
    fn from_full(body: Full<Bytes>) -> Self {
        Self::new(body)
    }
}

impl EndpointBody for Full<Bytes> {
    fn from_full(body: Full<Bytes>) -> Self {
        body
    }
}

impl<E> EndpointBody for BoxBody<Bytes, E> {
    fn from_full(body: Full<Bytes>) -> Self {
        body.map_err(|never| match never {}).boxed()
    }
}

impl<E: 'static> EndpointBody for UnsyncBoxBody<Bytes, E> {
    fn from_full(body: Full<Bytes>) -> Self {
        body.map_err(|never| match never {}).boxed_unsync()
    }
}

impl<B: Body<Data = Bytes>> EndpointBody for ResponseBody<B> {
    fn from_full(body: Full<Bytes>) -> Self {
        Self {
            kind: Kind::Own { body },
        }
    }
}

pin_project! {
    /// Either an inner service's body `B`, untouched, or a middleware's own
    /// small buffered body, so neither has to box the other. Use it for an
    /// inner body type that is not an [`EndpointBody`] itself.
    ///
    /// # Example
    /// ```
    /// use http::{Request, Response};
    /// use std::convert::Infallible;
    /// use tower::{service_fn, ServiceBuilder};
    /// use tower_revoke::{MemoryStore, RevocationEndpointLayer};
    /// use tower_revoke::response::ResponseBody;
    ///
    /// // An app answering with `String` bodies.
    /// let app = service_fn(|_: Request<String>| async {
    ///     Ok::<_, Infallible>(Response::new(String::from("hello")))
    /// });
    /// let service = ServiceBuilder::new()
    ///     .layer(RevocationEndpointLayer::new(MemoryStore::new()))
    ///     .map_response(|response: Response<String>| response.map(ResponseBody::inner))
    ///     .service(app);
    /// # let _ = service;
    /// ```
    #[derive(Debug)]
    pub struct ResponseBody<B> {
        #[pin]
        kind: Kind<B>,
    }
}

pin_project! {
    #[project = KindProj]
    #[derive(Debug)]
    enum Kind<B> {
        Inner { #[pin] body: B },
        Own { body: Full<Bytes> },
    }
}

impl<B> ResponseBody<B> {
    /// The inner service's body, untouched.
    pub fn inner(body: B) -> Self {
        Self {
            kind: Kind::Inner { body },
        }
    }
}

impl<B> Body for ResponseBody<B>
where
    B: Body<Data = Bytes>,
{
    type Data = Bytes;
    type Error = B::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, B::Error>>> {
        match self.project().kind.project() {
            KindProj::Inner { body } => body.poll_frame(cx),
            KindProj::Own { body } => Pin::new(body)
                .poll_frame(cx)
                .map_err(|never: Infallible| match never {}),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Inner { body } => body.is_end_stream(),
            Kind::Own { body } => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Inner { body } => body.size_hint(),
            Kind::Own { body } => body.size_hint(),
        }
    }
}
