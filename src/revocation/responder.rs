//! [`RevocationResponder`]: the revocation endpoint's answers (RFC 7009
//! §2.2), public so that a handler of your own answers exactly as the
//! endpoint does.

use crate::client::{AssertionEndpoint, ClientAuthMethod, ClientCredentials};
use crate::log::Bounded;
use crate::request::{RequestReader, RevocationRequest};
use crate::response::{json_response, no_store, retry_after_value, store_unavailable};
use crate::response::{ErrorCode, ErrorResponse, Realm};
use crate::store::{
    AuthenticatedClient, ClientType, RevocationOutcome, RevocationStore, StoreError,
};
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use http_body_util::Full;
use std::time::Duration;

/// How the revocation endpoint answers once a request is read: client
/// authentication through the store, the revocation, the outcome's
/// response, and 503 when the store fails.
///
/// The [`RevocationEndpointLayer`](crate::RevocationEndpointLayer) answers
/// through one, configured by the layer's options of the same names; a
/// handler built from the [extractors](crate::extract) can use one to
/// answer byte for byte as the endpoint does.
///
/// # Example
/// ```
/// use axum::{extract::State, response::Response};
/// use std::sync::Arc;
/// use tower_revoke::MemoryStore;
/// use tower_revoke::request::{ClientRevocation, RequestReader};
/// use tower_revoke::revocation::RevocationResponder;
///
/// async fn revoke(
///     State(store): State<Arc<MemoryStore>>,
///     revocation: ClientRevocation,
/// ) -> Response {
///     let (reader, responder) = (RequestReader::default(), RevocationResponder::default());
///     let response = match responder.authenticate(&*store, &reader, &revocation.credentials).await {
///         Ok(client) => responder.revoke(&*store, &client, &revocation.request).await,
///         Err(refused) => refused,
///     };
///     response.map(axum::body::Body::new)
/// }
/// # let _ = axum::routing::post(revoke).with_state::<()>(Arc::new(MemoryStore::new()));
/// ```
#[derive(Debug, Clone)]
pub struct RevocationResponder {
    other_client_token: OtherClientToken,
    revoked_response: RevokedResponse,
    unknown_token_response: UnknownTokenResponse,
    retry_after: HeaderValue,
    realm: Realm,
}

impl Default for RevocationResponder {
    fn default() -> Self {
        Self {
            other_client_token: OtherClientToken::default(),
            revoked_response: RevokedResponse::default(),
            unknown_token_response: UnknownTokenResponse::default(),
            retry_after: HeaderValue::from_static("5"),
            realm: Realm::default(),
        }
    }
}

impl RevocationResponder {
    /// How to answer a token that was issued to another client. Default
    /// [`OtherClientToken::InvalidGrantForConfidential`].
    #[must_use]
    pub fn other_client_token(mut self, policy: OtherClientToken) -> Self {
        self.other_client_token = policy;
        self
    }

    /// The response to a successful revocation. Default
    /// [`RevokedResponse::JsonObject`] (RFC 7009 §2.2).
    #[must_use]
    pub fn revoked_response(mut self, response: RevokedResponse) -> Self {
        self.revoked_response = response;
        self
    }

    /// The response to an unknown, expired or already revoked token.
    /// Default [`UnknownTokenResponse::LikeRevoked`] (RFC 7009 §2.2).
    #[must_use]
    pub fn unknown_token_response(mut self, response: UnknownTokenResponse) -> Self {
        self.unknown_token_response = response;
        self
    }

    /// The `Retry-After` sent with 503 `temporarily_unavailable` when the
    /// store fails, in whole seconds (a fraction is rounded up). Default 5 s.
    #[must_use]
    pub fn retry_after(mut self, delay: Duration) -> Self {
        self.retry_after = retry_after_value(delay);
        self
    }

    /// The realm of the `WWW-Authenticate: Basic` challenge of a 401
    /// `invalid_client`. Default `"tower-revoke"`.
    #[must_use]
    pub fn realm(mut self, realm: Realm) -> Self {
        self.realm = realm;
        self
    }

    /// The realm of the challenges, for the rejections of the request
    /// reader.
    pub(crate) fn challenge_realm(&self) -> &Realm {
        &self.realm
    }

    /// Authenticates the client through the store (RFC 6749 §2.3), asking
    /// again with the raw reading of Basic credentials under
    /// [`BasicDecoding::Lenient`](crate::request::BasicDecoding::Lenient).
    ///
    /// # Errors
    /// The response to send instead: 401 `invalid_client` with the reader's
    /// challenge when the store does not accept the credentials, 503
    /// `temporarily_unavailable` when it fails.
    pub async fn authenticate<St: RevocationStore>(
        &self,
        store: &St,
        reader: &RequestReader,
        credentials: &ClientCredentials,
    ) -> Result<AuthenticatedClient, Response<Full<Bytes>>> {
        let endpoint = AssertionEndpoint::Revocation;
        self.authenticate_at(store, reader, credentials, endpoint)
            .await
    }

    /// [`authenticate`](Self::authenticate) at `endpoint`, which decides
    /// the endpoint URL a `private_key_jwt` assertion may name as its
    /// audience: a token endpoint of your own passes
    /// [`AssertionEndpoint::Token`].
    ///
    /// # Errors
    /// As [`authenticate`](Self::authenticate).
    pub async fn authenticate_at<St: RevocationStore>(
        &self,
        store: &St,
        reader: &RequestReader,
        credentials: &ClientCredentials,
        endpoint: AssertionEndpoint,
    ) -> Result<AuthenticatedClient, Response<Full<Bytes>>> {
        match authenticate(store, reader, credentials, endpoint).await {
            Ok(Some(client)) => Ok(client),
            Ok(None) => Err(self.authenticate_refusal(reader, credentials)),
            Err(error) => Err(self.store_unavailable(&error)),
        }
    }

    /// The 401 for credentials the store did not accept, logged once.
    pub(crate) fn authenticate_refusal(
        &self,
        reader: &RequestReader,
        credentials: &ClientCredentials,
    ) -> Response<Full<Bytes>> {
        tracing::debug!(
            client_id = %Bounded(credentials.client_id().as_str()),
            method = credentials.method().as_str(),
            "client authentication failed"
        );
        let rejection = reader.authentication_failed(credentials);
        rejection.realm(&self.realm).into_http()
    }

    /// Revokes `request.token()` for `client` through the store and answers
    /// the outcome (see [`outcome`](Self::outcome)), or 503 when the store
    /// fails (nothing was revoked, RFC 7009 §2.2.1).
    pub async fn revoke<St: RevocationStore>(
        &self,
        store: &St,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Response<Full<Bytes>> {
        match store.revoke(client, request).await {
            Ok(outcome) => {
                tracing::debug!(
                    client_id = %Bounded(client.client_id.as_str()),
                    ?outcome,
                    "revocation request answered"
                );
                self.outcome(client, outcome)
            }
            Err(error) => self.store_unavailable(&error),
        }
    }

    /// The response to a store's outcome (RFC 7009 §2.2, §2.2.1): revoked
    /// and unknown tokens per the response policies, another client's token
    /// per [`OtherClientToken`], a token the store cannot revoke 400
    /// `unsupported_token_type`. Every response has `Cache-Control:
    /// no-store` and `Pragma: no-cache`.
    pub fn outcome(
        &self,
        client: &AuthenticatedClient,
        outcome: RevocationOutcome,
    ) -> Response<Full<Bytes>> {
        match outcome {
            RevocationOutcome::Revoked { .. } => self.revoked(),
            RevocationOutcome::NotFound => self.unknown(),
            RevocationOutcome::IssuedToAnotherClient => {
                let reject = match self.other_client_token {
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
                    self.unknown()
                }
            }
            RevocationOutcome::UnsupportedTokenType => {
                ErrorResponse::new(StatusCode::BAD_REQUEST, ErrorCode::UnsupportedTokenType)
                    .description("this token type cannot be revoked")
                    .into_http()
            }
        }
    }

    /// 503 `temporarily_unavailable` with `Retry-After` (RFC 7009 §2.2.1,
    /// RFC 9110 §10.2.3), logging the store's error at ERROR.
    pub fn store_unavailable(&self, error: &StoreError) -> Response<Full<Bytes>> {
        store_unavailable(&self.retry_after, error)
    }

    fn revoked(&self) -> Response<Full<Bytes>> {
        match self.revoked_response {
            RevokedResponse::JsonObject => json_response(StatusCode::OK, Bytes::from_static(b"{}")),
            RevokedResponse::NoContent => empty(StatusCode::NO_CONTENT),
        }
    }

    fn unknown(&self) -> Response<Full<Bytes>> {
        match self.unknown_token_response {
            UnknownTokenResponse::LikeRevoked => self.revoked(),
            UnknownTokenResponse::NotFound => empty(StatusCode::NOT_FOUND),
        }
    }
}

/// Asks the store about `credentials`, then about their raw reading under
/// [`BasicDecoding::Lenient`](crate::request::BasicDecoding::Lenient) when the first
/// reading is not accepted. `private_key_jwt` credentials go to the
/// reader's verifier instead (feature `jwt`; without one they fail).
///
/// The verifier's future is boxed: it is about 2.5 KB (the assertion's
/// JOSE header and claims, the key set), and held inline it would make
/// every request's future that large, a client secret's too, which
/// `Mount` then copies into a heap allocation above the allocator's
/// small-size cache on every request. Boxed, only `private_key_jwt`
/// requests pay for it: one allocation beside a signature check.
pub(crate) async fn authenticate<St: RevocationStore>(
    store: &St,
    reader: &RequestReader,
    credentials: &ClientCredentials,
    endpoint: AssertionEndpoint,
) -> Result<Option<AuthenticatedClient>, StoreError> {
    let timer = crate::audit::StoreTimer::start("authenticate_client");
    let found = match credentials.method() {
        ClientAuthMethod::PrivateKeyJwt => {
            Box::pin(verify_assertion(reader, credentials, endpoint)).await
        }
        _ => {
            let mut found = store.authenticate_client(credentials).await;
            if let (Ok(None), Some(raw)) = (&found, credentials.raw_alternative()) {
                found = store.authenticate_client(raw).await;
            }
            found
        }
    };
    timer.stop();
    found
}

/// `private_key_jwt` credentials, checked by the reader's verifier.
async fn verify_assertion(
    reader: &RequestReader,
    credentials: &ClientCredentials,
    endpoint: AssertionEndpoint,
) -> Result<Option<AuthenticatedClient>, StoreError> {
    #[cfg(feature = "jwt")]
    if let Some(verifier) = reader.client_assertion_verifier() {
        return verifier.authenticate(credentials, endpoint).await;
    }
    let _ = (reader, credentials, endpoint);
    Ok(None)
}

fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    no_store(response.headers_mut());
    response
}

/// How the endpoint answers a token that exists but was issued to another
/// client (RFC 7009 §2.1: "the authorization server first validates the
/// client credentials ... and then verifies whether the token was issued to
/// the client making the revocation request"). Nothing is revoked in any
/// case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OtherClientToken {
    /// A confidential client gets 400 `invalid_grant`; a public client,
    /// whose identity anyone can claim, gets the unknown-token answer so it
    /// cannot probe for other clients' tokens. The default.
    #[default]
    InvalidGrantForConfidential,
    /// Every client gets the unknown-token answer.
    LikeUnknown,
    /// Every client gets 400 `invalid_grant`.
    InvalidGrant,
}

/// The response to a successful revocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RevokedResponse {
    /// 200 with `Content-Type: application/json` and body `{}`. The default
    /// (RFC 7009 §2.2 asks for 200; the body is ignored by clients).
    #[default]
    JsonObject,
    /// 204 No Content with an empty body.
    NoContent,
}

/// The response to an unknown, expired or already revoked token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum UnknownTokenResponse {
    /// The same response as a revocation (RFC 7009 §2.2: "invalid tokens do
    /// not cause an error response"). The default.
    #[default]
    LikeRevoked,
    /// 404 Not Found with an empty body. Not RFC 7009; for APIs that report
    /// unknown tokens.
    NotFound,
}
