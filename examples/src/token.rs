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
//! Clients authenticate as at the revocation endpoint, by the same
//! [`RequestReader`]: `client_secret_basic`, `client_secret_post`, `none`,
//! and, when the reader has a verifier
//! ([`RequestReader::client_assertions`]), `private_key_jwt` (RFC 7523),
//! whose assertions may name this endpoint's URL as their audience
//! ([`AssertionEndpoint::Token`]). A client authenticated by an assertion
//! is confidential: it may use `client_credentials`.
//!
//! Errors follow RFC 6749 §5.2: `invalid_request` (a parameter missing or
//! repeated), `invalid_client` (401 with the `Basic` challenge),
//! `unauthorized_client`, `invalid_grant`, `unsupported_grant_type`,
//! `invalid_scope` (a `scope` not of §3.3 syntax, or, on a refresh, wider
//! than the scope granted); 503
//! `temporarily_unavailable` with `Retry-After` when the store fails. Every
//! answer carries `Cache-Control: no-store` and `Pragma: no-cache` (§5.1).
//!
//! Access tokens expire after [`ACCESS_TOKEN_LIFETIME`] (or
//! `TOWER_REVOKE_ACCESS_TOKEN_LIFETIME`); refresh tokens do
//! not expire. `TOWER_REVOKE_REFRESH_GRACE` sets the grace period of
//! rotation (default off). Access tokens are opaque, or, with
//! `TOWER_REVOKE_JWT_HS256_SECRET` set, JWTs (RFC 9068) minted by
//! [`Config::mint`] with the `scope` the request asked for; either is
//! recorded in the store before it is handed out, in its grant, so that
//! revoking or reusing the grant's refresh token ends it (the demo's
//! [`JwtStore`](tower_revoke::jwt::JwtStore) is
//! [`recorded`](tower_revoke::jwt::JwtStore::recorded)).
//!
//! A JWT names its subject (`sub`, RFC 9068 §2.2), so on a refresh the
//! endpoint first asks the store whose refresh token was presented (its
//! subject; a grant without one is the client's own). A refresh token
//! rotated before and presented again within the grace period is no
//! longer active, so the store does not tell: that rotation issues only a
//! refresh token, which the endpoint rotates at once in turn, now knowing
//! the subject, and answers with the JWT of that second rotation. Opaque
//! access tokens need no subject up front: a rotation's successors take
//! the presented token's.
//!
//! Scope (RFC 6749 §3.3) is recorded with every token. A refresh without
//! `scope` keeps the granted scope (the store gives it to the successors);
//! a refresh with `scope` must ask for no scope-token beyond those granted
//! (§6), which the endpoint checks against the presented token's facts, and
//! narrows the new access token only: the new refresh token keeps the
//! granted scope, as §6 requires of a rotated refresh token.

use crate::demo::Config;
use crate::mint::{Minted, Minter};
use axum::body::Body;
use axum::extract::Request;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, PRAGMA};
use http::StatusCode;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_revoke::client::{AssertionEndpoint, ClientId};
use tower_revoke::rejection::{PayloadTooLarge, RequestRejection};
use tower_revoke::request::{ClientForm, RequestReader, Token};
use tower_revoke::response::{ErrorCode, ErrorResponse};
use tower_revoke::revocation::RevocationResponder;
use tower_revoke::store::{Recording, Rotation, RotationOutcome, TokenEntry};
use tower_revoke::{
    AuthenticatedClient, ClientType, IntrospectionStore, IssuanceStore, RevocationStore,
    StoreError, TokenKind,
};

/// The token endpoint's path in the demo.
pub const TOKEN_PATH: &str = "/oauth/token";

/// The variable the refresh tokens' grace period is set by.
pub const GRACE_VAR: &str = "TOWER_REVOKE_REFRESH_GRACE";

/// How long an access token the endpoint issues is valid by default:
/// `expires_in` (see [`LIFETIME_VAR`]).
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The variable the access tokens' lifetime is set by.
pub const LIFETIME_VAR: &str = "TOWER_REVOKE_ACCESS_TOKEN_LIFETIME";

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
    config: Config,
    minter: Minter,
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
    St: RevocationStore + IntrospectionStore + IssuanceStore,
{
    /// The endpoint over `store`, reading requests and authenticating
    /// clients with `reader` (the revocation endpoint's, in the demo), with
    /// the minter's configuration: its grace period of refresh token
    /// rotation ([`Config::refresh_grace`]) and, when it has a JWT secret,
    /// JWT access tokens ([`Minter::mint`], with their status when the
    /// minter keeps statuses).
    pub fn new(store: St, minter: Minter, reader: RequestReader) -> Self {
        Self {
            shared: Arc::new(Shared {
                store,
                reader,
                responder: RevocationResponder::default(),
                config: minter.config().clone(),
                minter,
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
        let credentials = &form.credentials;
        let at = AssertionEndpoint::Token;
        let client = match responder
            .authenticate_at(store, reader, credentials, at)
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

    /// RFC 6749 §4.4: an access token for the client itself (`sub` the
    /// client id, RFC 9068 §2.2).
    async fn client_credentials(
        &self,
        client: &AuthenticatedClient,
        form: &ClientForm,
    ) -> Response {
        let Shared {
            store,
            responder,
            config,
            minter,
            ..
        } = &*self.shared;
        if client.client_type != ClientType::Confidential {
            let why = "only a confidential client may use client_credentials";
            return error(ErrorCode::UnauthorizedClient, why);
        }
        let (id, scope) = (&client.client_id, form.get("scope"));
        if !well_formed(id, scope) {
            // Refused before a status is allocated for nothing.
            return error(ErrorCode::InvalidScope, MALFORMED_SCOPE);
        }
        let minted = match minter
            .mint(id, id.as_str(), scope, config.access_token_lifetime)
            .await
        {
            Ok(minted) => minted.unwrap_or_else(|| Minted {
                entry: opaque_access_token(id, config).with_subject(id.as_str()),
                slot: None,
            }),
            Err(failed) => return responder.store_unavailable(&failed).map(Body::new),
        };
        let Some(entry) = scoped(minted.entry, scope) else {
            return error(ErrorCode::InvalidScope, MALFORMED_SCOPE);
        };
        let minted = Minted { entry, ..minted };
        let recorded = match store.record_token(&minted.entry).await {
            Ok(Recording::Recorded) => minter.bind(&minted).await,
            Ok(other) => {
                return unavailable(&format!("the access token was not recorded: {other:?}"))
            }
            Err(failed) => Err(failed),
        };
        match recorded {
            Ok(()) => issued(&minted.entry.token, None, scope, config),
            Err(failed) => responder.store_unavailable(&failed).map(Body::new),
        }
    }

    /// RFC 6749 §6: the refresh token rotated to new tokens in its grant.
    async fn refresh(&self, client: &AuthenticatedClient, form: &ClientForm) -> Response {
        let Some(presented) = form.get("refresh_token").and_then(Token::new) else {
            return error(
                ErrorCode::InvalidRequest,
                "the refresh_token parameter is missing",
            );
        };
        let scope = form.get("scope");
        let mut rotated = self.rotate(client, presented, scope).await;
        if let Ok(Refresh::Rotated {
            refresh,
            access: None,
        }) = &rotated
        {
            // Within the grace period (see the module docs): the successor,
            // just recorded, knows the subject and the granted scope.
            rotated = self.rotate(client, refresh.clone(), scope).await;
        }
        match rotated {
            Ok(Refresh::Rotated {
                refresh,
                access: Some(access),
            }) => issued(
                &access.token,
                Some(&refresh),
                access.scope.as_deref(),
                &self.shared.config,
            ),
            Ok(Refresh::Rotated { access: None, .. } | Refresh::InvalidGrant) => error(
                ErrorCode::InvalidGrant,
                "the refresh token is invalid, expired, revoked or was already used",
            ),
            Ok(Refresh::InvalidScope(why)) => error(ErrorCode::InvalidScope, why),
            Err(failed) => self
                .shared
                .responder
                .store_unavailable(&failed)
                .map(Body::new),
        }
    }

    /// Rotates `presented` to a new refresh token and a new access token in
    /// its grant (RFC 6749 §6): [`Refresh::InvalidGrant`] when the store
    /// refuses it (reused, which ends the grant, or not a live refresh token
    /// of `client`). The store is asked for the presented token's facts
    /// first when they are needed: its subject for a JWT, its granted scope
    /// when `scope` narrows it. When the store does not tell them (a token
    /// rotated before), the rotation issues no access token.
    async fn rotate(
        &self,
        client: &AuthenticatedClient,
        presented: Token,
        scope: Option<&str>,
    ) -> Result<Refresh, StoreError> {
        let Shared {
            store,
            config,
            minter,
            ..
        } = &*self.shared;
        let id = &client.client_id;
        let opaque = |entry| Minted { entry, slot: None };
        let access = if scope.is_none() && config.jwt_secret.is_none() {
            // Sent without a subject or scope, the new access token takes
            // the presented token's (the store's rule of rotation).
            Some(opaque(opaque_access_token(id, config)))
        } else if let Some(facts) = store.introspect(&presented).await? {
            let subject = facts.sub().unwrap_or(id.as_str());
            let scope = scope.or(facts.scope());
            if !well_formed(id, scope) {
                return Ok(Refresh::InvalidScope(MALFORMED_SCOPE));
            }
            if !within(scope, facts.scope()) {
                return Ok(Refresh::InvalidScope(WIDER_SCOPE));
            }
            let lifetime = config.access_token_lifetime;
            let minted = match minter.mint(id, subject, scope, lifetime).await? {
                Some(minted) => minted,
                None => opaque(opaque_access_token(id, config)),
            };
            let Some(entry) = scoped(minted.entry, scope) else {
                return Ok(Refresh::InvalidScope(MALFORMED_SCOPE));
            };
            Some(Minted { entry, ..minted })
        } else {
            None
        };
        let refresh = Token::generate();
        let successor = TokenEntry::new(refresh.clone(), TokenKind::RefreshToken, id.clone());
        let entry = access.as_ref().map(|minted| minted.entry.clone());
        let rotation = Rotation::new(presented, successor, entry).with_grace(config.refresh_grace);
        Ok(match store.rotate_refresh_token(client, &rotation).await? {
            RotationOutcome::Rotated => {
                if let Some(minted) = &access {
                    if let Err(error) = minter.bind(minted).await {
                        // The rotation is committed: a 503 now would lose
                        // the new refresh token, and its retry would be
                        // reuse. The JWT is answered; its own revocation
                        // and its subject's still reach its status.
                        tracing::warn!(%error, "the new JWT's status is not bound to its record");
                    }
                }
                let access = access.map(|minted| minted.entry);
                Refresh::Rotated { refresh, access }
            }
            _ => Refresh::InvalidGrant,
        })
    }
}

/// What a refresh request's rotation came to.
enum Refresh {
    /// The presented refresh token is rotated.
    Rotated {
        /// Its successor.
        refresh: Token,
        /// The new access token, as recorded; `None` when the store did not
        /// tell the presented token's facts (see [`TokenEndpoint::rotate`]).
        access: Option<TokenEntry>,
    },
    /// Not a live refresh token of the client, or reused: `invalid_grant`.
    InvalidGrant,
    /// `invalid_scope`, and why; nothing was rotated.
    InvalidScope(&'static str),
}

/// The description of `invalid_scope` for a malformed `scope`.
const MALFORMED_SCOPE: &str = "the scope is not scope-tokens separated by single spaces";

/// The description of `invalid_scope` for a scope wider than the grant's.
const WIDER_SCOPE: &str = "the scope asks for more than the refresh token was granted";

/// `entry` with `scope`, if any; `None` when the scope is not RFC 6749
/// §3.3 syntax (the store's rule, [`TokenEntry::is_well_formed`]: the rest
/// of the entry is generated here).
fn scoped(entry: TokenEntry, scope: Option<&str>) -> Option<TokenEntry> {
    let entry = match scope {
        Some(scope) => entry.with_scope(scope),
        None => entry,
    };
    entry.is_well_formed().then_some(entry)
}

/// Whether `scope`, if any, is RFC 6749 §3.3 syntax, by the store's rule
/// ([`TokenEntry::is_well_formed`]) on an entry of `client_id`.
fn well_formed(client_id: &ClientId, scope: Option<&str>) -> bool {
    let probe = Token::new("scope-probe").expect("a non-empty token");
    let entry = TokenEntry::new(probe, TokenKind::AccessToken, client_id.clone());
    scoped(entry, scope).is_some()
}

/// Whether every scope-token of `asked` is among those of `granted` (RFC
/// 6749 §6); nothing asked is always within.
fn within(asked: Option<&str>, granted: Option<&str>) -> bool {
    let granted: Vec<&str> = granted.map_or_else(Vec::new, |g| g.split(' ').collect());
    asked.is_none_or(|asked| asked.split(' ').all(|token| granted.contains(&token)))
}

/// A new opaque access token of `client_id` ([`Token::generate`]), without
/// a subject, expiring after `config`'s access token lifetime.
///
/// The stores count a token expired from the whole second of its
/// `expires_at`, so the end is rounded up to the next whole second: the
/// token lives at least the `expires_in` it is announced with (RFC 6749
/// §5.1), never up to a second less.
fn opaque_access_token(client_id: &ClientId, config: &Config) -> TokenEntry {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let end = now + config.access_token_lifetime;
    let expires_at = end.as_secs() + u64::from(end.subsec_nanos() > 0);
    let entry = TokenEntry::new(Token::generate(), TokenKind::AccessToken, client_id.clone());
    entry.with_expires_at(expires_at)
}

/// The RFC 6749 §5.1 answer, `expires_in` from `config`.
fn issued(
    access: &Token,
    refresh: Option<&Token>,
    scope: Option<&str>,
    config: &Config,
) -> Response {
    let mut body = json!({
        "access_token": access.secret(),
        "token_type": "Bearer",
        "expires_in": config.access_token_lifetime.as_secs(),
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
