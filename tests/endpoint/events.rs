//! Revocation events: every kind produced by a real request and checked
//! field by field, the hook called once per request, the `tower_revoke::audit`
//! tracing events, the metrics, and no token or secret in any of them.

use crate::fixture::{app, as_app1, revoke, store};
use crate::support::failing::FailingStore;
use crate::support::metrics::{counts, record};
use crate::support::request::{get, Req};
use std::sync::{Arc, Mutex};
use tower_revoke::audit::{EventOutcome, RevocationEvent};
use tower_revoke::client::{ClientAuthMethod, ClientId};
use tower_revoke::request::TokenTypeHint;
use tower_revoke::{RevocationEndpointLayer, RevocationStore, TokenKind};

/// The events a hook received.
#[derive(Clone, Default)]
struct Recorded(Arc<Mutex<Vec<RevocationEvent>>>);

impl Recorded {
    fn layer<St: RevocationStore>(&self, store: St) -> RevocationEndpointLayer<St> {
        let events = Arc::clone(&self.0);
        RevocationEndpointLayer::new(store)
            .events(move |event: &RevocationEvent| events.lock().unwrap().push(event.clone()))
    }

    fn take(&self) -> Vec<RevocationEvent> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

/// Sends `request` and returns the one event it produced.
async fn event_of(app: &axum::Router, recorded: &Recorded, request: Req) -> RevocationEvent {
    request.send(app).await;
    let mut events = recorded.take();
    assert_eq!(events.len(), 1, "one event per request: {events:?}");
    events.remove(0)
}

#[tokio::test]
async fn every_outcome_is_one_event_with_its_fields() {
    let recorded = Recorded::default();
    let (app, _) = app(recorded.layer(store()));
    let basic = Some(ClientAuthMethod::ClientSecretBasic);

    let revoked =
        as_app1("token=RT1&token_type_hint=refresh_token").header("x-request-id", "req-1");
    let event = event_of(&app, &recorded, revoked).await;
    assert_eq!(event.outcome, EventOutcome::Revoked { cascaded: 2 });
    assert_eq!(event.status, 200);
    assert_eq!(event.client_id.as_ref().map(ClientId::as_str), Some("app1"));
    assert_eq!(event.client_auth_method, basic);
    assert_eq!(event.token_kind, Some(TokenKind::RefreshToken));
    assert_eq!(event.token_type_hint, Some(TokenTypeHint::RefreshToken));
    assert_eq!(event.request_id.as_deref(), Some("req-1"));

    let cases: [(Req, EventOutcome, u16, Option<&str>); 6] = [
        (
            as_app1("token=nope"),
            EventOutcome::Unknown,
            200,
            Some("app1"),
        ),
        (
            as_app1("token=OT1"),
            EventOutcome::OtherClient,
            400,
            Some("app1"),
        ),
        (
            as_app1("token=jwt"),
            EventOutcome::UnsupportedTokenType,
            400,
            Some("app1"),
        ),
        (
            revoke("token=AT2").basic("app1", "wrong"),
            EventOutcome::ClientAuthenticationFailed,
            401,
            Some("app1"),
        ),
        (
            revoke("token=AT2&token=AT2"),
            EventOutcome::MalformedRequest,
            400,
            None,
        ),
        (get("/revoke"), EventOutcome::MalformedRequest, 405, None),
    ];
    for (request, outcome, status, client_id) in cases {
        let event = event_of(&app, &recorded, request).await;
        assert_eq!(
            (event.outcome, event.status),
            (outcome, status),
            "{event:?}"
        );
        let id = event.client_id.as_ref().map(ClientId::as_str);
        assert_eq!(id, client_id, "{event:?}");
        assert_eq!(event.token_kind, None, "{event:?}");
        assert_eq!(event.request_id, None, "{event:?}");
    }

    let failing = FailingStore::revoke_only(store());
    let (down, _) = crate::fixture::app(recorded.layer(failing));
    let event = event_of(&down, &recorded, as_app1("token=AT1")).await;
    assert_eq!(
        (event.outcome, event.status),
        (EventOutcome::StoreUnavailable, 503)
    );
    assert_eq!(event.client_auth_method, basic);
}

#[tokio::test]
async fn long_client_ids_are_cut_in_events() {
    let recorded = Recorded::default();
    let (app, _) = app(recorded.layer(store()));
    let long = "c".repeat(1000);
    let event = event_of(
        &app,
        &recorded,
        revoke(&format!("token=x&client_id={long}")),
    )
    .await;
    assert_eq!(event.outcome, EventOutcome::ClientAuthenticationFailed);
    assert_eq!(
        event.client_id.unwrap().as_str(),
        format!("{}…(1000 bytes)", "c".repeat(64))
    );
}

#[test]
fn metrics_count_outcomes_and_time_the_store_without_secrets() {
    let recorded = record(|| async {
        let (app, _) = app(RevocationEndpointLayer::new(store()));
        as_app1("token=AT1").send(&app).await;
        as_app1("token=AT1").send(&app).await;
        revoke("token=AT2")
            .basic("app1", "s3cr3t-wrong")
            .send(&app)
            .await;
    });
    let name = "tower_revoke_revocation_requests_total";
    let outcomes = [
        ("client_authentication_failed", 1),
        ("revoked", 1),
        ("unknown", 1),
    ];
    assert_eq!(recorded.counters(name, "outcome"), counts(&outcomes));
    let methods = recorded.counters(name, "client_auth_method");
    assert_eq!(methods, counts(&[("client_secret_basic", 3)]));
    let histogram = "tower_revoke_store_duration_seconds";
    let timed = |operation| recorded.samples(histogram, "operation", operation);
    assert_eq!(timed("authenticate_client"), Some(3));
    assert_eq!(
        timed("revoke"),
        Some(2),
        "no revoke after a failed authentication"
    );
    let keys = recorded.keys();
    for secret in ["AT1", "AT2", "s3cr3t", "app1"] {
        assert!(!keys.contains(secret), "{secret} in a metric label: {keys}");
    }
}
