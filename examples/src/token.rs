//! The demo's token endpoint, `POST /oauth/token` (RFC 6749 §3.2): what an
//! app's own token endpoint does with tower-revoke. It reads the request
//! with the revocation endpoint's hygiene
//! ([`RequestReader::read_client_form`]), authenticates the client through
//! the store, records every token it issues and rotates refresh tokens
//! through [`IssuanceStore`], so the revocation endpoint, the guard and
//! introspection know each token it mints.
//!
//! | `grant_type` | answer |
//! |---|---|
//! | `client_credentials` (RFC 6749 §4.4), confidential clients only | a new access token, `sub` the client id, no refresh token (§4.4.3) |
//! | `refresh_token` (§6) | the presented refresh token rotated: a new access token and a new refresh token in the same grant; a rotated refresh token presented again is reuse: the grant ends and the answer is `invalid_grant` |
//!
//! Errors follow RFC 6749 §5.2: `invalid_request` (a parameter missing or
//! repeated), `invalid_client` (401 with the `Basic` challenge),
//! `unauthorized_client`, `invalid_grant`, `unsupported_grant_type`; 503
//! `temporarily_unavailable` with `Retry-After` when the store fails. Every
//! answer carries `Cache-Control: no-store` and `Pragma: no-cache` (§5.1).
//!
//! Access tokens are opaque and expire after [`ACCESS_TOKEN_LIFETIME`];
//! refresh tokens do not expire. `TOWER_REVOKE_REFRESH_GRACE` sets the
//! grace period of rotation (default off).

use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use http::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_revoke::client::ClientId;
use tower_revoke::rejection::{PayloadTooLarge, RequestRejection};
use tower_revoke::request::{ClientForm, RequestReader, Token};
use tower_revoke::response::{ErrorCode, ErrorResponse};
use tower_revoke::revocation::RevocationResponder;
use tower_revoke::store::{Recording, Rotation, RotationOutcome, TokenEntry};
use tower_revoke::{AuthenticatedClient, ClientType, IssuanceStore, RevocationStore, TokenKind};

/// The token endpoint's path in the demo.
pub const TOKEN_PATH: &str = "/oauth/token";

/// The variable the refresh tokens' grace period is set by.
pub const GRACE_VAR: &str = "TOWER_REVOKE_REFRESH_GRACE";

/// How long an access token the endpoint issues is valid: `expires_in`.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The grant types the endpoint supports, for the metadata's
/// `grant_types_supported` (RFC 8414 §2).
pub const GRANT_TYPES: [&str; 2] = ["client_credentials", "refresh_token"];

/// The token endpoint over `store`: a cheap handle (an `Arc`), to route
/// with [`answer`](Self::answer).
pub struct TokenEndpoint<St> {
    shared: Arc<Shared<St>>,
}

struct Shared<St> {
    store: St,
    reader: RequestReader,
    responder: RevocationResponder,
    grace: Duration,
}

impl<St> Clone for TokenEndpoint<St> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<St> TokenEndpoint<St>
where
    St: RevocationStore + IssuanceStore,
{
    /// The endpoint over `store`, reading requests as the revocation
    /// endpoint does by default, with `grace` for refresh token rotation.
    pub fn new(store: St, grace: Duration) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                reader: RequestReader::default(),
                responder: RevocationResponder::default(),
                grace,
            }),
        }
    }

    /// Answers one token request.
    pub async fn answer(&self, request: Request) -> Response {
        let Shared {
            store,
            reader,
            responder,
            ..
        } = &*self.shared;
        let (parts, body) = request.into_parts();
        let Ok(body) = axum::body::to_bytes(body, reader.get_max_body_size()).await else {
            return RequestRejection::from(PayloadTooLarge).into_response();
        };
        let form = match reader.read_client_form(&parts, &body) {
            Ok(form) => form,
            Err(rejection) => return rejection.into_response(),
        };
        let client = match responder
            .authenticate(store, reader, &form.credentials)
            .await
        {
            Ok(client) => client,
            Err(refused) => return refused.map(Body::new),
        };
        match form.get("grant_type") {
            None => error(
                ErrorCode::InvalidRequest,
                "the grant_type parameter is missing",
            ),
            Some("client_credentials") => self.client_credentials(&client, &form).await,
            Some("refresh_token") => self.refresh(&client, &form).await,
            Some(_) => error(
                ErrorCode::UnsupportedGrantType,
                "this grant type is not supported",
            ),
        }
    }

    /// RFC 6749 §4.4: an access token for the client itself.
    async fn client_credentials(
        &self,
        client: &AuthenticatedClient,
        form: &ClientForm,
    ) -> Response {
        if client.client_type != ClientType::Confidential {
            let why = "only a confidential client may use client_credentials";
            return error(ErrorCode::UnauthorizedClient, why);
        }
        let access = Token::generate();
        let entry = access_entry(&access, &client.client_id, Some(client.client_id.as_str()));
        match self.shared.store.record_token(&entry).await {
            Ok(Recording::Recorded) => issued(&access, None, form.get("scope")),
            Ok(other) => unavailable(&format!("the access token was not recorded: {other:?}")),
            Err(failed) => self
                .shared
                .responder
                .store_unavailable(&failed)
                .map(Body::new),
        }
    }

    /// RFC 6749 §6: the refresh token rotated to new tokens in its grant.
    async fn refresh(&self, client: &AuthenticatedClient, form: &ClientForm) -> Response {
        let Shared {
            store,
            responder,
            grace,
            ..
        } = &*self.shared;
        let Some(presented) = form.get("refresh_token").and_then(Token::new) else {
            return error(
                ErrorCode::InvalidRequest,
                "the refresh_token parameter is missing",
            );
        };
        // Sent without a subject, the new tokens take the presented one's
        // (the store's rule of rotation).
        let (access, refresh) = (Token::generate(), Token::generate());
        let id = &client.client_id;
        let successor = TokenEntry::new(refresh.clone(), TokenKind::RefreshToken, id.clone());
        let access_token = access_entry(&access, id, None);
        let rotation = Rotation::new(presented, successor, Some(access_token)).with_grace(*grace);
        match store.rotate_refresh_token(client, &rotation).await {
            Ok(RotationOutcome::Rotated) => issued(&access, Some(&refresh), form.get("scope")),
            Ok(_) => error(
                ErrorCode::InvalidGrant,
                "the refresh token is invalid, expired, revoked or was already used",
            ),
            Err(failed) => responder.store_unavailable(&failed).map(Body::new),
        }
    }
}

/// An access token of `client_id`, of `subject`, expiring after
/// [`ACCESS_TOKEN_LIFETIME`].
fn access_entry(access: &Token, client_id: &ClientId, subject: Option<&str>) -> TokenEntry {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let expires_at = (now + ACCESS_TOKEN_LIFETIME).as_secs();
    let entry = TokenEntry::new(access.clone(), TokenKind::AccessToken, client_id.clone());
    let entry = entry.with_expires_at(expires_at);
    match subject {
        Some(subject) => entry.with_subject(subject),
        None => entry,
    }
}

/// The RFC 6749 §5.1 answer.
fn issued(access: &Token, refresh: Option<&Token>, scope: Option<&str>) -> Response {
    let mut body = json!({
        "access_token": access.secret(),
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = refresh.secret().into();
    }
    if let Some(scope) = scope {
        body["scope"] = scope.into();
    }
    let mut response = Response::new(Body::from(Bytes::from(body.to_string())));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    headers.insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    headers.insert(PRAGMA, http::HeaderValue::from_static("no-cache"));
    response
}

/// A 400 RFC 6749 §5.2 error.
fn error(code: ErrorCode, description: &'static str) -> Response {
    let response = ErrorResponse::new(StatusCode::BAD_REQUEST, code).description(description);
    response.into_http().map(Body::new)
}

/// A 503 for what should not happen: a generated token that could not be
/// recorded. Logged without the token.
fn unavailable(why: &str) -> Response {
    tracing::error!("token endpoint: {why}");
    let response = ErrorResponse::new(
        StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::TemporarilyUnavailable,
    );
    response.into_http().map(Body::new)
}
