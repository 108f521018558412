//! `tower_revoke_introspection_requests_total` counts each request by
//! outcome, and the store's `introspect` is timed (feature `metrics`).

use crate::fixture::{app, introspect, introspect_as};
use crate::support::metrics::{counts, record};

#[test]
fn each_request_is_counted_by_outcome() {
    let recorded = record(|| async {
        let (_, router, _) = app();
        for request in [
            introspect_as("app1", "token=AT1"),
            introspect_as("app1", "token=OT1"),
            introspect_as("app1", "token=never-issued"),
            introspect("token=AT1&client_id=pub1"),
            introspect_as("app1", "token=AT1&token=AT2"),
        ] {
            request.send(&router).await;
        }
    });
    let outcomes = [
        ("active", 1),
        ("client_authentication_failed", 1),
        ("inactive", 2),
        ("malformed_request", 1),
    ];
    let name = "tower_revoke_introspection_requests_total";
    assert_eq!(recorded.counters(name, "outcome"), counts(&outcomes));
    let histogram = "tower_revoke_store_duration_seconds";
    let introspected = recorded.samples(histogram, "operation", "introspect");
    assert_eq!(
        introspected,
        Some(3),
        "one store lookup per well-formed request"
    );
}
