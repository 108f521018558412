//! Buffering the body: axum's `DefaultBodyLimit`, body stream failures, and
//! the head checked before the body is read.

use crate::support::{desc, form, post, router};
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use bytes::Bytes;
use http_body::Frame;
use serde_json::json;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A body whose stream fails at once, like a connection reset mid-request.
struct FailingBody;

impl http_body::Body for FailingBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::other("connection reset"))))
    }
}

fn long_token_body(len: usize) -> String {
    format!("token={}", "a".repeat(len - "token=".len()))
}

#[tokio::test]
async fn body_over_the_default_body_limit_is_payload_too_large() {
    let app = router().layer(DefaultBodyLimit::max(16));
    for uri in ["/request", "/revoke"] {
        let reply = form(uri, long_token_body(64)).send(&app).await;
        reply.error(413, "invalid_request", desc::TOO_LARGE, None);
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
    let reply = form("/request", long_token_body(2 * 1024 * 1024 + 1))
        .send(&router())
        .await;
    reply.error(413, "invalid_request", desc::TOO_LARGE, None);
}

#[tokio::test]
async fn disabled_default_body_limit_admits_larger_bodies() {
    let app = router().layer(DefaultBodyLimit::disable());
    let reply = form("/request", long_token_body(3 * 1024 * 1024))
        .send(&app)
        .await;
    assert_eq!(
        reply.ok()["token"].as_str().map(str::len),
        Some(3 * 1024 * 1024 - 6)
    );
}

#[tokio::test]
async fn failing_body_stream_is_invalid_request() {
    let app = router();
    for uri in ["/request", "/revoke"] {
        let reply = form(uri, Body::new(FailingBody)).send(&app).await;
        reply.invalid_request(desc::FAILED_TO_READ);
    }
}

#[tokio::test]
async fn content_type_is_checked_before_the_body_is_read() {
    let app = router().layer(DefaultBodyLimit::max(16));
    for uri in ["/request", "/revoke"] {
        let reply = post(uri, Body::new(FailingBody))
            .header("content-type", "text/plain")
            .send(&app)
            .await;
        reply.invalid_request(desc::CONTENT_TYPE);
        let reply = post(uri, long_token_body(64)).send(&app).await;
        reply.invalid_request(desc::CONTENT_TYPE);
    }
}

#[tokio::test]
async fn query_string_is_checked_before_the_body_is_read() {
    let app = router();
    for uri in ["/request?token=abc", "/revoke?client_secret=s3cr3t"] {
        let reply = form(uri, Body::new(FailingBody)).send(&app).await;
        reply.invalid_request(desc::IN_QUERY);
    }
}
