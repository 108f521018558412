//! Slow and endless request bodies.
//!
//! The endpoint bounds how much of a body it reads (`max_body_size`, 413),
//! but not how long it waits for it: a client that sends its body slowly,
//! or never finishes it, holds the request open. The application bounds
//! time in front of the layer, with `tower::timeout::TimeoutLayer` (the
//! whole request, body included) and hyper's `header_read_timeout` (the
//! request head). These tests show both, and that the endpoint never
//! buffers, or even polls, past `max_body_size`.

use axum::error_handling::HandleErrorLayer;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{BoxError, Router};
use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{Request, Response, StatusCode};
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tower::{service_fn, ServiceBuilder, ServiceExt};
use tower_revoke::request::RequestReader;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

/// `app1:s3cr3t`
const BASIC: &str = "Basic YXBwMTpzM2NyM3Q=";
const FORM: &str = "application/x-www-form-urlencoded";
const LIMIT: usize = 1024;

/// A request body that counts the bytes polled out of it: first `prefix`,
/// then `chunk`-sized frames of filler, `chunks` of them (`None`: without
/// end); `stall` makes it `Pending` for ever once its data is out, like a
/// client that stopped sending.
struct CountingBody {
    prefix: Option<Bytes>,
    chunk: usize,
    chunks: Option<usize>,
    stall: bool,
    hint: SizeHint,
    polled: Arc<AtomicUsize>,
}

impl CountingBody {
    fn new(prefix: &str, chunk: usize, chunks: Option<usize>) -> (Self, Arc<AtomicUsize>) {
        let polled = Arc::new(AtomicUsize::new(0));
        let body = Self {
            prefix: Some(Bytes::copy_from_slice(prefix.as_bytes())),
            chunk,
            chunks,
            stall: false,
            hint: SizeHint::default(),
            polled: Arc::clone(&polled),
        };
        (body, polled)
    }
}

impl Body for CountingBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let data = if let Some(prefix) = self.prefix.take() {
            prefix
        } else if self.chunks != Some(0) {
            self.chunks = self.chunks.map(|n| n - 1);
            // Filler that keeps the form valid: `&x=xxxx...`.
            let mut filler = vec![b'x'; self.chunk];
            filler[0] = b'&';
            Bytes::from(filler)
        } else if self.stall {
            return Poll::Pending;
        } else {
            return Poll::Ready(None);
        };
        self.polled.fetch_add(data.len(), Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(data))))
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}

/// A store with `app1` (secret `s3cr3t`) and its access token `AT1`.
fn store() -> MemoryStore {
    MemoryStore::from_seed_json(crate::support::store::SEED).unwrap()
}

/// The endpoint over an inner service that answers 418, which no test
/// expects: a revocation request never reaches it.
fn endpoint(
    store: MemoryStore,
) -> impl tower::Service<Request<CountingBody>, Response = Response<Full<Bytes>>, Error = Infallible>
       + Clone {
    let inner = service_fn(|_: Request<CountingBody>| async {
        let mut response = Response::new(Full::new(Bytes::new()));
        *response.status_mut() = StatusCode::IM_A_TEAPOT;
        Ok::<_, Infallible>(response)
    });
    ServiceBuilder::new()
        .layer(
            RevocationEndpointLayer::new(store)
                .reader(RequestReader::default().max_body_size(LIMIT)),
        )
        .service(inner)
}

fn revoke(body: CountingBody) -> Request<CountingBody> {
    Request::post("/revoke")
        .header(CONTENT_TYPE, FORM)
        .header(AUTHORIZATION, BASIC)
        .body(body)
        .unwrap()
}

#[tokio::test]
async fn endless_body_is_413_after_reading_just_past_the_limit() {
    for chunk in [1, 7, 100, 1000, 4096] {
        let (body, polled) = CountingBody::new("token=AT1", chunk, None);
        let store = store();
        let response = endpoint(store.clone()).oneshot(revoke(body)).await.unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let polled = polled.load(Ordering::SeqCst);
        assert!(
            polled > LIMIT && polled <= LIMIT + chunk,
            "chunk {chunk}: polled {polled} bytes"
        );
        assert!(store.is_active("AT1"));
    }
}

#[tokio::test]
async fn body_announced_larger_than_the_limit_is_413_without_polling() {
    let (mut body, polled) = CountingBody::new("token=AT1", 100, None);
    body.hint = SizeHint::with_exact(10 * 1024 * 1024);
    let response = endpoint(store()).oneshot(revoke(body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(polled.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn body_at_the_limit_is_read_whole_and_answered() {
    // `token=AT1` plus 5 chunks of 203 bytes: exactly 1024 bytes.
    let (body, polled) = CountingBody::new("token=AT1", 203, Some(5));
    let store = store();
    let response = endpoint(store.clone()).oneshot(revoke(body)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(polled.load(Ordering::SeqCst), LIMIT);
    assert!(!store.is_active("AT1"));
}

#[tokio::test(start_paused = true)]
async fn stalled_body_waits_until_a_timeout_layer_ends_it() {
    // Without a timeout, the endpoint waits for the body as long as it takes.
    let (mut body, polled) = CountingBody::new("token=AT1", 10, Some(3));
    body.stall = true;
    let waiting = endpoint(store()).oneshot(revoke(body));
    let an_hour = tokio::time::timeout(Duration::from_secs(3600), waiting).await;
    assert!(an_hour.is_err(), "still waiting after an hour");
    assert_eq!(polled.load(Ordering::SeqCst), 39);

    // `TimeoutLayer` in front bounds the whole request, body included.
    let (mut body, _) = CountingBody::new("token=AT1", 10, Some(3));
    body.stall = true;
    let store = store();
    let bounded = ServiceBuilder::new()
        .timeout(Duration::from_secs(10))
        .service(endpoint(store.clone()));
    let started = tokio::time::Instant::now();
    let error = bounded.oneshot(revoke(body)).await.unwrap_err();
    assert!(error.is::<tower::timeout::error::Elapsed>(), "{error}");
    assert_eq!(started.elapsed(), Duration::from_secs(10));
    assert!(store.is_active("AT1"));
}

mod over_hyper {
    //! The same bounds on a real hyper server on 127.0.0.1: a client that
    //! stalls in the head, and one that stalls in the body.

    use super::*;
    use hyper::server::conn::http1;
    use hyper_util::rt::{TokioIo, TokioTimer};
    use hyper_util::service::TowerToHyperService;
    use std::net::SocketAddr;
    use std::time::Instant;

    const HEAD_TIMEOUT: Duration = Duration::from_millis(300);
    const REQUEST_TIMEOUT: Duration = Duration::from_millis(500);

    /// What the application answers when the request took too long.
    async fn request_timeout(_: BoxError) -> axum::response::Response {
        StatusCode::REQUEST_TIMEOUT.into_response()
    }

    /// The app with the endpoint, a request timeout in front of it, served
    /// by hyper with a header read timeout.
    async fn serve(store: MemoryStore) -> SocketAddr {
        let app = Router::new()
            .route("/", get(|| async { "app" }))
            .layer(
                RevocationEndpointLayer::new(store)
                    .reader(RequestReader::default().max_body_size(LIMIT)),
            )
            .layer(
                ServiceBuilder::new()
                    .layer(HandleErrorLayer::new(request_timeout))
                    .timeout(REQUEST_TIMEOUT),
            );
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                let service = TowerToHyperService::new(app.clone());
                tokio::spawn(
                    http1::Builder::new()
                        .timer(TokioTimer::new())
                        .header_read_timeout(HEAD_TIMEOUT)
                        .serve_connection(TokioIo::new(stream), service),
                );
            }
        });
        addr
    }

    /// Reads until the server closes the connection (at most 5 s).
    async fn read_to_close(stream: &mut TcpStream) -> String {
        let mut answer = Vec::new();
        tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer))
            .await
            .expect("the server closed the connection")
            .unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }

    /// Reads what the server has sent so far, up to 1 KiB (waiting at most
    /// 5 s for it), without waiting for the connection to close.
    async fn read_answer(stream: &mut TcpStream) -> String {
        let mut answer = vec![0; 1024];
        let n = tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer))
            .await
            .expect("an answer")
            .unwrap();
        String::from_utf8_lossy(&answer[..n]).into_owned()
    }

    #[tokio::test]
    async fn stalled_head_is_closed_by_header_read_timeout() {
        let addr = serve(store()).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"POST /revoke HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        let started = Instant::now();
        let answer = read_to_close(&mut stream).await;
        let waited = started.elapsed();
        assert!(
            waited >= HEAD_TIMEOUT - Duration::from_millis(50),
            "{waited:?}"
        );
        assert!(waited < Duration::from_secs(3), "{waited:?}");
        assert!(
            answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
            "{answer:?}"
        );
    }

    #[tokio::test]
    async fn stalled_body_is_answered_by_the_request_timeout() {
        let store = store();
        let addr = serve(store.clone()).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /revoke HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\nAuthorization: {BASIC}\r\nContent-Length: 100\r\n\r\ntoken=AT1"
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        let started = Instant::now();
        let answer = read_answer(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(started.elapsed() >= REQUEST_TIMEOUT - Duration::from_millis(50));
        assert!(store.is_active("AT1"));
    }

    #[tokio::test]
    async fn oversized_body_is_413_over_the_wire() {
        let store = store();
        let addr = serve(store.clone()).await;
        let mut stream = TcpStream::connect(addr).await.unwrap();
        // Chunked, so no Content-Length tells the server the size up front.
        let mut request = format!(
            "POST /revoke HTTP/1.1\r\nHost: x\r\nContent-Type: {FORM}\r\nAuthorization: {BASIC}\r\nTransfer-Encoding: chunked\r\n\r\n9\r\ntoken=AT1\r\n"
        )
        .into_bytes();
        for _ in 0..4 {
            request.extend_from_slice(format!("200\r\n&{}\r\n", "x".repeat(0x1ff)).as_bytes());
        }
        stream.write_all(&request).await.unwrap();
        let answer = read_answer(&mut stream).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
        assert!(store.is_active("AT1"));
    }
}
