//! The endpoint's work for one introspection request, after the head
//! checks: read the body, authenticate the caller as a confidential client,
//! look the token up, answer (RFC 7662 §2).

use super::answers as introspection;
use super::layer::IntrospectionConfig;
use crate::audit::{introspection_outcome, StoreTimer};
use crate::client::AssertionEndpoint;
use crate::log::Bounded;
use crate::rejection::RequestRejection;
use crate::request::read_limited;
use crate::store::{ClientType, IntrospectionStore, RevocationStore};
use bytes::Bytes;
use http::request::Parts;
use http::{Response, StatusCode};
use http_body::Body;
use http_body_util::Full;

/// Answers one introspection request whose head already passed the checks,
/// and counts its outcome (feature `metrics`).
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
    let (response, outcome) = answer(store, config, parts, body).await;
    introspection_outcome(outcome);
    response
}

/// The answer, and the outcome label of
/// `tower_revoke_introspection_requests_total`.
async fn answer<St, B>(
    store: &St,
    config: &IntrospectionConfig,
    parts: &Parts,
    body: B,
) -> (Response<Full<Bytes>>, &'static str)
where
    St: RevocationStore + IntrospectionStore,
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    const MALFORMED: &str = "malformed_request";
    const AUTHENTICATION: &str = "client_authentication_failed";
    let (reader, responder) = (&config.reader, &config.responder);
    let body = match read_limited(body, reader.max_body_size).await {
        Ok(body) => body,
        Err(rejection) => return (rejection.into_http(), MALFORMED),
    };
    let (credentials, params) = match reader.read_body(&parts.headers, &body) {
        Ok(read) => read,
        // Missing, malformed or public-client credentials are refused here
        // with 401, the rest of a bad request with 400.
        Err(rejection) => {
            let response = rejection.realm(responder.challenge_realm()).into_http();
            let outcome = match response.status() {
                StatusCode::UNAUTHORIZED => AUTHENTICATION,
                _ => MALFORMED,
            };
            return (response, outcome);
        }
    };
    let at = AssertionEndpoint::Introspection;
    let client = match responder
        .authenticate_at(store, reader, &credentials, at)
        .await
    {
        Ok(client) => client,
        // A store error is a 503 too: counted apart by its status.
        Err(response) if response.status().is_server_error() => {
            return (response, "store_unavailable")
        }
        Err(response) => return (response, AUTHENTICATION),
    };
    // RFC 7662 §2.1: the caller must be a confidential client. The reader
    // never accepts `none`; this also holds for a store that would call a
    // client public after another method.
    if client.client_type != ClientType::Confidential {
        let refused = responder.authenticate_refusal(reader, &credentials);
        return (refused, AUTHENTICATION);
    }
    let request = match params.into_request() {
        Ok(request) => request,
        Err(missing) => return (RequestRejection::from(missing).into_http(), MALFORMED),
    };
    let timer = StoreTimer::start("introspect");
    let found = store.introspect(request.token()).await;
    timer.stop();
    let found = match found {
        Ok(found) => found,
        Err(error) => return (responder.store_unavailable(&error), "store_unavailable"),
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
        Some(token) => (introspection::active(&token), "active"),
        None => (introspection::inactive(), "inactive"),
    }
}
