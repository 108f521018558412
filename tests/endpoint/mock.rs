//! What `oneshot` cannot show, with `tower-test`'s mock inner service and
//! `tokio-test`'s hand-polled futures: a revocation request never reaches
//! `inner`, other requests reach it unchanged, readiness is `inner`'s, and
//! the response future waits for exactly what it needs.

use crate::bodies::ChannelBody;
use crate::support::{revoke, store, Reply, Req};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use tokio_test::{assert_pending, assert_ready, assert_ready_err, assert_ready_ok, task};
use tower_revoke::{MemoryStore, RevocationEndpointLayer};
use tower_test::mock::{self, Handle, Spawn};

type Inner<B> = mock::Mock<Request<B>, Response<String>>;
type Endpoint<B> = tower_revoke::RevocationEndpoint<Inner<B>, MemoryStore>;
type InnerHandle<B> = Handle<Request<B>, Response<String>>;

/// The endpoint in front of a mock, and the mock's handle.
fn spawn<B>(store: &MemoryStore) -> (Spawn<Endpoint<B>>, InnerHandle<B>) {
    mock::spawn_layer(RevocationEndpointLayer::new(store.clone()))
}

/// `req` with its body as a `String`, the body type of the mock.
fn with_text(req: Req, body: &str) -> Request<String> {
    req.with_body(body.to_owned())
}

fn inner_response() -> Response<String> {
    Response::builder()
        .status(StatusCode::IM_A_TEAPOT)
        .header("x-inner", "mock")
        .body("from the mock".to_owned())
        .unwrap()
}

#[tokio::test]
async fn revocation_request_never_reaches_inner() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let request = with_text(revoke("").basic("app1", "s3cr3t"), "token=AT1");
    let response = service.call(request).await.unwrap();
    Reply::read(Method::POST, response).await.assert_revoked();
    assert!(!store.is_active("AT1"));
    assert_pending!(handle.poll_request());
}

#[tokio::test]
async fn refused_revocation_requests_never_reach_inner() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    let refused = [
        with_text(revoke("").basic("app1", "s3cr3t"), "token=AT1&token=AT1"),
        with_text(revoke("").basic("app1", "wrong"), "token=AT1"),
        with_text(revoke(""), "token=AT1"),
    ];
    for request in refused {
        handle.allow(1);
        assert_ready_ok!(service.poll_ready());
        let response = service.call(request).await.unwrap();
        assert!(response.status().is_client_error());
    }
    let mut get = with_text(revoke(""), "");
    *get.method_mut() = Method::GET;
    let response = service.call(get).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_pending!(handle.poll_request());
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn other_requests_reach_inner_unchanged() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let sent = revoke("")
        .basic("app1", "s3cr3t")
        .header("x-trace", "1")
        .header("x-trace", "2");
    let mut request = with_text(sent.clone(), "token=AT1");
    *request.uri_mut() = "/revoke/x?token=AT1".parse().unwrap();
    let future = service.call(request);

    let (received, send_response) = handle.next_request().await.unwrap();
    assert_eq!(received.method(), Method::POST);
    assert_eq!(received.uri(), "/revoke/x?token=AT1");
    assert_eq!(received.headers(), &sent.seen().headers);
    assert_eq!(received.body(), "token=AT1");
    send_response.send_response(inner_response());

    let reply = Reply::read(Method::POST, future.await.unwrap()).await;
    reply.assert(418, b"from the mock", &[("x-inner", "mock")]);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn poll_ready_follows_inner_readiness() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.allow(0);
    assert_pending!(service.poll_ready());
    handle.allow(1);
    assert!(service.is_woken());
    assert_ready_ok!(service.poll_ready());
}

#[tokio::test]
async fn poll_ready_passes_on_inner_errors() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.send_error("inner is closed");
    let error = assert_ready_err!(service.poll_ready());
    assert_eq!(error.to_string(), "inner is closed");
}

#[tokio::test]
async fn passthrough_response_waits_for_inner() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let mut future = task::spawn(service.call(with_text(
        crate::support::request(Method::GET, "/other"),
        "",
    )));
    assert_pending!(future.poll());

    let (_, send_response) = handle.next_request().await.unwrap();
    assert_pending!(future.poll(), "the inner response is not sent yet");
    send_response.send_response(inner_response());
    assert!(future.is_woken());
    let response = assert_ready_ok!(future.poll());
    assert_eq!(response.status(), StatusCode::IM_A_TEAPOT);
}

#[tokio::test]
async fn refusal_from_the_request_head_is_ready_on_first_poll() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let mut get = with_text(revoke(""), "");
    *get.method_mut() = Method::GET;
    let mut future = task::spawn(service.call(get));
    let response = assert_ready_ok!(future.poll());
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn revocation_waits_for_the_whole_body() {
    let store = store();
    let (mut service, mut handle) = spawn::<ChannelBody>(&store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let (sender, body) = ChannelBody::new();
    let request = revoke("").basic("app1", "s3cr3t").with_body(body);
    let mut future = task::spawn(service.call(request));
    assert_pending!(future.poll(), "no body yet");

    sender.send(Bytes::from_static(b"token=AT")).unwrap();
    assert!(future.is_woken());
    assert_pending!(future.poll(), "the body has not ended");
    assert!(store.is_active("AT1"));

    sender.send(Bytes::from_static(b"1")).unwrap();
    drop(sender);
    assert!(future.is_woken());
    let response = assert_ready!(future.poll()).unwrap();
    Reply::read(Method::POST, response).await.assert_revoked();
    assert!(!store.is_active("AT1"), "the token is the whole `AT1`");
    assert!(store.is_active("AT2"));
}
