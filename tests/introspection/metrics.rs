//! `tower_revoke_introspection_requests_total` counts each request by
//! outcome, and the store's `introspect` is timed (feature `metrics`).

use crate::fixture::{app, introspect, introspect_as};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};

#[test]
fn each_request_is_counted_by_outcome() {
    let recorder = DebuggingRecorder::new();
    let snapshotter = recorder.snapshotter();
    metrics::with_local_recorder(&recorder, || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
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
    });
    let snapshot = snapshotter.snapshot().into_vec();
    let mut counts: Vec<(String, u64)> = snapshot
        .iter()
        .filter(|(key, _, _, _)| key.key().name() == "tower_revoke_introspection_requests_total")
        .map(|(key, _, _, value)| {
            let outcome = key.key().labels().next().unwrap().value().to_owned();
            match value {
                DebugValue::Counter(n) => (outcome, *n),
                other => panic!("{other:?}"),
            }
        })
        .collect();
    counts.sort();
    let expected = [
        ("active", 1),
        ("client_authentication_failed", 1),
        ("inactive", 2),
        ("malformed_request", 1),
    ];
    let expected: Vec<(String, u64)> = expected
        .iter()
        .map(|(outcome, n)| (outcome.to_string(), *n))
        .collect();
    assert_eq!(counts, expected);
    let introspected = snapshot.iter().find_map(|(key, _, _, value)| {
        let key = key.key();
        let timed = key.name() == "tower_revoke_store_duration_seconds"
            && key.labels().any(|label| label.value() == "introspect");
        match value {
            DebugValue::Histogram(samples) if timed => Some(samples.len()),
            _ => None,
        }
    });
    assert_eq!(
        introspected,
        Some(3),
        "one store lookup per well-formed request"
    );
}
