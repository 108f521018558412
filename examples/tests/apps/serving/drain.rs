//! Graceful shutdown of the serving loop (issue 20): once its `shutdown`
//! future resolves it accepts nothing more, lets the requests in flight
//! finish, ends HTTP/2 connections with `GOAWAY`, and reports the
//! connections it had to cut past `shutdown_grace`.

use super::{limits, router};
use axum::body::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Empty};
use hyper::client::conn::http2::SendRequest;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower_revoke_examples::serve::{self, Drained, Limits};

/// Serves the test router within `limits` until the returned sender fires;
/// the task's output is how the drain ended.
async fn start(limits: Limits) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<Drained>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async {
        let _ = stopped.await;
    };
    let served = tokio::spawn(serve::serve(listener, router(), limits, shutdown));
    (addr, stop, served)
}

/// An HTTP/2 (h2c) connection to `addr`, and a `GET /slow` sent on it:
/// the sender, the connection's task (it ends when the server ends the
/// connection) and the request in flight.
async fn slow_request_over_http2(
    addr: SocketAddr,
) -> (
    SendRequest<Empty<Bytes>>,
    JoinHandle<hyper::Result<()>>,
    JoinHandle<hyper::Result<http::Response<hyper::body::Incoming>>>,
) {
    let (mut sender, connection) = super::http2(addr).await;
    let request = Request::get(format!("http://{addr}/slow"))
        .body(Empty::new())
        .unwrap();
    let in_flight = sender.send_request(request);
    let in_flight = tokio::spawn(in_flight);
    // Frames arrive in order: once the server answers a request sent after
    // it, it has read the slow request's headers and is serving it.
    let probe = Request::get(format!("http://{addr}/"))
        .body(Empty::new())
        .unwrap();
    let probe = sender.send_request(probe).await.unwrap();
    assert_eq!(probe.status(), StatusCode::OK);
    (sender, connection, in_flight)
}

#[tokio::test]
async fn a_drain_finishes_the_request_in_flight_and_ends_http2_with_goaway() {
    let (addr, stop, served) = start(limits()).await;
    let (mut sender, connection, in_flight) = slow_request_over_http2(addr).await;
    stop.send(()).unwrap();

    let response = in_flight
        .await
        .unwrap()
        .expect("the request in flight is answered");
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"slow");
    let ended = tokio::time::timeout(Duration::from_secs(10), connection).await;
    ended
        .expect("the server ends the connection")
        .unwrap()
        .unwrap();
    let after = Request::get(format!("http://{addr}/"))
        .body(Empty::new())
        .unwrap();
    assert!(
        sender.send_request(after).await.is_err(),
        "GOAWAY: no new stream"
    );
    let drained = tokio::time::timeout(Duration::from_secs(10), served).await;
    assert_eq!(drained.expect("serve returns").unwrap(), Drained { cut: 0 });
    assert!(
        TcpStream::connect(addr).await.is_err(),
        "the listener is closed"
    );
}

#[tokio::test]
async fn a_request_outliving_the_grace_is_cut_and_counted() {
    // `/slow` takes 1.35 s; the grace is shorter.
    let limits = Limits {
        shutdown_grace: Duration::from_millis(300),
        ..limits()
    };
    let (addr, stop, served) = start(limits).await;
    let (_sender, _connection, in_flight) = slow_request_over_http2(addr).await;
    stop.send(()).unwrap();
    let drained = tokio::time::timeout(Duration::from_secs(10), served).await;
    assert_eq!(drained.expect("serve returns").unwrap(), Drained { cut: 1 });
    let cut = in_flight.await.unwrap();
    assert!(cut.is_err(), "a cut request gets no answer: {cut:?}");
}

#[tokio::test]
async fn an_idle_server_drains_at_once() {
    let (addr, stop, served) = start(limits()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    super::get_ok(&mut stream).await;
    stop.send(()).unwrap();
    let drained = tokio::time::timeout(Duration::from_secs(5), served).await;
    assert_eq!(drained.expect("serve returns").unwrap(), Drained { cut: 0 });
}
