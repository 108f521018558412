//! [`IntrospectionEndpoint`]: the endpoint service, and what it does with
//! the requests at its path.

use super::future::ResponseFuture;
use super::handle;
use super::layer::IntrospectionConfig;
use crate::introspection::IntrospectionEndpointLayer;
use crate::mount::{refuse_head, Endpoint, Mount, RequestBody};
use crate::rejection::IntrospectionMethodNotAllowed;
use crate::response::{for_method, EndpointBody};
use crate::store::{IntrospectionStore, RevocationStore};
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

/// Answers RFC 7662 introspection requests at its path and forwards every
/// other request to `inner`.
///
/// Made by [`IntrospectionEndpointLayer`]. `poll_ready` delegates to
/// `inner`. Other requests are forwarded synchronously inside `call`: no
/// body read, no clone, no allocation, no boxing, and the inner response
/// is returned as it is. An introspection request is answered without
/// calling `inner` (see
/// [`RevocationEndpoint`](crate::revocation::RevocationEndpoint) for what that means
/// for readiness).
pub struct IntrospectionEndpoint<S, St> {
    mount: Mount<S, St, IntrospectionConfig>,
}

impl<S, St> IntrospectionEndpoint<S, St> {
    pub(crate) fn from_parts(inner: S, store: Arc<St>, config: Arc<IntrospectionConfig>) -> Self {
        Self {
            mount: Mount::new(inner, store, config),
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

    define_inner_service_accessors!(mount.inner);
}

impl<S: Clone, St> Clone for IntrospectionEndpoint<S, St> {
    fn clone(&self) -> Self {
        Self {
            mount: self.mount.clone(),
        }
    }
}

impl<S: fmt::Debug, St> fmt::Debug for IntrospectionEndpoint<S, St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.mount.debug("IntrospectionEndpoint", f)
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

    #[inline]
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.mount.poll_ready(cx)
    }

    #[inline]
    fn call(&mut self, request: Request<ReqBody>) -> Self::Future {
        ResponseFuture::new(self.mount.call(request))
    }
}

/// RFC 7662: requests refused from their head are answered at once, the
/// rest by [`handle::respond`].
impl<St: RevocationStore + IntrospectionStore> Endpoint<St> for IntrospectionConfig {
    fn path(&self) -> &str {
        &self.path
    }

    fn answer_head<B: Body>(&self, parts: &Parts, body: &B) -> Option<Response<Full<Bytes>>> {
        let rejection = refuse_head(&self.reader, parts, body, IntrospectionMethodNotAllowed)?;
        Some(for_method(rejection.into_http(), &parts.method))
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
