//! [`BearerAuth`]: the guard service.

use super::future::ResponseFuture;
use super::layer::BearerAuthLayer;
use crate::error::store_unavailable;
use crate::rejection::{BearerRejection, InvalidBearerToken};
use crate::{BearerToken, ResponseBody, RevocationStore};
use http::{Request, Response};
use std::fmt;
use std::task::{Context, Poll};
use tower_service::Service;

/// Lets requests with an active Bearer access token through to `inner`,
/// with an [`ActiveAccessToken`](crate::ActiveAccessToken) in their
/// extensions; answers the others itself. Made by [`BearerAuthLayer`].
///
/// `poll_ready` delegates to `inner`. The call that reaches `inner` is made
/// on a clone of it, taken ready from `self` (the usual Tower pattern for
/// middleware that awaits before calling `inner`).
pub struct BearerAuth<S, St> {
    inner: S,
    layer: BearerAuthLayer<St>,
}

impl<S, St> BearerAuth<S, St> {
    pub(crate) fn from_layer(inner: S, layer: BearerAuthLayer<St>) -> Self {
        Self { inner, layer }
    }

    /// The wrapped service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The wrapped service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// Unwraps the inner service.
    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Clone, St> Clone for BearerAuth<S, St> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            layer: self.layer.clone(),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for BearerAuth<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BearerAuth")
            .field("inner", &self.inner)
            .field("realm", &self.layer.realm)
            .finish_non_exhaustive()
    }
}

impl<S, St, ReqBody, ResBody> Service<Request<ReqBody>> for BearerAuth<S, St>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    St: RevocationStore,
    ReqBody: Send + 'static,
{
    type Response = Response<ResponseBody<ResBody>>;
    type Error = S::Error;
    type Future = ResponseFuture<ResBody, S::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<ReqBody>) -> Self::Future {
        let realm = self.layer.realm.clone();
        let token = match BearerToken::from_headers(request.headers()) {
            Ok(token) => token,
            Err(error) => {
                let response = BearerRejection::new(error, realm)
                    .error_response()
                    .into_http();
                return ResponseFuture::ready(response);
            }
        };
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let store = std::sync::Arc::clone(&self.layer.store);
        let retry_after = self.layer.retry_after.clone();
        ResponseFuture::boxed(async move {
            match store.active_access_token(&token).await {
                Ok(Some(active)) => {
                    request.extensions_mut().insert(active);
                    Ok(inner.call(request).await?.map(ResponseBody::inner))
                }
                Ok(None) => {
                    let rejection = BearerRejection::new(InvalidBearerToken, realm);
                    Ok(rejection
                        .error_response()
                        .into_http()
                        .map(ResponseBody::own))
                }
                Err(error) => Ok(store_unavailable(&retry_after, &error).map(ResponseBody::own)),
            }
        })
    }
}
