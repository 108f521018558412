//! The endpoint's work for one revocation request, after the head checks:
//! read the body, authenticate the client, revoke, answer (RFC 7009 §2).

use super::layer::EndpointConfig;
use crate::rejection::RequestRejection;
use crate::request::read_limited;
use crate::RevocationStore;
use bytes::Bytes;
use http::request::Parts;
use http::Response;
use http_body::Body;
use http_body_util::Full;

/// Answers one revocation request whose head already passed the checks.
pub(crate) async fn respond<St, B>(
    store: &St,
    config: &EndpointConfig,
    parts: &Parts,
    body: B,
) -> Response<Full<Bytes>>
where
    St: RevocationStore,
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
    match params.into_request() {
        Ok(request) => responder.revoke(store, &client, &request).await,
        Err(missing) => RequestRejection::from(missing).into_http(),
    }
}
