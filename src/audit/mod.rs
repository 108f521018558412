//! Revocation events: one typed event per revocation request, to a hook of
//! yours, as a `tracing` event with a stable schema, and (feature `metrics`)
//! as counters and histograms of the `metrics` facade.
//!
//! # The audit schema
//! Every request to the revocation endpoint's path emits one `tracing` event
//! at INFO with target `tower_revoke::audit`, message `revocation request`,
//! and these fields (absent when unknown):
//!
//! | field | value |
//! |---|---|
//! | `outcome` | `revoked`, `unknown`, `other_client`, `unsupported_token_type`, `client_authentication_failed`, `malformed_request`, `store_unavailable` |
//! | `status` | the HTTP status answered |
//! | `cascaded` | for `revoked`: how many other tokens of the grant it ended |
//! | `client_id` | the client id presented, cut to 64 bytes |
//! | `client_auth_method` | `client_secret_basic`, `client_secret_post`, `none`, `app_key_headers` |
//! | `token_kind` | for `revoked`: `access_token` or `refresh_token`, as stored |
//! | `token_type_hint` | the hint sent, cut to 64 bytes |
//! | `request_id` | the request's `x-request-id` (as tower-http's `SetRequestIdLayer` sets it), cut to 64 bytes |
//!
//! Never a token, a secret or an `Authorization` value.
//!
//! # Metrics (feature `metrics`)
//! - `tower_revoke_revocation_requests_total` (counter), labels `outcome`
//!   and `client_auth_method` (`unknown` when none was read).
//! - `tower_revoke_guard_requests_total` (counter), label `outcome`:
//!   `admitted`, `no_token`, `malformed`, `inactive`, `store_unavailable`.
//! - `tower_revoke_introspection_requests_total` (counter), label
//!   `outcome`: `active`, `inactive`, `client_authentication_failed`,
//!   `malformed_request`, `store_unavailable` (RFC 7662 requests).
//! - `tower_revoke_store_duration_seconds` (histogram), label `operation`:
//!   `authenticate_client`, `revoke`, `introspect`.
//!
//! Labels hold fixed words only: no client id, so that their number stays
//! bounded whatever clients send.

#[cfg(feature = "metrics")]
mod metrics;

use crate::client::{ClientAuthMethod, ClientId};
use crate::log::Bounded;
use crate::request::TokenTypeHint;
use crate::store::TokenKind;
use http::HeaderMap;
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// How a revocation request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventOutcome {
    /// The token is revoked, and with it `cascaded` other tokens of its
    /// grant.
    Revoked {
        /// Other tokens of the grant this revocation ended.
        cascaded: u64,
    },
    /// Unknown, expired or already revoked (RFC 7009 §2.2).
    Unknown,
    /// Issued to another client; refused or answered like an unknown
    /// token, per the endpoint's policy.
    OtherClient,
    /// The store cannot revoke this token (RFC 7009 §2.2.1).
    UnsupportedTokenType,
    /// Client authentication failed (RFC 6749 §2.3).
    ClientAuthenticationFailed,
    /// The request itself was refused: method, media type, body, encoding,
    /// parameters, missing token.
    MalformedRequest,
    /// The store failed; 503.
    StoreUnavailable,
}

impl EventOutcome {
    /// The word of the audit schema, for example `"revoked"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Revoked { .. } => "revoked",
            Self::Unknown => "unknown",
            Self::OtherClient => "other_client",
            Self::UnsupportedTokenType => "unsupported_token_type",
            Self::ClientAuthenticationFailed => "client_authentication_failed",
            Self::MalformedRequest => "malformed_request",
            Self::StoreUnavailable => "store_unavailable",
        }
    }
}

/// One revocation request, as the audit trail records it. Holds no token,
/// secret or `Authorization` value; attacker-controlled texts are cut to 64
/// bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationEvent {
    /// How it ended.
    pub outcome: EventOutcome,
    /// The HTTP status answered.
    pub status: u16,
    /// The client id presented, if one was read (cut to 64 bytes).
    pub client_id: Option<ClientId>,
    /// The client authentication method used, if one was read.
    pub client_auth_method: Option<ClientAuthMethod>,
    /// The kind of the token as stored, when it was revoked.
    pub token_kind: Option<TokenKind>,
    /// The `token_type_hint` sent, if any (an unregistered value cut to 64
    /// bytes).
    pub token_type_hint: Option<TokenTypeHint>,
    /// When the answer was decided.
    pub time: SystemTime,
    /// The request's `x-request-id`, if it has one (cut to 64 bytes).
    pub request_id: Option<String>,
}

impl RevocationEvent {
    pub(crate) fn new(outcome: EventOutcome, status: u16, headers: &HeaderMap) -> Self {
        let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok());
        Self {
            outcome,
            status,
            client_id: None,
            client_auth_method: None,
            token_kind: None,
            token_type_hint: None,
            time: SystemTime::now(),
            request_id: request_id.map(bounded),
        }
    }

    /// Notes the client; its id is shared (reference-counted), and cut to
    /// 64 bytes only when longer.
    pub(crate) fn client(mut self, client_id: &ClientId, method: ClientAuthMethod) -> Self {
        let id = client_id.as_str();
        let cut = (id.len() > 64)
            .then(|| ClientId::new(bounded(id)).ok())
            .flatten();
        self.client_id = Some(cut.unwrap_or_else(|| client_id.clone()));
        self.client_auth_method = Some(method);
        self
    }

    pub(crate) fn hint(mut self, hint: Option<&TokenTypeHint>) -> Self {
        self.token_type_hint = hint.map(|hint| match hint {
            TokenTypeHint::Other(value) if value.len() > 64 => TokenTypeHint::Other(bounded(value)),
            hint => hint.clone(),
        });
        self
    }

    pub(crate) fn token_kind(mut self, kind: TokenKind) -> Self {
        self.token_kind = Some(kind);
        self
    }

    /// The event as one line of JSON, the audit schema's fields plus `time`
    /// (Unix milliseconds): what the demo prints with `TOWER_REVOKE_AUDIT=1`.
    pub fn to_json(&self) -> serde_json::Value {
        let millis = self
            .time
            .duration_since(UNIX_EPOCH)
            .map_or(0, |t| t.as_millis());
        let cascaded = match self.outcome {
            EventOutcome::Revoked { cascaded } => Some(cascaded),
            _ => None,
        };
        serde_json::json!({
            "outcome": self.outcome.as_str(),
            "status": self.status,
            "cascaded": cascaded,
            "client_id": self.client_id.as_ref().map(ClientId::as_str),
            "client_auth_method": self.client_auth_method.map(ClientAuthMethod::as_str),
            "token_kind": self.token_kind.map(TokenKind::as_str),
            "token_type_hint": self.token_type_hint.as_ref().map(TokenTypeHint::as_str),
            "time": millis as u64,
            "request_id": self.request_id,
        })
    }

    /// Emits the `tracing` event of the audit schema, and the metrics.
    pub(crate) fn emit(&self) {
        let cascaded = match self.outcome {
            EventOutcome::Revoked { cascaded } => Some(cascaded),
            _ => None,
        };
        tracing::info!(
            target: "tower_revoke::audit",
            outcome = self.outcome.as_str(),
            status = self.status,
            cascaded,
            client_id = self.client_id.as_ref().map(ClientId::as_str),
            client_auth_method = self.client_auth_method.map(ClientAuthMethod::as_str),
            token_kind = self.token_kind.map(TokenKind::as_str),
            token_type_hint = self.token_type_hint.as_ref().map(TokenTypeHint::as_str),
            request_id = self.request_id.as_deref(),
            "revocation request"
        );
        #[cfg(feature = "metrics")]
        metrics::revocation(self.outcome, self.client_auth_method);
    }
}

/// Where revocation events go: a hook you give
/// [`RevocationEndpointLayer::events`](crate::RevocationEndpointLayer::events),
/// called once per revocation request, after the answer is decided and
/// before it is sent. Keep it quick (hand slow work to a channel): it runs
/// on the request's task.
///
/// Implemented for closures `Fn(&RevocationEvent)`.
///
/// # Example
/// ```
/// use tower_revoke::{MemoryStore, RevocationEndpointLayer};
/// use tower_revoke::audit::RevocationEvent;
///
/// let layer = RevocationEndpointLayer::new(MemoryStore::new())
///     .events(|event: &RevocationEvent| println!("{}", event.to_json()));
/// # let _ = layer;
/// ```
pub trait RevocationEvents: Send + Sync + 'static {
    /// Records one event.
    fn record(&self, event: &RevocationEvent);
}

impl<F: Fn(&RevocationEvent) + Send + Sync + 'static> RevocationEvents for F {
    fn record(&self, event: &RevocationEvent) {
        self(event)
    }
}

/// The hook, if any, held by the endpoint's configuration.
#[derive(Clone, Default)]
pub(crate) struct Hook(Option<std::sync::Arc<dyn RevocationEvents>>);

impl Hook {
    pub(crate) fn new(events: impl RevocationEvents) -> Self {
        Self(Some(std::sync::Arc::new(events)))
    }

    /// Emits `event` (tracing, metrics) and hands it to the hook.
    pub(crate) fn record(&self, event: &RevocationEvent) {
        event.emit();
        if let Some(events) = &self.0 {
            events.record(event);
        }
    }
}

impl fmt::Debug for Hook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() {
            "Hook(..)"
        } else {
            "Hook(None)"
        })
    }
}

/// Records a store call's duration (feature `metrics`).
pub(crate) struct StoreTimer {
    #[cfg(feature = "metrics")]
    started: std::time::Instant,
    #[cfg(feature = "metrics")]
    operation: &'static str,
}

impl StoreTimer {
    pub(crate) fn start(operation: &'static str) -> Self {
        let _ = operation;
        Self {
            #[cfg(feature = "metrics")]
            started: std::time::Instant::now(),
            #[cfg(feature = "metrics")]
            operation,
        }
    }

    pub(crate) fn stop(self) {
        #[cfg(feature = "metrics")]
        metrics::store_duration(self.operation, self.started.elapsed());
    }
}

/// Counts one introspection request's outcome (feature `metrics`).
pub(crate) fn introspection_outcome(outcome: &'static str) {
    let _ = outcome;
    #[cfg(feature = "metrics")]
    metrics::introspection(outcome);
}

/// Counts one guard decision (feature `metrics`).
pub(crate) fn guard_outcome(outcome: &'static str) {
    let _ = outcome;
    #[cfg(feature = "metrics")]
    metrics::guard(outcome);
}

fn bounded(value: &str) -> String {
    Bounded(value).to_string()
}
