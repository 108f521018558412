//! [`IntrospectionEndpoint`]: the endpoint service.

use super::future::ResponseFuture;
use super::layer::IntrospectionConfig;
use super::respond;
use crate::rejection::{IntrospectionMethodNotAllowed, PayloadTooLarge, RequestRejection};
use crate::response::{for_method, EndpointBody};
use crate::{IntrospectionEndpointLayer, IntrospectionStore, RevocationStore};
use http::{Method, Request, Response};
use http_body::Body;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_service::Service;

/// Answers RFC 7662 introspection requests at its path and forwards every
/// other request to `inner`.
///
/// Made by [`IntrospectionEndpointLayer`]. `poll_ready` delegates to
/// `inner`. Other requests are forwarded synchronously inside `call`: no
/// body read, no clone, no allocation, no boxing, and the inner response
/// is returned as it is. An introspection request is answered without
/// calling `inner` (see
/// [`RevocationEndpoint`](crate::RevocationEndpoint) for what that means
/// for readiness).
pub struct IntrospectionEndpoint<S, St> {
    inner: S,
    store: Arc<St>,
    config: Arc<IntrospectionConfig>,
}

impl<S, St> IntrospectionEndpoint<S, St> {
    pub(crate) fn from_parts(inner: S, store: Arc<St>, config: Arc<IntrospectionConfig>) -> Self {
        Self {
            inner,
            store,
            config,
        }
    }

    /// An endpoint in front of `inner` with the default configuration.
    pub fn new(inner: S, store: St) -> Self
    where
        St: RevocationStore + IntrospectionStore,
    {
        Self::from_parts(inner, Arc::new(store), Arc::default())
    }

    /// An [`IntrospectionEndpointLayer`] with the default configuration.
    pub fn layer(store: St) -> IntrospectionEndpointLayer<St>
    where
        St: RevocationStore + IntrospectionStore,
    {
        IntrospectionEndpointLayer::new(store)
    }

    define_inner_service_accessors!();
}

impl<S: Clone, St> Clone for IntrospectionEndpoint<S, St> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for IntrospectionEndpoint<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IntrospectionEndpoint")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, St, ReqBody, ResBody> Service<Request<ReqBody>> for IntrospectionEndpoint<S, St>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    St: RevocationStore + IntrospectionStore,
    ReqBody: Body + Send + 'static,
    ReqBody::Data: Send,
    ReqBody::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    ResBody: EndpointBody,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = ResponseFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        if request.uri().path() != &*self.config.path {
            return ResponseFuture::inner(self.inner.call(request));
        }
        let (parts, body) = request.into_parts();
        let reader = &self.config.reader;
        let refused = if parts.method != Method::POST {
            Some(RequestRejection::from(IntrospectionMethodNotAllowed))
        } else if body.size_hint().lower() > reader.max_body_size as u64 {
            Some(PayloadTooLarge.into())
        } else {
            reader.check_head(&parts).err()
        };
        if let Some(rejection) = refused {
            return ResponseFuture::ready(for_method(rejection.into_http(), &parts.method));
        }
        let store = Arc::clone(&self.store);
        let config = Arc::clone(&self.config);
        ResponseFuture::endpoint(Box::pin(async move {
            respond::respond(&*store, &config, &parts, body).await
        }))
    }
}
