//! [`RevocationEndpoint`]: the endpoint service.

use super::future::ResponseFuture;
use super::layer::EndpointConfig;
use super::respond;
use crate::audit::{EventOutcome, RevocationEvent};
use crate::cors::is_preflight;
use crate::rejection::{MethodNotAllowed, PayloadTooLarge, RequestRejection};
use crate::response::EndpointBody;
use crate::{RevocationEndpointLayer, RevocationStore};
use http::{Method, Request, Response};
use http_body::Body;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_service::Service;

/// Answers RFC 7009 revocation requests at its path and forwards every
/// other request to `inner`.
///
/// Made by [`RevocationEndpointLayer`]. `poll_ready` delegates to `inner`.
/// Other requests are forwarded synchronously inside `call`: no body read,
/// no clone, no allocation, no boxing, and the inner response is returned
/// as it is (the endpoint's own responses are built in the inner body type,
/// see [`EndpointBody`]). A revocation request is answered without calling
/// `inner`, so the readiness `inner` granted stays unused until the next
/// call (as with tower-http's `Cors` and preflight requests); with a
/// `tower::buffer::Buffer` inside, that is one slot held meanwhile.
pub struct RevocationEndpoint<S, St> {
    inner: S,
    store: Arc<St>,
    config: Arc<EndpointConfig>,
}

impl<S, St> RevocationEndpoint<S, St> {
    pub(crate) fn from_parts(inner: S, store: Arc<St>, config: Arc<EndpointConfig>) -> Self {
        Self {
            inner,
            store,
            config,
        }
    }

    /// An endpoint in front of `inner` with the default configuration.
    pub fn new(inner: S, store: St) -> Self
    where
        St: RevocationStore,
    {
        Self::from_parts(inner, Arc::new(store), Arc::default())
    }

    /// A [`RevocationEndpointLayer`] with the default configuration.
    pub fn layer(store: St) -> RevocationEndpointLayer<St>
    where
        St: RevocationStore,
    {
        RevocationEndpointLayer::new(store)
    }

    define_inner_service_accessors!();
}

impl<S: Clone, St> Clone for RevocationEndpoint<S, St> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            store: Arc::clone(&self.store),
            config: Arc::clone(&self.config),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for RevocationEndpoint<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevocationEndpoint")
            .field("inner", &self.inner)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl<S, St, ReqBody, ResBody> Service<Request<ReqBody>> for RevocationEndpoint<S, St>
where
    S: Service<Request<ReqBody>, Response = Response<ResBody>>,
    St: RevocationStore,
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
        let config = &self.config;
        if let Some(cors) = config
            .cors
            .as_ref()
            .filter(|_| is_preflight(&parts.method, &parts.headers))
        {
            let response = cors.preflight(&parts.headers, &config.cors_request_headers());
            return ResponseFuture::ready(response);
        }
        let reader = &config.reader;
        let refused = if parts.method != Method::POST {
            Some(RequestRejection::from(MethodNotAllowed))
        } else if body.size_hint().lower() > reader.max_body_size as u64 {
            Some(PayloadTooLarge.into())
        } else {
            reader.check_head(&parts).err()
        };
        if let Some(rejection) = refused {
            let response = rejection.into_http();
            let status = response.status().as_u16();
            let event =
                RevocationEvent::new(EventOutcome::MalformedRequest, status, &parts.headers);
            config.events.record(&event);
            return ResponseFuture::ready(config.finish(&parts, response, None));
        }
        let store = Arc::clone(&self.store);
        let config = Arc::clone(&self.config);
        ResponseFuture::endpoint(Box::pin(async move {
            respond::respond(&*store, &config, &parts, body).await
        }))
    }
}
