//! [`RevocationEndpoint`]: the endpoint service, and what it does with the
//! requests at its path.

use super::future::ResponseFuture;
use super::handle;
use super::layer::EndpointConfig;
use crate::audit::{EventOutcome, RevocationEvent};
use crate::cors::is_preflight;
use crate::mount::{refuse_head, Endpoint, Mount, RequestBody};
use crate::rejection::MethodNotAllowed;
use crate::response::EndpointBody;
use crate::revocation::RevocationEndpointLayer;
use crate::store::RevocationStore;
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
    mount: Mount<S, St, EndpointConfig>,
}

impl<S, St> RevocationEndpoint<S, St> {
    pub(crate) fn from_parts(inner: S, store: Arc<St>, config: Arc<EndpointConfig>) -> Self {
        Self {
            mount: Mount::new(inner, store, config),
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

    define_inner_service_accessors!(mount.inner);
}

impl<S: Clone, St> Clone for RevocationEndpoint<S, St> {
    fn clone(&self) -> Self {
        Self {
            mount: self.mount.clone(),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for RevocationEndpoint<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.mount.debug("RevocationEndpoint", f)
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

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.mount.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        ResponseFuture::new(self.mount.call(request))
    }
}

/// RFC 7009: CORS preflights (when CORS is on) and requests refused from
/// their head are answered at once, each refusal with its event; the rest
/// by [`handle::respond`].
impl<St: RevocationStore> Endpoint<St> for EndpointConfig {
    fn path(&self) -> &str {
        &self.path
    }

    fn answer_head<B: Body>(&self, parts: &Parts, body: &B) -> Option<Response<Full<Bytes>>> {
        if let Some(cors) = self
            .cors
            .as_ref()
            .filter(|_| is_preflight(&parts.method, &parts.headers))
        {
            return Some(cors.preflight(&parts.headers, &self.cors_request_headers()));
        }
        let response = refuse_head(&self.reader, parts, body, MethodNotAllowed)?.into_http();
        let status = response.status().as_u16();
        let event = RevocationEvent::new(EventOutcome::MalformedRequest, status, &parts.headers);
        self.events.record(&event);
        Some(self.finish(parts, response, None))
    }

    fn respond<B: RequestBody>(
        &self,
        store: &St,
        parts: &Parts,
        body: B,
    ) -> impl Future<Output = Response<Full<Bytes>>> + Send {
        handle::respond(store, self, parts, body)
    }
}
