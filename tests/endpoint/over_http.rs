//! The same behaviours over real HTTP/1.1: a hyper 1 server from
//! hyper-util, reached with hyper-util's client or raw bytes on a socket.

use crate::stores::FailingStore;
use crate::support::{
    app, basic, challenge, default_app, desc, error_body, form, request, revoke, store, Inner,
};
use crate::wire::{read_response, serve, without_date};
use http::Method;
use tokio::io::AsyncWriteExt;
use tower::Layer;
use tower_revoke::{BearerAuthLayer, RevocationEndpointLayer};

const REVOKE_HEAD: &str = "POST /revoke HTTP/1.1\r\nHost: localhost\r\n\
    Content-Type: application/x-www-form-urlencoded\r\n";

#[tokio::test]
async fn revocation_over_http_revokes_the_token() {
    let store = store();
    let (app, inner) = default_app(&store);
    let server = serve(app).await;
    let reply = server
        .send(revoke("token=AT1").basic("app1", "s3cr3t"))
        .await;
    reply.assert_revoked();
    assert!(reply.headers.contains_key("date"), "sent by hyper");
    assert!(!store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn method_not_allowed_over_http_has_allow_post() {
    let store = store();
    let server = serve(default_app(&store).0).await;
    let reply = server
        .send(request(Method::GET, "/revoke?callback=cb"))
        .await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_are_byte_identical_on_the_wire() {
    let store = store();
    let server = serve(default_app(&store).0).await;
    let ask = |id: &str, secret: &str| {
        let authorization = basic(id, secret);
        format!("{REVOKE_HEAD}Authorization: {authorization}\r\nContent-Length: 9\r\n\r\ntoken=AT1")
    };
    let unknown = server.exchange(ask("nobody", "s3cr3t").as_bytes()).await;
    let wrong = server.exchange(ask("app1", "wrong").as_bytes()).await;
    assert_eq!(without_date(&unknown), without_date(&wrong));
    let text = without_date(&wrong);
    assert!(text.starts_with("HTTP/1.1 401 Unauthorized\r\n"), "{text}");
    let challenge_line = format!("www-authenticate: {}\r\n", challenge::BASIC_INVALID_CLIENT);
    assert!(text.contains(&challenge_line), "{text}");
    assert!(text.ends_with(&error_body("invalid_client", desc::AUTH_FAILED)));
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn declared_length_over_the_limit_is_refused_before_the_body_is_sent() {
    let store = store();
    let server = serve(default_app(&store).0).await;
    let head = format!("{REVOKE_HEAD}Content-Length: 1000000\r\n\r\n");
    let response = server.exchange(head.as_bytes()).await;
    let text = without_date(&response);
    assert!(
        text.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{text}"
    );
    assert!(text.ends_with(&error_body("invalid_request", desc::TOO_LARGE)));
}

#[tokio::test]
async fn endless_chunked_body_is_refused_once_past_the_limit() {
    let store = store();
    let server = serve(default_app(&store).0).await;
    let mut stream = server.connect().await;
    let head = format!(
        "{REVOKE_HEAD}Authorization: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        basic("app1", "s3cr3t")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"A\r\ntoken=AT1&\r\n").await.unwrap();
    let chunk = format!("3E8\r\n{}\r\n", "a".repeat(1000));
    for _ in 0..20 {
        stream.write_all(chunk.as_bytes()).await.unwrap();
    }
    // No last chunk: the body never ends.
    let response = read_response(&mut stream).await;
    let text = without_date(&response);
    assert!(
        text.starts_with("HTTP/1.1 413 Payload Too Large\r\n"),
        "{text}"
    );
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn store_failure_over_http_is_503_with_retry_after() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore));
    let server = serve(app).await;
    let reply = server
        .send(revoke("token=AT1").basic("app1", "s3cr3t"))
        .await;
    reply.assert_error(
        503,
        "temporarily_unavailable",
        desc::UNAVAILABLE,
        &[("retry-after", "5")],
    );
}

#[tokio::test]
async fn passthrough_over_http_reaches_the_app_unchanged() {
    let store = store();
    let (app, inner) = default_app(&store);
    let server = serve(app).await;
    let sent = form("/revoke/x?token=AT1", "token=AT1&token=AT1")
        .header("x-custom", "one")
        .header("x-custom", "two");
    server.send(sent.clone()).await.assert_from_inner();
    let [seen] = &inner.seen()[..] else {
        panic!("one request expected: {:?}", inner.seen());
    };
    let expected = sent.seen();
    assert_eq!(
        (&seen.method, &seen.uri, &seen.body),
        (&expected.method, &expected.uri, &expected.body)
    );
    for (name, value) in &expected.headers {
        assert!(
            seen.headers.get_all(name).iter().any(|v| v == value),
            "{name}: {value:?}"
        );
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn whole_router_wrapped_by_the_layer_serves_the_endpoint_over_http() {
    let store = store();
    let inner = Inner::default();
    let service = RevocationEndpointLayer::new(store.clone()).layer(inner.router());
    let server = serve(service).await;
    let reply = server
        .send(revoke("token=RT1").basic("app1", "s3cr3t"))
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("RT1") && !store.is_active("AT1"));
    let home = server.send(request(Method::GET, "/")).await;
    assert_eq!(&home.body[..], b"home");
}

#[tokio::test]
async fn revoked_access_token_stops_working_over_http() {
    let store = store();
    let app = axum::Router::new()
        .route(
            "/me",
            axum::routing::get(|| async { "me" }).layer(BearerAuthLayer::new(store.clone())),
        )
        .layer(RevocationEndpointLayer::new(store.clone()));
    let server = serve(app).await;
    let me = || request(Method::GET, "/me").header("authorization", "Bearer AT1");
    assert_eq!(&server.send(me()).await.body[..], b"me");
    server
        .send(revoke("token=AT1").basic("app1", "s3cr3t"))
        .await
        .assert_revoked();
    let reply = server.send(me()).await;
    reply.assert_error(
        401,
        "invalid_token",
        desc::BEARER_INVALID,
        &[("www-authenticate", challenge::BEARER_INVALID_TOKEN)],
    );
}
