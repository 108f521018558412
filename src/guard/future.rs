//! [`ResponseFuture`] of [`BearerAuth`](super::BearerAuth): a state machine
//! that waits for the store when it must, then calls the inner service,
//! without boxing the inner service's future.

use super::layer::GuardConfig;
use super::service::decide;
use crate::rejection::{BearerError, BearerRejection, InvalidBearerToken};
use crate::response::{for_method, store_unavailable, EndpointBody};
use crate::store::{ActiveToken, StoreError};
use bytes::Bytes;
use http::{Method, Request, Response};
use http_body_util::Full;
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use tower_service::Service;

type Lookup = Pin<Box<dyn Future<Output = Result<Option<ActiveToken>, StoreError>> + Send>>;

pin_project! {
    /// Response future of [`BearerAuth`](super::BearerAuth): the guard's own
    /// refusal, the store lookup followed by the inner call, or the inner
    /// service's future itself.
    pub struct ResponseFuture<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        #[pin]
        state: State<S, ReqBody>,
    }
}

pin_project! {
    #[project = StateProj]
    enum State<S, ReqBody>
    where
        S: Service<Request<ReqBody>>,
    {
        Refused { response: Option<Response<Full<Bytes>>> },
        Lookup { lookup: Lookup, pending: Option<Pending<S, ReqBody>> },
        Inner { #[pin] future: S::Future },
    }
}

/// What the inner call needs once the store has answered.
struct Pending<S, ReqBody> {
    inner: S,
    request: Request<ReqBody>,
    config: Arc<GuardConfig>,
}

impl<S: Service<Request<ReqBody>>, ReqBody> ResponseFuture<S, ReqBody> {
    pub(super) fn inner(future: S::Future) -> Self {
        Self::from_state(State::Inner { future })
    }

    pub(super) fn lookup(
        lookup: Lookup,
        inner: S,
        request: Request<ReqBody>,
        config: Arc<GuardConfig>,
    ) -> Self {
        let pending = Some(Pending {
            inner,
            request,
            config,
        });
        Self::from_state(State::Lookup { lookup, pending })
    }

    /// The guard's refusal of the request's `Authorization` header.
    pub(super) fn refused(config: &GuardConfig, error: BearerError, method: &Method) -> Self {
        let rejection = BearerRejection::new(error, config.realm.clone());
        Self::own(rejection.into_http(), method)
    }

    /// 401 `invalid_token`: the store holds no active access token of it.
    pub(super) fn inactive(config: &GuardConfig, method: &Method) -> Self {
        Self::refused(config, InvalidBearerToken.into(), method)
    }

    /// 503 `temporarily_unavailable`: the store failed.
    pub(super) fn unavailable(config: &GuardConfig, error: &StoreError, method: &Method) -> Self {
        Self::own(store_unavailable(&config.retry_after, error), method)
    }

    fn own(response: Response<Full<Bytes>>, method: &Method) -> Self {
        let response = Some(for_method(response, method));
        Self::from_state(State::Refused { response })
    }

    fn from_state(state: State<S, ReqBody>) -> Self {
        Self { state }
    }
}

impl<S, ReqBody, ResBody> Future for ResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    ResBody: EndpointBody,
{
    type Output = Result<Response<ResBody>, S::Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut state = self.project().state;
        loop {
            let next = match state.as_mut().project() {
                StateProj::Inner { future } => return future.poll(cx),
                StateProj::Refused { response } => {
                    let response = response
                        .take()
                        .expect("ResponseFuture polled after completion");
                    return Poll::Ready(Ok(response.map(ResBody::from_full)));
                }
                StateProj::Lookup { lookup, pending } => {
                    let answer = ready!(lookup.as_mut().poll(cx));
                    let Pending {
                        mut inner,
                        request,
                        config,
                    } = pending
                        .take()
                        .expect("ResponseFuture polled after completion");
                    decide(&mut inner, &config, request, answer).state
                }
            };
            state.set(next);
        }
    }
}

impl<S: Service<Request<ReqBody>>, ReqBody> std::fmt::Debug for ResponseFuture<S, ReqBody> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
