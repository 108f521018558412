//! The examples' serving loop (`examples/common/serve.rs`, included here as
//! it is) over real sockets on 127.0.0.1: each way of stalling a connection
//! is closed within its bound, ordinary requests still work over HTTP/1.1
//! and HTTP/2, the connection cap holds, and accept errors back off.
//!
//! Bounds are short (0.6–2 s) so the suite is quick. Each close is asserted
//! to come no sooner than its bound, measured from before the client's last
//! action, and within a generous ceiling (bound + 3 s), so that a loaded
//! machine delays a close without failing the test.

mod accept;
mod drain;

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::Router;
use http::{Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower_revoke_examples::serve::{self, Limits};

const HEADER: Duration = Duration::from_millis(600);
const IDLE: Duration = Duration::from_millis(900);
const REQUEST: Duration = Duration::from_secs(2);
/// How late past its bound a close may come on a loaded machine.
const CEILING: Duration = Duration::from_secs(3);

/// Short bounds, each distinct, so a test can tell which one closed it.
fn limits() -> Limits {
    Limits {
        header_read_timeout: HEADER,
        idle_timeout: IDLE,
        request_timeout: REQUEST,
        max_connections: 64,
        ..Limits::default()
    }
}

/// `GET /` answers `ok`; `POST /echo` reads the body whole and echoes it;
/// `GET /slow` answers after 1.5 × `IDLE`, under `REQUEST`.
fn router() -> Router {
    Router::new()
        .route("/", get(|| async { "ok" }))
        .route("/echo", post(|body: Bytes| async move { body }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(IDLE * 3 / 2).await;
                "slow"
            }),
        )
}

/// Serves `service` within `limits` on a fresh loopback port.
async fn start<S, B>(service: S, limits: Limits) -> SocketAddr
where
    S: tower::Service<Request<hyper::body::Incoming>, Response = Response<B>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(serve::serve(
        listener,
        service,
        limits,
        std::future::pending(),
    ));
    addr
}

/// An HTTP/2 connection with prior knowledge (h2c) to `addr`: its sender,
/// and its task, which ends when the server ends the connection.
async fn http2(
    addr: SocketAddr,
) -> (
    hyper::client::conn::http2::SendRequest<Empty<Bytes>>,
    tokio::task::JoinHandle<hyper::Result<()>>,
) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (sender, connection) =
        hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(stream))
            .await
            .unwrap();
    (sender, tokio::spawn(connection))
}

/// Reads until the server closes the connection (EOF or reset), at most
/// `bound` + `CEILING` after `started`, and returns the time since
/// `started` with whatever the server sent.
async fn closed_after(
    stream: &mut TcpStream,
    started: Instant,
    bound: Duration,
) -> (Duration, String) {
    let mut answer = Vec::new();
    let mut buf = [0; 1024];
    let deadline = started + bound + CEILING;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buf)).await {
            Err(_) => panic!(
                "still open {:?} after the client's last action; read {:?}",
                started.elapsed(),
                String::from_utf8_lossy(&answer)
            ),
            Ok(Ok(0) | Err(_)) => break,
            Ok(Ok(n)) => answer.extend_from_slice(&buf[..n]),
        }
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

/// Asserts that a close `waited` after the client's last action honoured
/// `bound`: not sooner (timers never fire early), and not much later.
fn assert_closed_at(waited: Duration, bound: Duration) {
    assert!(
        waited >= bound,
        "closed after {waited:?}, before its bound {bound:?}"
    );
    assert!(
        waited < bound + CEILING,
        "closed after {waited:?}, bound {bound:?}"
    );
}

/// Sends a keep-alive `GET /` and reads its `ok` answer, leaving the
/// connection open.
async fn get_ok(stream: &mut TcpStream) {
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0; 1024];
    while !answer.ends_with(b"\r\n\r\nok") {
        let n = tokio::time::timeout(CEILING, stream.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        assert!(n > 0, "closed: {:?}", String::from_utf8_lossy(&answer));
        answer.extend_from_slice(&buf[..n]);
    }
    assert!(answer.starts_with(b"HTTP/1.1 200 OK\r\n"));
}

#[tokio::test]
async fn request_is_answered_over_http1_and_http2() {
    let addr = start(router(), limits()).await;

    let mut stream = TcpStream::connect(addr).await.unwrap();
    get_ok(&mut stream).await;
    // The same connection serves a second request: keep-alive works.
    let body = "token=AT1";
    let request = format!(
        "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = vec![0; 1024];
    let n = stream.read(&mut answer).await.unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\ntoken=AT1"), "{answer}");

    // HTTP/2 with prior knowledge (h2c).
    let (mut sender, _connection) = http2(addr).await;
    let request = Request::get(format!("http://{addr}/"))
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.version(), http::Version::HTTP_2);
    assert_eq!(response.status(), StatusCode::OK);
    let body = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(body, "ok");
}

#[tokio::test]
async fn tower_service_is_answered() {
    // A plain tower service, as `examples/hyper.rs` serves, not a Router.
    let service = tower::service_fn(|request: Request<hyper::body::Incoming>| async move {
        let body = format!("{} {}", request.method(), request.uri().path());
        Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(body))))
    });
    let addr = start(service, limits()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let (_, answer) = closed_after(&mut stream, Instant::now(), Duration::ZERO).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nGET /x"), "{answer}");
}

#[tokio::test]
async fn silent_connection_is_closed_after_header_read_timeout() {
    let addr = start(router(), limits()).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let (waited, answer) = closed_after(&mut stream, started, HEADER).await;
    assert_closed_at(waited, HEADER);
    assert_eq!(answer, "");
}

#[tokio::test]
async fn half_request_line_is_closed_after_header_read_timeout() {
    let addr = start(router(), limits()).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"POST /oauth/re").await.unwrap();
    let (waited, answer) = closed_after(&mut stream, started, HEADER).await;
    assert_closed_at(waited, HEADER);
    // hyper may say 408 before it closes.
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer:?}"
    );
}

#[tokio::test]
async fn partial_http2_preface_is_closed_after_header_read_timeout() {
    // hyper-util reads this while it tells HTTP/2 from HTTP/1.1, before
    // any hyper timer runs.
    let addr = start(router(), limits()).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(b"PRI * HTTP/2.0\r\n").await.unwrap();
    let (waited, answer) = closed_after(&mut stream, started, HEADER).await;
    assert_closed_at(waited, HEADER);
    assert_eq!(answer, "");
}

#[tokio::test]
async fn head_dripped_a_byte_at_a_time_is_closed_after_header_read_timeout() {
    let addr = start(router(), limits()).await;
    let started = Instant::now();
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // One byte every 50 ms: the connection is never silent for long, but
    // its head never ends.
    let drip = tokio::spawn(async move {
        let head = b"GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ";
        for &byte in head.iter().chain(std::iter::repeat(&b'a')) {
            if write.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let mut answer = Vec::new();
    let read_to_close = read.read_to_end(&mut answer);
    let closed = tokio::time::timeout(HEADER + CEILING, read_to_close).await;
    let waited = started.elapsed();
    drip.abort();
    assert!(closed.is_ok(), "still open after {waited:?}");
    assert_closed_at(waited, HEADER);
}

#[tokio::test]
async fn stalled_body_is_answered_408_after_request_timeout() {
    let addr = start(router(), limits()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\ntoken=AT1")
        .await
        .unwrap();
    let (waited, answer) = closed_after(&mut stream, started, REQUEST).await;
    assert_closed_at(waited, REQUEST);
    assert!(
        answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{answer}"
    );
}

#[tokio::test]
async fn request_in_flight_outlives_idle_timeout() {
    let addr = start(router(), limits()).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    get_ok(&mut stream).await;
    // `/slow` takes longer than `IDLE`: a connection is idle only with no
    // request in flight.
    stream
        .write_all(b"GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = vec![0; 1024];
    let n = tokio::time::timeout(REQUEST + CEILING, stream.read(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nslow"), "{answer}");
}

#[tokio::test]
async fn idle_http1_keep_alive_is_closed_after_idle_timeout() {
    // A header read timeout far above `IDLE`: the idle timer, not hyper's
    // header timer, closes the connection.
    let limits = Limits {
        header_read_timeout: IDLE + CEILING + CEILING,
        ..limits()
    };
    let addr = start(router(), limits).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    get_ok(&mut stream).await;
    let (waited, answer) = closed_after(&mut stream, started, IDLE).await;
    assert_closed_at(waited, IDLE);
    assert_eq!(answer, "");
}

#[tokio::test]
async fn idle_http1_keep_alive_is_closed_after_header_read_timeout() {
    // The wait for the next HTTP/1.1 head is bounded by the header read
    // timeout, so an idle HTTP/1.1 connection is closed after `HEADER` even
    // with a far longer idle timer.
    let limits = Limits {
        idle_timeout: HEADER + CEILING + CEILING,
        ..limits()
    };
    let addr = start(router(), limits).await;
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let started = Instant::now();
    get_ok(&mut stream).await;
    let (waited, _) = closed_after(&mut stream, started, HEADER).await;
    assert_closed_at(waited, HEADER);
}

#[tokio::test]
async fn idle_http2_connection_is_closed_after_idle_timeout() {
    let addr = start(router(), limits()).await;
    let (mut sender, connection) = http2(addr).await;
    let started = Instant::now();
    let request = Request::get(format!("http://{addr}/"))
        .body(Empty::<Bytes>::new())
        .unwrap();
    let response = sender.send_request(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.into_body().collect().await.unwrap();
    // The client keeps `sender`: only the server can end the connection.
    let ended = tokio::time::timeout(IDLE + CEILING, connection).await;
    let waited = started.elapsed();
    assert!(ended.is_ok(), "still open after {waited:?}");
    assert_closed_at(waited, IDLE);
    assert!(sender.is_closed());
}

#[tokio::test]
async fn connection_past_the_cap_waits_until_one_closes() {
    // Long timeouts: only the cap is at work here.
    let limits = Limits {
        max_connections: 2,
        header_read_timeout: Duration::from_secs(60),
        idle_timeout: Duration::from_secs(60),
        ..limits()
    };
    let addr = start(router(), limits).await;
    let mut first = TcpStream::connect(addr).await.unwrap();
    let mut second = TcpStream::connect(addr).await.unwrap();
    get_ok(&mut first).await;
    get_ok(&mut second).await;

    // The kernel completes the third handshake, but the server does not
    // accept it while two connections are open.
    let mut third = TcpStream::connect(addr).await.unwrap();
    third
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut answer = vec![0; 1024];
    let waiting = tokio::time::timeout(Duration::from_millis(500), third.read(&mut answer)).await;
    assert!(waiting.is_err(), "served past the cap: {waiting:?}");

    drop(first);
    let n = tokio::time::timeout(CEILING, third.read(&mut answer))
        .await
        .expect("served once a slot is free")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]);
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\nok"), "{answer}");
}
