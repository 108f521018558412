//! [`IntrospectionEndpoint`]: the endpoint service, and what it does with
//! the requests at its path.

use super::future::ResponseFuture;
use super::handle;
use super::layer::IntrospectionConfig;
use crate::introspection::IntrospectionEndpointLayer;
use crate::mount::{refuse_head, Endpoint, Mount, RequestBody};
use crate::rejection::IntrospectionMethodNotAllowed;
use crate::response::for_method;
use crate::store::{IntrospectionStore, RevocationStore};
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body::Body;
use http_body_util::Full;
use std::future::Future;

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

define_endpoint_service!(
    IntrospectionEndpoint,
    IntrospectionConfig,
    IntrospectionEndpointLayer,
    RevocationStore + IntrospectionStore
);

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
