//! What a refused request logs is bounded, whatever it sent.

use super::{app, basic, bearer, revoke, send, FORM, SEED};
use http::StatusCode;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;
use tower_revoke_test_support::logs::{Capture, Spans};

/// A refused request logs a bounded number of bytes at TRACE, whatever the
/// size of what it sent: attacker-controlled values (here a 15 KiB client
/// id, by every method that carries one) appear cut to a short prefix.
#[tokio::test]
async fn log_bytes_per_refused_request_are_bounded() {
    let capture = Capture::start(Spans::Off);
    let app = app::app(BoxStore::new(MemoryStore::from_seed_file(SEED).unwrap()));
    let long_id = "i".repeat(15 * 1024);
    let requests = [
        revoke(
            Some(&basic(&long_id, "s3cr3t")),
            FORM,
            "token=AT1".to_owned(),
        ),
        revoke(
            None,
            FORM,
            format!("token=AT1&client_id={long_id}&client_secret=x"),
        ),
        revoke(None, FORM, format!("token=AT1&client_id={long_id}")),
        bearer(&[&format!("Bearer {long_id}")]),
    ];
    for request in requests {
        let before = capture.text().len();
        let (status, _) = send(&app, request).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let logged = capture.text().len() - before;
        assert!(logged < 2048, "{logged} bytes of log for one request");
    }
    assert!(
        capture.text().contains("(15360 bytes)"),
        "{}",
        capture.text()
    );
}
