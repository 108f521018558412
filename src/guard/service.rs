//! [`BearerAuth`]: the guard service.

use super::future::ResponseFuture;
use super::layer::{BearerAuthLayer, GuardConfig};
use crate::audit::{guard_outcome, StoreTimer};
use crate::rejection::{BearerError, MalformedBearerToken};
use crate::request::presented_bearer_token;
use crate::request::Token;
use crate::response::EndpointBody;
use crate::store::{ActiveToken, IntrospectionStore, StoreError, TokenKind};
use http::{Request, Response};
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_service::Service;

/// Lets requests with an active Bearer access token through to `inner`,
/// with the token's [`ActiveToken`] facts in their extensions; answers the
/// others itself. Made by [`BearerAuthLayer`](crate::BearerAuthLayer).
///
/// `poll_ready` delegates to `inner`. When the store answers at once
/// ([`IntrospectionStore::introspect_now`], as
/// [`MemoryStore`](crate::MemoryStore) and a warm cache do), `inner` is
/// called inside `call`, with no allocation. Otherwise `inner` is called
/// inside the response future, once the store has answered, on a clone of
/// it taken ready from `self` (the usual Tower pattern for middleware that
/// awaits before calling `inner`).
pub struct BearerAuth<S, St> {
    inner: S,
    store: Arc<St>,
    config: Arc<GuardConfig>,
}

impl<S, St> BearerAuth<S, St> {
    pub(crate) fn from_parts(inner: S, store: Arc<St>, config: Arc<GuardConfig>) -> Self {
        Self {
            inner,
            store,
            config,
        }
    }

    /// A guard in front of `inner` with the default configuration.
    pub fn new(inner: S, store: St) -> Self
    where
        St: IntrospectionStore,
    {
        Self::from_parts(inner, Arc::new(store), Arc::default())
    }

    /// A [`BearerAuthLayer`](crate::BearerAuthLayer) with the default
    /// configuration.
    pub fn layer(store: St) -> BearerAuthLayer<St>
    where
        St: IntrospectionStore,
    {
        BearerAuthLayer::new(store)
    }

    define_inner_service_accessors!();
}

impl<S: Clone, St> Clone for BearerAuth<S, St> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for BearerAuth<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, St, ReqBody, ResBody> Service<Request<ReqBody>> for BearerAuth<S, St>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone,
    St: IntrospectionStore,
    ResBody: EndpointBody,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S, ReqBody>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        let token = match presented_bearer_token(request.headers()) {
            Ok(token) => token,
            Err(error) => {
                guard_outcome(match error {
                    BearerError::MissingBearerToken(_) => "no_token",
                    _ => "malformed",
                });
                return ResponseFuture::refused(&self.config, error, request.method());
            }
        };
        if let Some(answer) = self.store.introspect_now(token) {
            return decide(&mut self.inner, &self.config, request, answer);
        }
        let Some(token) = Token::new(token) else {
            let error = MalformedBearerToken.into();
            return ResponseFuture::refused(&self.config, error, request.method());
        };
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let store = Arc::clone(&self.store);
        let lookup = Box::pin(async move {
            let timer = StoreTimer::start("introspect");
            let answer = store.introspect(&token).await;
            timer.stop();
            answer
        });
        ResponseFuture::lookup(lookup, inner, request, Arc::clone(&self.config))
    }
}

/// Calls `inner` with the token's facts when the store's answer is an
/// active access token; refuses the request otherwise.
pub(super) fn decide<S, ReqBody, ResBody>(
    inner: &mut S,
    config: &GuardConfig,
    mut request: Request<ReqBody>,
    answer: Result<Option<ActiveToken>, StoreError>,
) -> ResponseFuture<S, ReqBody>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
{
    match answer {
        Ok(Some(active)) if active.kind() == TokenKind::AccessToken => {
            guard_outcome("admitted");
            request.extensions_mut().insert(active);
            ResponseFuture::inner(inner.call(request))
        }
        Ok(_) => {
            guard_outcome("inactive");
            ResponseFuture::inactive(config, request.method())
        }
        Err(error) => {
            guard_outcome("store_unavailable");
            ResponseFuture::unavailable(config, &error, request.method())
        }
    }
}
