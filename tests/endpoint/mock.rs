//! What `oneshot` cannot show, with `tower-test`'s mock inner service and
//! `tokio-test`'s hand-polled futures: a revocation request never reaches
//! `inner`, other requests reach it unchanged, readiness is `inner`'s, and
//! the response future waits for exactly what it needs.

use crate::fixture::{as_app1, revoke, store, Seen};
use crate::support::bodies::ChannelBody;
use crate::support::reply::Reply;
use crate::support::request::{get, Req};
use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use tokio_test::{assert_pending, assert_ready, assert_ready_err, assert_ready_ok, task};
use tower::Service;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};
use tower_test::mock::{self, Handle, Spawn};

type Inner<B> = mock::Mock<Request<B>, Response<Full<Bytes>>>;
type Endpoint<B> = tower_revoke::revocation::RevocationEndpoint<Inner<B>, MemoryStore>;
type InnerHandle<B> = Handle<Request<B>, Response<Full<Bytes>>>;

/// The endpoint in front of a mock, and the mock's handle.
fn spawn<B>(store: &MemoryStore) -> (Spawn<Endpoint<B>>, InnerHandle<B>) {
    mock::spawn_layer(RevocationEndpointLayer::new(store.clone()))
}

/// [`spawn`], with the mock ready for one request.
fn spawn_ready<B>(store: &MemoryStore) -> (Spawn<Endpoint<B>>, InnerHandle<B>)
where
    Endpoint<B>: Service<Request<B>, Error: std::fmt::Debug>,
{
    let (mut service, mut handle) = spawn(store);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    (service, handle)
}

/// `req` with its body as a `String`, the body type of the mock.
fn with_text(req: &Req) -> Request<String> {
    req.buffered()
        .map(|body| String::from_utf8(body.to_vec()).unwrap())
}

/// An empty form request to `/revoke` with method `GET`.
fn get_revoke() -> Request<String> {
    let mut get = with_text(&revoke(""));
    *get.method_mut() = Method::GET;
    get
}

fn inner_response() -> Response<Full<Bytes>> {
    Response::builder()
        .status(StatusCode::IM_A_TEAPOT)
        .header("x-inner", "mock")
        .body(Full::from("from the mock"))
        .unwrap()
}

#[tokio::test]
async fn revocation_request_never_reaches_inner() {
    let store = store();
    let (mut service, mut handle) = spawn_ready::<String>(&store);
    let response = service.call(with_text(&as_app1("token=AT1"))).await;
    Reply::read(Method::POST, response.unwrap())
        .await
        .assert_revoked();
    assert!(!store.is_active("AT1"));
    assert_pending!(handle.poll_request());
}

#[tokio::test]
async fn refused_revocation_requests_never_reach_inner() {
    let store = store();
    let (mut service, mut handle) = spawn::<String>(&store);
    let refused = [
        as_app1("token=AT1&token=AT1"),
        revoke("token=AT1").basic("app1", "wrong"),
        revoke("token=AT1"),
    ];
    for request in refused {
        handle.allow(1);
        assert_ready_ok!(service.poll_ready());
        let response = service.call(with_text(&request)).await.unwrap();
        assert!(response.status().is_client_error());
    }
    let response = service.call(get_revoke()).await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_pending!(handle.poll_request());
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn other_requests_reach_inner_unchanged() {
    let store = store();
    let (mut service, mut handle) = spawn_ready::<String>(&store);
    let sent = as_app1("token=AT1")
        .header("x-trace", "1")
        .header("x-trace", "2");
    let mut request = with_text(&sent);
    *request.uri_mut() = "/revoke/x?token=AT1".parse().unwrap();
    let future = service.call(request);

    let (received, send_response) = handle.next_request().await.unwrap();
    assert_eq!(received.method(), Method::POST);
    assert_eq!(received.uri(), "/revoke/x?token=AT1");
    assert_eq!(received.headers(), &Seen::of(&sent).headers);
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
    let (mut service, mut handle) = spawn_ready::<String>(&store);
    let mut future = task::spawn(service.call(with_text(&get("/other"))));
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
    let (mut service, _handle) = spawn_ready::<String>(&store);
    let mut future = task::spawn(service.call(get_revoke()));
    let response = assert_ready_ok!(future.poll());
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn revocation_waits_for_the_whole_body() {
    let store = store();
    let (mut service, _handle) = spawn_ready::<ChannelBody>(&store);
    let (sender, body) = ChannelBody::new();
    let request = as_app1("").with_body(body);
    let mut future = task::spawn(service.call(request));
    assert_pending!(future.poll(), "no body yet");

    sender.send(Ok(Bytes::from_static(b"token=AT"))).unwrap();
    assert!(future.is_woken());
    assert_pending!(future.poll(), "the body has not ended");
    assert!(store.is_active("AT1"));

    sender.send(Ok(Bytes::from_static(b"1"))).unwrap();
    drop(sender);
    assert!(future.is_woken());
    let response = assert_ready!(future.poll()).unwrap();
    Reply::read(Method::POST, response).await.assert_revoked();
    assert!(!store.is_active("AT1"), "the token is the whole `AT1`");
    assert!(store.is_active("AT2"));
}
