//! The endpoint's work for one introspection request, after the head
//! checks: read the body, authenticate the caller as a confidential client,
//! look the token up, answer (RFC 7662 §2).

use super::layer::IntrospectionConfig;
use crate::log::Bounded;
use crate::rejection::RequestRejection;
use crate::request::read_limited;
use crate::response::introspection;
use crate::{ClientType, IntrospectionStore, RevocationStore};
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body::Body;
use http_body_util::Full;

/// Answers one introspection request whose head already passed the checks.
pub(crate) async fn respond<St, B>(
    store: &St,
    config: &IntrospectionConfig,
    parts: &Parts,
    body: B,
) -> Response<Full<Bytes>>
where
    St: RevocationStore + IntrospectionStore,
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (reader, responder) = (&config.reader, &config.responder);
    let body = match read_limited(body, reader.max_body_size).await {
        Ok(body) => body,
        Err(rejection) => return rejection.into_http(),
    };
    let (credentials, params) = match reader.read_body(&parts.headers, &body) {
        Ok(read) => read,
        Err(rejection) => return rejection.into_http(),
    };
    let client = match responder.authenticate(store, reader, &credentials).await {
        Ok(client) => client,
        Err(response) => return response,
    };
    // RFC 7662 §2.1: the caller must be a confidential client. The reader
    // never accepts `none`; this also holds for a store that would call a
    // client public after another method.
    if client.client_type != ClientType::Confidential {
        return reader.authentication_failed(&credentials).into_http();
    }
    let request = match params.into_request() {
        Ok(request) => request,
        Err(missing) => return RequestRejection::from(missing).into_http(),
    };
    let found = match store.introspect(request.token()).await {
        Ok(found) => found,
        Err(error) => return responder.store_unavailable(&error),
    };
    // The store decides what is active, as it does for the Bearer guard
    // (a JwtStore admits a JWT within its leeway), so that both agree.
    let shown = found.filter(|token| config.may_see(&client, token));
    tracing::debug!(
        client_id = %Bounded(client.client_id.as_str()),
        active = shown.is_some(),
        "introspection request answered"
    );
    match shown {
        Some(token) => introspection::active(&token),
        None => introspection::inactive(),
    }
}
