//! The endpoint's work for one revocation request, after the head checks:
//! read the body, authenticate the client, revoke, answer (RFC 7009 §2),
//! and record the request's event.

use super::layer::EndpointConfig;
use crate::audit::{EventOutcome, RevocationEvent, StoreTimer};
use crate::client::{AssertionEndpoint, ClientId};
use crate::rejection::RequestRejection;
use crate::request::read_limited;
use crate::revocation::authenticate;
use crate::store::{RevocationOutcome, RevocationStore};
use bytes::Bytes;
use http::request::Parts;
use http::{Response, StatusCode};
use http_body::Body;
use http_body_util::Full;

/// Answers one revocation request whose head already passed the checks,
/// records its event, and adds the CORS headers its client calls for.
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
    let (response, event, client) = answer(store, config, parts, body).await;
    config.events.record(&event);
    config.finish(parts, response, client.as_ref())
}

/// The answer, its event, and the client it answered, once known.
async fn answer<St, B>(
    store: &St,
    config: &EndpointConfig,
    parts: &Parts,
    body: B,
) -> (Response<Full<Bytes>>, RevocationEvent, Option<ClientId>)
where
    St: RevocationStore,
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let (reader, responder) = (&config.reader, &config.responder);
    let event = |outcome, response: &Response<_>| {
        RevocationEvent::new(outcome, response.status().as_u16(), &parts.headers)
    };
    let refused = |response: Response<_>| {
        let outcome = match response.status() {
            StatusCode::UNAUTHORIZED => EventOutcome::ClientAuthenticationFailed,
            _ => EventOutcome::MalformedRequest,
        };
        (event(outcome, &response), response)
    };
    let body = match read_limited(body, reader.max_body_size).await {
        Ok(body) => body,
        Err(rejection) => {
            let (event, response) = refused(rejection.into_http());
            return (response, event, None);
        }
    };
    let (credentials, params) = match reader.read_body(&parts.headers, &body) {
        Ok(read) => read,
        Err(rejection) => {
            let rejection = rejection.realm(responder.challenge_realm());
            let (event, response) = refused(rejection.into_http());
            return (response, event, None);
        }
    };
    let hint = params.token_type_hint.clone();
    let with_client = |event: RevocationEvent| {
        let event = event.client(credentials.client_id(), credentials.method());
        event.hint(hint.as_ref())
    };
    let at = AssertionEndpoint::Revocation;
    let client = match authenticate(store, reader, &credentials, at).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            let response = responder.authenticate_refusal(reader, &credentials);
            let event = with_client(event(EventOutcome::ClientAuthenticationFailed, &response));
            return (response, event, None);
        }
        Err(error) => {
            let response = responder.store_unavailable(&error);
            let event = with_client(event(EventOutcome::StoreUnavailable, &response));
            return (response, event, None);
        }
    };
    let client_id = Some(client.client_id.clone());
    let request = match params.into_request() {
        Ok(request) => request,
        Err(missing) => {
            let response = RequestRejection::from(missing).into_http();
            let event = with_client(event(EventOutcome::MalformedRequest, &response));
            return (response, event, client_id);
        }
    };
    let timer = StoreTimer::start("revoke");
    let revoked = store.revoke(&client, &request).await;
    timer.stop();
    let (response, outcome, kind) = match revoked {
        Ok(outcome) => (
            responder.outcome(&client, outcome),
            event_outcome(outcome),
            kind_of(outcome),
        ),
        Err(error) => (
            responder.store_unavailable(&error),
            EventOutcome::StoreUnavailable,
            None,
        ),
    };
    let mut event = event(outcome, &response).client(&client.client_id, credentials.method());
    event = event.hint(request.token_type_hint());
    if let Some(kind) = kind {
        event = event.token_kind(kind);
    }
    (response, event, client_id)
}

fn event_outcome(outcome: RevocationOutcome) -> EventOutcome {
    match outcome {
        RevocationOutcome::Revoked { cascaded, .. } => EventOutcome::Revoked { cascaded },
        RevocationOutcome::NotFound => EventOutcome::Unknown,
        RevocationOutcome::IssuedToAnotherClient => EventOutcome::OtherClient,
        RevocationOutcome::UnsupportedTokenType => EventOutcome::UnsupportedTokenType,
    }
}

fn kind_of(outcome: RevocationOutcome) -> Option<crate::store::TokenKind> {
    match outcome {
        RevocationOutcome::Revoked { kind, .. } => Some(kind),
        _ => None,
    }
}
