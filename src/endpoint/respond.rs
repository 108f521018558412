//! The endpoint's work for one revocation request, after the head checks:
//! read the body, authenticate the client, revoke, answer (RFC 7009 §2).

use super::layer::EndpointConfig;
use super::{OtherClientToken, RevokedResponse, UnknownTokenResponse};
use crate::error::{json_response, no_store, store_unavailable};
use crate::rejection::{
    ClientAuthenticationFailed, FailedToReadBody, PayloadTooLarge, RequestRejection,
};
use crate::{
    AuthenticatedClient, ClientAuthMethod, ClientCredentials, ClientType, ErrorCode, ErrorResponse,
    RevocationOutcome, RevocationStore,
};
use bytes::{Buf, Bytes, BytesMut};
use http::request::Parts;
use http::{Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Full};

/// Answers one revocation request whose head already passed the checks.
pub(crate) async fn respond<St, B>(
    store: &St,
    config: &EndpointConfig,
    parts: Parts,
    body: B,
) -> Response<Full<Bytes>>
where
    St: RevocationStore,
    B: Body,
{
    let body = match read_limited(body, config.max_body_size).await {
        Ok(body) => body,
        Err(rejection) => return refuse(rejection),
    };
    let (credentials, params) = match config.request.read_body(&parts.headers, &body) {
        Ok(read) => read,
        Err(rejection) => {
            tracing::debug!(reason = %rejection, "revocation request refused");
            return rejection.error_response().into_http();
        }
    };
    let client = match authenticate(store, &credentials).await {
        Ok(Some(client)) => client,
        Ok(None) => {
            tracing::debug!(
                client_id = credentials.client_id().as_str(),
                "client authentication failed"
            );
            let header_used = credentials.method() == ClientAuthMethod::ClientSecretBasic;
            return config
                .request
                .client_auth_rejection(ClientAuthenticationFailed, header_used)
                .error_response()
                .into_http();
        }
        Err(error) => return store_unavailable(&config.retry_after, &error),
    };
    let request = match params.into_request() {
        Ok(request) => request,
        Err(missing) => return refuse(missing.into()),
    };
    let outcome = match store.revoke(&client, &request).await {
        Ok(outcome) => outcome,
        Err(error) => return store_unavailable(&config.retry_after, &error),
    };
    tracing::debug!(
        client_id = client.client_id.as_str(),
        ?outcome,
        "revocation request answered"
    );
    answer(config, &client, outcome)
}

/// Asks the store about the credentials, then about their raw reading
/// under [`BasicDecoding::Lenient`](crate::BasicDecoding::Lenient).
async fn authenticate<St: RevocationStore>(
    store: &St,
    credentials: &ClientCredentials,
) -> Result<Option<AuthenticatedClient>, St::Error> {
    if let Some(client) = store.authenticate_client(credentials).await? {
        return Ok(Some(client));
    }
    match credentials.raw_alternative() {
        Some(raw) => store.authenticate_client(raw).await,
        None => Ok(None),
    }
}

/// Maps the store's outcome to the response (RFC 7009 §2.2, §2.2.1).
fn answer(
    config: &EndpointConfig,
    client: &AuthenticatedClient,
    outcome: RevocationOutcome,
) -> Response<Full<Bytes>> {
    match outcome {
        RevocationOutcome::Revoked => revoked(config.revoked_response),
        RevocationOutcome::NotFound => unknown(config),
        RevocationOutcome::IssuedToAnotherClient => {
            let reject = match config.other_client_token {
                OtherClientToken::InvalidGrantForConfidential => {
                    client.client_type == ClientType::Confidential
                }
                OtherClientToken::LikeUnknown => false,
                OtherClientToken::InvalidGrant => true,
            };
            if reject {
                ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::InvalidGrant)
                    .description("the token was issued to another client")
                    .into_http()
            } else {
                unknown(config)
            }
        }
        RevocationOutcome::UnsupportedTokenType => {
            ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::UnsupportedTokenType)
                .description("this token type cannot be revoked")
                .into_http()
        }
    }
}

fn revoked(response: RevokedResponse) -> Response<Full<Bytes>> {
    match response {
        RevokedResponse::JsonObject => json_response(StatusCode::OK, Bytes::from_static(b"{}")),
        RevokedResponse::NoContent => empty(StatusCode::NO_CONTENT),
    }
}

fn unknown(config: &EndpointConfig) -> Response<Full<Bytes>> {
    match config.unknown_token_response {
        UnknownTokenResponse::LikeRevoked => revoked(config.revoked_response),
        UnknownTokenResponse::NotFound => empty(StatusCode::NOT_FOUND),
    }
}

fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    no_store(response.headers_mut());
    response
}

fn refuse(rejection: RequestRejection) -> Response<Full<Bytes>> {
    tracing::debug!(
        reason = rejection.description(),
        "revocation request refused"
    );
    rejection.error_response().into_http()
}

/// Buffers at most `limit` bytes of `body`, and stops polling it as soon as
/// the limit is passed. Trailers are ignored.
async fn read_limited<B: Body>(body: B, limit: usize) -> Result<Bytes, RequestRejection> {
    let mut body = std::pin::pin!(body);
    let mut first: Option<Bytes> = None;
    let mut rest = BytesMut::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| FailedToReadBody)?;
        let Ok(mut data) = frame.into_data() else {
            continue;
        };
        total = total.saturating_add(data.remaining());
        if total > limit {
            return Err(PayloadTooLarge.into());
        }
        match &first {
            None => first = Some(data.copy_to_bytes(data.remaining())),
            Some(_) => rest.extend_from_slice(&data.copy_to_bytes(data.remaining())),
        }
    }
    Ok(match first {
        Some(first) if rest.is_empty() => first,
        Some(first) => {
            let mut all = BytesMut::with_capacity(total);
            all.extend_from_slice(&first);
            all.extend_from_slice(&rest);
            all.freeze()
        }
        None => Bytes::new(),
    })
}
