//! Rule 2: the body limit (`max_body_size`, default 16 KiB). A larger body
//! gets 413 `invalid_request` and is not read past the limit.

use crate::fixture::{app, as_app1, default_app, revoke, store};
use crate::support::bodies::{ChannelBody, CountingBody};
use crate::support::desc;
use crate::support::reply::Reply;
use crate::support::request::{request, FORM};
use axum::Router;
use http::Method;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_revoke::request::RequestReader;
use tower_revoke::RevocationEndpointLayer;

const DEFAULT_LIMIT: usize = 16 * 1024;

/// A body revoking `AT1` for `app1`, padded with an unknown parameter to
/// exactly `len` bytes.
fn padded(len: usize) -> String {
    let body = "token=AT1&client_id=app1&client_secret=s3cr3t&pad=";
    format!("{body}{}", "p".repeat(len - body.len()))
}

/// Asserts 413 `invalid_request`.
#[track_caller]
fn assert_too_large(reply: &Reply) {
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
}

/// Sends a form POST to `/revoke` for `app1` with `body` streamed, and
/// reads the response, which must come before the body's end.
async fn send_streaming<B>(app: &Router, body: B) -> Reply
where
    B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let reply = as_app1("").send_streaming(app, body);
    tokio::time::timeout(Duration::from_secs(5), reply)
        .await
        .expect("the endpoint answers without waiting for the body's end")
}

#[tokio::test]
async fn body_over_the_default_limit_is_payload_too_large() {
    let (store, app, _) = default_app();
    assert_too_large(&revoke(&padded(DEFAULT_LIMIT + 1)).send(&app).await);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn body_of_exactly_the_default_limit_is_read() {
    let (store, app, _) = default_app();
    revoke(&padded(DEFAULT_LIMIT))
        .send(&app)
        .await
        .assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn max_body_size_sets_the_limit() {
    let store = store();
    let (app, _) = app(RevocationEndpointLayer::new(store.clone())
        .reader(RequestReader::default().max_body_size(64)));
    assert_too_large(&revoke(&padded(65)).send(&app).await);
    assert!(store.is_active("AT1"));
    revoke(&padded(64)).send(&app).await.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn streaming_body_is_not_read_past_the_limit() {
    let (_, app, _) = default_app();
    let (body, polled) = CountingBody::endless(&[b'a'; 1000]);
    assert_too_large(&send_streaming(&app, body).await);
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
    let (app, _) = app(RevocationEndpointLayer::new(store.clone())
        .reader(RequestReader::default().max_body_size(10)));
    let (body, polled) = CountingBody::endless(b"token=AT1&");
    assert_too_large(&send_streaming(&app, body).await);
    // Ten bytes fit; the second chunk passes the limit and is the last.
    assert_eq!(polled.load(Ordering::SeqCst), 20);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn declared_length_over_the_limit_is_refused_without_reading_the_body() {
    let (_, app, _) = default_app();
    let (body, polled) = CountingBody::endless(b"token=AT1&");
    let body = body.declaring(DEFAULT_LIMIT as u64 + 1);
    assert_too_large(&send_streaming(&app, body).await);
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn method_is_checked_before_the_declared_length() {
    // The method is checked first: a PUT with a large body is a 405.
    let (_, app, _) = default_app();
    let (body, polled) = CountingBody::endless(b"x");
    let put = request(Method::PUT, "/revoke").header("content-type", FORM);
    let reply = put.send_streaming(&app, body.declaring(1 << 20)).await;
    reply.assert_method_not_allowed();
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn failing_body_stream_is_invalid_request() {
    let (_, app, _) = default_app();
    let reply = send_streaming(&app, ChannelBody::failing()).await;
    reply.assert_invalid_request(desc::FAILED_TO_READ);
}
