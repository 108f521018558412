//! Rule 2: the body limit (`max_body_size`, default 16 KiB). A larger body
//! gets 413 `invalid_request` and is not read past the limit.

use crate::bodies::{CountingBody, FailingBody};
use crate::support::{app, default_app, desc, revoke, store, Reply};
use axum::body::Body;
use http::Method;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower::ServiceExt;
use tower_revoke::RevocationEndpointLayer;

const DEFAULT_LIMIT: usize = 16 * 1024;

/// A body revoking `AT1` for `app1`, padded with an unknown parameter to
/// exactly `len` bytes.
fn padded(len: usize) -> String {
    let body = "token=AT1&client_id=app1&client_secret=s3cr3t&pad=";
    format!("{body}{}", "p".repeat(len - body.len()))
}

#[tokio::test]
async fn body_over_the_default_limit_is_payload_too_large() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = revoke(&padded(DEFAULT_LIMIT + 1)).send(&app).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn body_of_exactly_the_default_limit_is_read() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = revoke(&padded(DEFAULT_LIMIT)).send(&app).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn max_body_size_sets_the_limit() {
    let store = store();
    let (app, _) = app(RevocationEndpointLayer::new(store.clone()).max_body_size(64));
    let reply = revoke(&padded(65)).send(&app).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
    assert!(store.is_active("AT1"));
    let reply = revoke(&padded(64)).send(&app).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

/// Sends a form POST to `/revoke` with `body` through the default app.
async fn send_streaming<B>(app: axum::Router, body: B) -> Reply
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let request = revoke("")
        .basic("app1", "s3cr3t")
        .with_body(Body::new(body));
    let response = tokio::time::timeout(Duration::from_secs(5), app.oneshot(request))
        .await
        .expect("the endpoint answers without waiting for the body's end")
        .unwrap();
    Reply::read(Method::POST, response).await
}

#[tokio::test]
async fn streaming_body_is_not_read_past_the_limit() {
    let store = store();
    let (app, _) = default_app(&store);
    let (body, polled) = CountingBody::endless(&[b'a'; 1000]);
    let reply = send_streaming(app, body).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
    // Polling stops with the chunk that passes the limit: 17 of 1000 bytes.
    let polled = polled.load(Ordering::SeqCst);
    assert!(
        polled > DEFAULT_LIMIT && polled <= DEFAULT_LIMIT + 1000,
        "{polled}"
    );
}

#[tokio::test]
async fn endless_body_is_refused_once_past_the_limit() {
    let store = store();
    let (app, _) = app(RevocationEndpointLayer::new(store.clone()).max_body_size(10));
    let (body, polled) = CountingBody::endless(b"token=AT1&");
    let reply = send_streaming(app, body).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
    // Ten bytes fit; the second chunk passes the limit and is the last.
    assert_eq!(polled.load(Ordering::SeqCst), 20);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn declared_length_over_the_limit_is_refused_without_reading_the_body() {
    let store = store();
    let (app, _) = default_app(&store);
    let (body, polled) = CountingBody::endless(b"token=AT1&");
    let body = body.declaring(DEFAULT_LIMIT as u64 + 1);
    let reply = send_streaming(app, body).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn method_is_checked_before_the_declared_length() {
    // The method is checked first: a GET with a large body is a 405.
    let store = store();
    let (app, _) = default_app(&store);
    let (body, polled) = CountingBody::endless(b"x");
    let mut request = revoke("").with_body(Body::new(body.declaring(1 << 20)));
    *request.method_mut() = Method::PUT;
    let response = app.oneshot(request).await.unwrap();
    let reply = Reply::read(Method::PUT, response).await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failing_body_stream_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = send_streaming(app, FailingBody).await;
    reply.assert_invalid_request(desc::FAILED_TO_READ);
}
