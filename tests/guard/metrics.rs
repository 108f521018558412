//! The guard's decisions counted by outcome (feature `metrics`).

use crate::support::endpoint::store;
use crate::support::metrics::{counts, record};
use crate::support::request::get;

#[test]
fn metrics_count_each_guard_decision() {
    use axum::routing::get as route_get;
    let recorded = record(|| async {
        let guard = tower_revoke::BearerAuthLayer::new(store());
        let app = axum::Router::new().route("/me", route_get(|| async { "me" }).layer(guard));
        for request in [
            get("/me").bearer("AT1"),
            get("/me").bearer("AT1"),
            get("/me").bearer("never-issued"),
            get("/me"),
            get("/me").header("authorization", "Bearer a b"),
        ] {
            request.send(&app).await;
        }
    });
    let outcomes = [
        ("admitted", 2),
        ("inactive", 1),
        ("malformed", 1),
        ("no_token", 1),
    ];
    let name = "tower_revoke_guard_requests_total";
    assert_eq!(recorded.counters(name, "outcome"), counts(&outcomes));
}
