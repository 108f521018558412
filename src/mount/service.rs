//! [`Mount`]: an [`Endpoint`] in front of an inner service, the plumbing
//! the endpoint services share.

use super::future::Answer;
use bytes::Bytes;
use http::request::Parts;
use http::{Request, Response};
use http_body::Body;
use http_body_util::Full;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_service::Service;

/// A request body an endpoint can read inside its boxed, `Send` future.
pub(crate) trait RequestBody:
    Body<Data: Send, Error: Into<Box<dyn std::error::Error + Send + Sync>>> + Send + 'static
{
}

impl<B> RequestBody for B
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
}

/// What one endpoint does with the requests at its path, implemented by its
/// configuration for the stores it works with.
pub(crate) trait Endpoint<St>: Send + Sync + 'static {
    /// The request path the endpoint answers, matched exactly.
    fn path(&self) -> &str;

    /// The answer to a request that its head alone decides (a refusal, a
    /// CORS preflight), or `None` when the body must be read.
    fn answer_head<B: Body>(&self, parts: &Parts, body: &B) -> Option<Response<Full<Bytes>>>;

    /// The answer to a request whose head passed [`answer_head`](Self::answer_head).
    fn respond<B: RequestBody>(
        &self,
        store: &St,
        parts: &Parts,
        body: B,
    ) -> impl Future<Output = Response<Full<Bytes>>> + Send;
}

/// The endpoint `E` with its store `St`, in front of `inner`.
///
/// `poll_ready` delegates to `inner`. Other requests are forwarded
/// synchronously inside `call`: no body read, no clone, no allocation, no
/// boxing. A request at the endpoint's path is answered without calling
/// `inner`.
pub(crate) struct Mount<S, St, E> {
    pub(crate) inner: S,
    store: Arc<St>,
    endpoint: Arc<E>,
}

impl<S, St, E> Mount<S, St, E> {
    pub(crate) fn new(inner: S, store: Arc<St>, endpoint: Arc<E>) -> Self {
        Self {
            inner,
            store,
            endpoint,
        }
    }

    /// The `Debug` of the public service `name`: its inner service and
    /// configuration, not the store.
    pub(crate) fn debug(&self, name: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result
    where
        S: fmt::Debug,
        E: fmt::Debug,
    {
        f.debug_struct(name)
            .field("inner", &self.inner)
            .field("config", &self.endpoint)
            .finish_non_exhaustive()
    }

    #[inline]
    pub(crate) fn poll_ready<R>(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>>
    where
        S: Service<R>,
    {
        self.inner.poll_ready(cx)
    }

    #[inline]
    pub(crate) fn call<ReqBody>(&mut self, request: Request<ReqBody>) -> Answer<S::Future>
    where
        S: Service<Request<ReqBody>>,
        St: Send + Sync + 'static,
        E: Endpoint<St>,
        ReqBody: RequestBody,
    {
        if request.uri().path() != self.endpoint.path() {
            return Answer::inner(self.inner.call(request));
        }
        let (parts, body) = request.into_parts();
        if let Some(response) = self.endpoint.answer_head(&parts, &body) {
            return Answer::ready(response);
        }
        let store = Arc::clone(&self.store);
        let endpoint = Arc::clone(&self.endpoint);
        Answer::endpoint(Box::pin(async move {
            endpoint.respond(&*store, &parts, body).await
        }))
    }
}

impl<S: Clone, St, E> Clone for Mount<S, St, E> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            store: Arc::clone(&self.store),
            endpoint: Arc::clone(&self.endpoint),
        }
    }
}
