//! The metrics of the [module docs](super) (feature `metrics`), recorded
//! without allocating: every label set is a static table, so each call
//! builds its [`Key`] from static parts, as the `metrics` macros do for
//! literal labels (with labels computed at run time they allocate a `Vec`
//! per call, three per revocation request).

use super::EventOutcome;
use crate::client::ClientAuthMethod;
use metrics::{Key, Label, Level, Metadata};
use std::sync::OnceLock;
use std::time::Duration;

static METADATA: Metadata<'static> =
    Metadata::new(module_path!(), Level::INFO, Some(module_path!()));

/// `outcome` label values of the revocation counter, in [`outcome_index`]
/// order.
const OUTCOMES: [&str; 7] = [
    "revoked",
    "unknown",
    "other_client",
    "unsupported_token_type",
    "client_authentication_failed",
    "malformed_request",
    "store_unavailable",
];

/// `client_auth_method` label values, in [`method_index`] order.
const METHODS: [&str; 6] = [
    "client_secret_basic",
    "client_secret_post",
    "none",
    "app_key_headers",
    "private_key_jwt",
    "unknown",
];

static GUARD_OUTCOMES: [[Label; 1]; 5] = [
    [Label::from_static_parts("outcome", "admitted")],
    [Label::from_static_parts("outcome", "no_token")],
    [Label::from_static_parts("outcome", "malformed")],
    [Label::from_static_parts("outcome", "inactive")],
    [Label::from_static_parts("outcome", "store_unavailable")],
];

static INTROSPECTION_OUTCOMES: [[Label; 1]; 5] = [
    [Label::from_static_parts("outcome", "active")],
    [Label::from_static_parts("outcome", "inactive")],
    [Label::from_static_parts(
        "outcome",
        "client_authentication_failed",
    )],
    [Label::from_static_parts("outcome", "malformed_request")],
    [Label::from_static_parts("outcome", "store_unavailable")],
];

static OPERATIONS: [[Label; 1]; 3] = [
    [Label::from_static_parts("operation", "authenticate_client")],
    [Label::from_static_parts("operation", "revoke")],
    [Label::from_static_parts("operation", "introspect")],
];

/// `tower_revoke_revocation_requests_total{outcome, client_auth_method}`.
pub(super) fn revocation(outcome: EventOutcome, method: Option<ClientAuthMethod>) {
    static LABELS: OnceLock<Vec<[Label; 2]>> = OnceLock::new();
    let table = LABELS.get_or_init(|| {
        let pairs = OUTCOMES.iter().flat_map(|outcome| {
            METHODS.iter().map(move |method| {
                [
                    Label::from_static_parts("outcome", outcome),
                    Label::from_static_parts("client_auth_method", method),
                ]
            })
        });
        pairs.collect()
    });
    let labels = &table[outcome_index(outcome) * METHODS.len() + method_index(method)];
    increment("tower_revoke_revocation_requests_total", labels);
}

/// `tower_revoke_guard_requests_total{outcome}`.
pub(super) fn guard(outcome: &'static str) {
    if let Some(labels) = find(&GUARD_OUTCOMES, outcome) {
        let key = Key::from_static_parts("tower_revoke_guard_requests_total", labels);
        metrics::with_recorder(|recorder| recorder.register_counter(&key, &METADATA)).increment(1);
    }
}

/// `tower_revoke_introspection_requests_total{outcome}`.
pub(super) fn introspection(outcome: &'static str) {
    if let Some(labels) = find(&INTROSPECTION_OUTCOMES, outcome) {
        increment("tower_revoke_introspection_requests_total", labels);
    }
}

/// `tower_revoke_store_duration_seconds{operation}`.
pub(super) fn store_duration(operation: &'static str, elapsed: Duration) {
    if let Some(labels) = find(&OPERATIONS, operation) {
        let key = Key::from_static_parts("tower_revoke_store_duration_seconds", labels);
        metrics::with_recorder(|recorder| recorder.register_histogram(&key, &METADATA))
            .record(elapsed.as_secs_f64());
    }
}

/// Adds one to the counter `name` with `labels`.
fn increment(name: &'static str, labels: &'static [Label]) {
    let key = Key::from_static_parts(name, labels);
    metrics::with_recorder(|recorder| recorder.register_counter(&key, &METADATA)).increment(1);
}

/// The static label set whose one value is `value`; `None` (and a failed
/// debug assertion) for a value the table lacks.
fn find(table: &'static [[Label; 1]], value: &str) -> Option<&'static [Label]> {
    let labels = table.iter().find(|labels| labels[0].value() == value);
    debug_assert!(labels.is_some(), "no metric label for {value:?}");
    labels.map(|labels| &labels[..])
}

const fn outcome_index(outcome: EventOutcome) -> usize {
    match outcome {
        EventOutcome::Revoked { .. } => 0,
        EventOutcome::Unknown => 1,
        EventOutcome::OtherClient => 2,
        EventOutcome::UnsupportedTokenType => 3,
        EventOutcome::ClientAuthenticationFailed => 4,
        EventOutcome::MalformedRequest => 5,
        EventOutcome::StoreUnavailable => 6,
    }
}

const fn method_index(method: Option<ClientAuthMethod>) -> usize {
    match method {
        Some(ClientAuthMethod::ClientSecretBasic) => 0,
        Some(ClientAuthMethod::ClientSecretPost) => 1,
        Some(ClientAuthMethod::None) => 2,
        Some(ClientAuthMethod::AppKeyHeaders) => 3,
        Some(ClientAuthMethod::PrivateKeyJwt) => 4,
        None => 5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_name_what_the_enums_say() {
        let outcomes = [
            EventOutcome::Revoked { cascaded: 0 },
            EventOutcome::Unknown,
            EventOutcome::OtherClient,
            EventOutcome::UnsupportedTokenType,
            EventOutcome::ClientAuthenticationFailed,
            EventOutcome::MalformedRequest,
            EventOutcome::StoreUnavailable,
        ];
        for outcome in outcomes {
            assert_eq!(OUTCOMES[outcome_index(outcome)], outcome.as_str());
        }
        for method in ClientAuthMethod::ALL {
            assert_eq!(METHODS[method_index(Some(method))], method.as_str());
        }
        assert_eq!(METHODS[method_index(None)], "unknown");
    }
}
