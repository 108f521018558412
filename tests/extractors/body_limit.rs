//! Buffering the body: axum's `DefaultBodyLimit`, body stream failures, and
//! the head checked before the body is read.

use crate::echo::router;
use crate::support::bodies::ChannelBody;
use crate::support::desc;
use crate::support::reply::Reply;
use crate::support::request::{form, post, Req};
use axum::extract::DefaultBodyLimit;
use axum::Router;
use serde_json::json;

fn long_token_body(len: usize) -> String {
    format!("token={}", "a".repeat(len - "token=".len()))
}

/// Sends `request` through `app` with a body that fails at once.
async fn send_failing(request: Req, app: &Router) -> Reply {
    request.send_streaming(app, ChannelBody::failing()).await
}

/// Asserts 413 `invalid_request`.
#[track_caller]
fn assert_too_large(reply: &Reply) {
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
}

#[tokio::test]
async fn body_over_the_default_body_limit_is_payload_too_large() {
    let app = router().layer(DefaultBodyLimit::max(16));
    for uri in ["/request", "/revoke"] {
        assert_too_large(&form(uri, long_token_body(64)).send(&app).await);
    }
}

#[tokio::test]
async fn body_within_the_default_body_limit_is_accepted() {
    let app = router().layer(DefaultBodyLimit::max(16));
    let reply = form("/request", long_token_body(16)).send(&app).await;
    assert_eq!(reply.ok(), json!({"token": "a".repeat(10), "hint": null}));
}

#[tokio::test]
async fn axum_default_limit_of_2_mib_applies_without_a_layer() {
    let request = form("/request", long_token_body(2 * 1024 * 1024 + 1));
    assert_too_large(&request.send(&router()).await);
}

#[tokio::test]
async fn disabled_default_body_limit_admits_larger_bodies() {
    let app = router().layer(DefaultBodyLimit::disable());
    let request = form("/request", long_token_body(3 * 1024 * 1024));
    assert_eq!(
        request.send(&app).await.ok()["token"]
            .as_str()
            .map(str::len),
        Some(3 * 1024 * 1024 - 6)
    );
}

#[tokio::test]
async fn failing_body_stream_is_invalid_request() {
    let app = router();
    for uri in ["/request", "/revoke"] {
        let reply = send_failing(form(uri, ""), &app).await;
        reply.assert_invalid_request(desc::FAILED_TO_READ);
    }
}

#[tokio::test]
async fn content_type_is_checked_before_the_body_is_read() {
    let app = router().layer(DefaultBodyLimit::max(16));
    for uri in ["/request", "/revoke"] {
        let text = post(uri, "").header("content-type", "text/plain");
        let reply = send_failing(text, &app).await;
        reply.assert_invalid_request(desc::CONTENT_TYPE);
        let reply = post(uri, long_token_body(64)).send(&app).await;
        reply.assert_invalid_request(desc::CONTENT_TYPE);
    }
}

#[tokio::test]
async fn query_string_is_checked_before_the_body_is_read() {
    let app = router();
    for uri in ["/request?token=abc", "/revoke?client_secret=s3cr3t"] {
        let reply = send_failing(form(uri, ""), &app).await;
        reply.assert_invalid_request(desc::IN_QUERY);
    }
}
