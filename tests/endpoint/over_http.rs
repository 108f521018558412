//! The same behaviours over real HTTP/1.1: a hyper 1 server from
//! hyper-util, reached with hyper-util's client or raw bytes on a socket.

use crate::fixture::{app, as_app1, assert_from_inner, default_app, store, Inner, Seen};
use crate::support::failing::FailingStore;
use crate::support::request::{basic, form, get};
use crate::support::wire::{axum_serve, read_response, serve, without_date, Server};
use crate::support::{challenge, desc, error_body};
use tokio::io::AsyncWriteExt;
use tower::Layer;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

const REVOKE_HEAD: &str = "POST /revoke HTTP/1.1\r\nHost: localhost\r\n\
    Content-Type: application/x-www-form-urlencoded\r\n";

/// A fresh store, and the default app in front of it served on loopback.
async fn default_server() -> (MemoryStore, Server, Inner) {
    let (store, app, inner) = default_app();
    (store, serve(app).await, inner)
}

/// Asserts that `response` starts with `status_line` and ends with the
/// JSON error body for `code` and `description`.
#[track_caller]
fn assert_wire_error(response: &[u8], status_line: &str, code: &str, description: &str) {
    let text = without_date(response);
    assert!(text.starts_with(status_line), "{text}");
    assert!(text.ends_with(&error_body(code, description)), "{text}");
}

#[tokio::test]
async fn revocation_over_http_revokes_the_token() {
    let (store, server, inner) = default_server().await;
    let reply = server.send(as_app1("token=AT1")).await;
    reply.assert_revoked();
    assert!(reply.headers.contains_key("date"), "sent by hyper");
    assert!(!store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn a_router_wrapped_whole_serves_with_axum_serve() {
    let (store, inner) = (store(), Inner::default());
    let app = RevocationEndpointLayer::new(store.clone()).layer(inner.router());
    let server = axum_serve(app).await;
    server.send(as_app1("token=AT1")).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    assert_from_inner(&server.send(get("/elsewhere")).await);
    assert_eq!(inner.seen().len(), 1);
}

#[tokio::test]
async fn method_not_allowed_over_http_has_allow_post() {
    let (_, server, _) = default_server().await;
    let reply = server.send(get("/revoke?callback=cb")).await;
    reply.assert_method_not_allowed();
}

#[tokio::test]
async fn unknown_client_and_wrong_secret_are_byte_identical_on_the_wire() {
    let (store, server, _) = default_server().await;
    let ask = |id_secret: &str| {
        let authorization = basic(id_secret);
        format!("{REVOKE_HEAD}Authorization: {authorization}\r\nContent-Length: 9\r\n\r\ntoken=AT1")
    };
    let unknown = server.exchange(ask("nobody:s3cr3t").as_bytes()).await;
    let wrong = server.exchange(ask("app1:wrong").as_bytes()).await;
    assert_eq!(without_date(&unknown), without_date(&wrong));
    let status_line = "HTTP/1.1 401 Unauthorized\r\n";
    assert_wire_error(&wrong, status_line, "invalid_client", desc::AUTH_FAILED);
    let challenge_line = format!("www-authenticate: {}\r\n", challenge::BASIC_INVALID_CLIENT);
    assert!(without_date(&wrong).contains(&challenge_line));
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn declared_length_over_the_limit_is_refused_before_the_body_is_sent() {
    let (_, server, _) = default_server().await;
    let head = format!("{REVOKE_HEAD}Content-Length: 1000000\r\n\r\n");
    let response = server.exchange(head.as_bytes()).await;
    let status_line = "HTTP/1.1 413 Payload Too Large\r\n";
    assert_wire_error(&response, status_line, "invalid_request", desc::TOO_LARGE);
}

#[tokio::test]
async fn endless_chunked_body_is_refused_once_past_the_limit() {
    let (store, server, _) = default_server().await;
    let mut stream = server.connect().await;
    let head = format!(
        "{REVOKE_HEAD}Authorization: {}\r\nTransfer-Encoding: chunked\r\n\r\n",
        basic("app1:s3cr3t")
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(b"A\r\ntoken=AT1&\r\n").await.unwrap();
    let chunk = format!("3E8\r\n{}\r\n", "a".repeat(1000));
    for _ in 0..20 {
        stream.write_all(chunk.as_bytes()).await.unwrap();
    }
    // No last chunk: the body never ends.
    let response = read_response(&mut stream).await;
    let status_line = "HTTP/1.1 413 Payload Too Large\r\n";
    assert_wire_error(&response, status_line, "invalid_request", desc::TOO_LARGE);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn store_failure_over_http_is_503_with_retry_after() {
    let (app, _) = app(RevocationEndpointLayer::new(FailingStore::DOWN));
    let server = serve(app).await;
    let reply = server.send(as_app1("token=AT1")).await;
    reply.assert_unavailable("5");
}

#[tokio::test]
async fn passthrough_over_http_reaches_the_app_unchanged() {
    let (store, server, inner) = default_server().await;
    let sent = form("/revoke/x?token=AT1", "token=AT1&token=AT1")
        .header("x-custom", "one")
        .header("x-custom", "two");
    assert_from_inner(&server.send(sent.clone()).await);
    let [seen] = &inner.seen()[..] else {
        panic!("one request expected: {:?}", inner.seen());
    };
    let expected = Seen::of(&sent);
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
    server.send(as_app1("token=RT1")).await.assert_revoked();
    assert!(!store.is_active("RT1") && !store.is_active("AT1"));
    let home = server.send(get("/")).await;
    assert_eq!(&home.body[..], b"home");
}

/// RFC 9110 §9.3.2: no content in a response to HEAD, on HTTP/1.1 (the
/// next response on the connection starts right after the head) and on
/// HTTP/2 with prior knowledge (no DATA, the connection stays usable).
#[tokio::test]
async fn head_gets_no_content_over_http1_and_http2() {
    // A plain tower service behind the layer, no axum: nothing else strips
    // the content of a HEAD response.
    let app = tower::service_fn(|_: http::Request<hyper::body::Incoming>| async {
        Ok::<_, std::convert::Infallible>(http::Response::new(
            http_body_util::Full::<bytes::Bytes>::default(),
        ))
    });
    let server = serve(RevocationEndpointLayer::new(store()).layer(app)).await;
    let mut stream = server.connect().await;
    let head = "HEAD /revoke HTTP/1.1\r\nHost: localhost\r\n\r\n";
    let get = "GET /revoke HTTP/1.1\r\nHost: localhost\r\n\r\n";
    stream
        .write_all(format!("{head}{get}").as_bytes())
        .await
        .unwrap();
    let both = read_until_second_response(&mut stream).await;
    let text = String::from_utf8(both).unwrap();
    let (head_reply, get_reply) = text.split_at(text.find("\r\n\r\n").unwrap() + 4);
    assert!(head_reply.starts_with("HTTP/1.1 405"), "{text}");
    let length = format!("content-length: {}\r\n", desc_json_len(desc::METHOD));
    assert!(head_reply.contains(&length), "{head_reply}");
    assert!(
        get_reply.starts_with("HTTP/1.1 405"),
        "HEAD sent content: {text}"
    );

    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .http2_only(true)
        .build_http::<http_body_util::Full<bytes::Bytes>>();
    let uri: http::Uri = format!("http://{}/revoke", server.addr).parse().unwrap();
    for _ in 0..2 {
        let request = http::Request::head(uri.clone())
            .body(Default::default())
            .unwrap();
        let response = client.request(request).await.unwrap();
        assert_eq!(response.version(), http::Version::HTTP_2);
        assert_eq!(response.status(), 405);
        let body = http_body_util::BodyExt::collect(response.into_body())
            .await
            .unwrap();
        assert!(body.to_bytes().is_empty());
    }
}

/// The length of the endpoint's JSON error with `description`.
fn desc_json_len(description: &str) -> usize {
    error_body("invalid_request", description).len()
}

/// Reads until a second status line has arrived with its head.
async fn read_until_second_response(stream: &mut tokio::net::TcpStream) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let mut buffer = Vec::new();
    while String::from_utf8_lossy(&buffer).matches("\r\n\r\n").count() < 2 {
        let mut chunk = [0; 4096];
        let read = tokio::time::timeout(std::time::Duration::from_secs(5), stream.read(&mut chunk))
            .await
            .expect("responses in time")
            .unwrap();
        assert!(read > 0, "closed: {:?}", String::from_utf8_lossy(&buffer));
        buffer.extend_from_slice(&chunk[..read]);
    }
    buffer
}
