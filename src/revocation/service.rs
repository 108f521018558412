//! [`RevocationEndpoint`]: the endpoint service, and what it does with the
//! requests at its path.

use super::future::ResponseFuture;
use super::handle;
use super::layer::EndpointConfig;
use crate::audit::{EventOutcome, RevocationEvent};
use crate::cors::is_preflight;
use crate::mount::{refuse_head, Endpoint, Mount, RequestBody};
use crate::rejection::MethodNotAllowed;
use crate::revocation::RevocationEndpointLayer;
use crate::store::RevocationStore;
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body::Body;
use http_body_util::Full;
use std::future::Future;

/// Answers RFC 7009 revocation requests at its path and forwards every
/// other request to `inner`.
///
/// Made by [`RevocationEndpointLayer`]. `poll_ready` delegates to `inner`.
/// Other requests are forwarded synchronously inside `call`: no body read,
/// no clone, no allocation, no boxing, and the inner response is returned
/// as it is (the endpoint's own responses are built in the inner body type,
/// see [`EndpointBody`](crate::response::EndpointBody)). A revocation request is answered without calling
/// `inner`, so the readiness `inner` granted stays unused until the next
/// call (as with tower-http's `Cors` and preflight requests); with a
/// `tower::buffer::Buffer` inside, that is one slot held meanwhile.
pub struct RevocationEndpoint<S, St> {
    mount: Mount<S, St, EndpointConfig>,
}

define_endpoint_service!(
    RevocationEndpoint,
    EndpointConfig,
    RevocationEndpointLayer,
    RevocationStore
);

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
