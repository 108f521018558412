//! Real HTTP: a hyper 1 server (hyper-util's `auto` builder) on
//! `127.0.0.1:0`, reached with hyper-util's client or a raw `TcpStream`.

use crate::reply::Reply;
use crate::request::Req;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tower::Service;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How long a test waits for a response on the wire.
const PATIENCE: Duration = Duration::from_secs(5);

/// A server task; dropping it stops accepting connections.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves `service` on a fresh loopback port, one task per connection.
pub async fn serve<S, B>(service: S) -> Server
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    serve_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), service)
}

/// Serves `service` on `listener`, bound by the caller (who needed its
/// address first), one task per connection.
pub fn serve_on<S, B>(listener: TcpListener, service: S) -> Server
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<BoxError>,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let service = TowerToHyperService::new(service.clone());
            tokio::spawn(async move {
                let builder = Builder::new(TokioExecutor::new());
                // A client that hangs up early is not a test failure here.
                let _ = builder
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Server { addr, task }
}

/// Serves `app` with `axum::serve` on a fresh loopback port, as an app
/// wrapped whole by a layer is served (README: two ways to mount it).
pub async fn axum_serve<S>(app: S) -> Server
where
    S: Service<axum::extract::Request, Response = axum::response::Response>
        + Clone
        + Send
        + 'static,
    S: Service<axum::extract::Request, Error = std::convert::Infallible>,
    <S as Service<axum::extract::Request>>::Future: Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let serving = axum::serve(listener, tower::make::Shared::new(app));
    let task = tokio::spawn(async move { serving.await.unwrap() });
    Server { addr, task }
}

impl Server {
    /// Sends `request` with hyper-util's client and reads the response.
    pub async fn send(&self, request: Req) -> Reply {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let method = request.method().clone();
        let request = request.build();
        let (mut parts, body) = request.into_parts();
        let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        let path = parts.uri.path_and_query().unwrap().as_str();
        parts.uri = format!("http://{}{path}", self.addr).parse().unwrap();
        let request = Request::from_parts(parts, Full::new(body));
        let response = tokio::time::timeout(PATIENCE, client.request(request))
            .await
            .expect("a response in time")
            .unwrap();
        Reply::read(method, response).await
    }

    /// Opens a raw connection to the server.
    pub async fn connect(&self) -> TcpStream {
        TcpStream::connect(self.addr).await.unwrap()
    }

    /// Writes `request` as is on a new connection and reads one response.
    pub async fn exchange(&self, request: &[u8]) -> Vec<u8> {
        let mut stream = self.connect().await;
        stream.write_all(request).await.unwrap();
        read_response(&mut stream).await
    }
}

/// Reads one HTTP/1.1 response with a `Content-Length` body, without
/// waiting for the connection to close.
pub async fn read_response(stream: &mut TcpStream) -> Vec<u8> {
    let mut buffer = Vec::new();
    loop {
        if let Some(end) = find(&buffer, b"\r\n\r\n") {
            let head = std::str::from_utf8(&buffer[..end]).unwrap();
            let length = content_length(head).expect("the endpoint sends Content-Length");
            if buffer.len() >= end + 4 + length {
                buffer.truncate(end + 4 + length);
                return buffer;
            }
        }
        let mut chunk = [0; 4096];
        let read = tokio::time::timeout(PATIENCE, stream.read(&mut chunk))
            .await
            .expect("a response in time")
            .unwrap();
        assert!(
            read > 0,
            "closed mid-response: {:?}",
            String::from_utf8_lossy(&buffer)
        );
        buffer.extend_from_slice(&chunk[..read]);
    }
}

/// The response as text without its `date` line, which changes each second.
pub fn without_date(response: &[u8]) -> String {
    String::from_utf8(response.to_vec())
        .unwrap()
        .split_inclusive("\r\n")
        .filter(|line| !line.to_ascii_lowercase().starts_with("date:"))
        .collect()
}

fn content_length(head: &str) -> Option<usize> {
    head.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().unwrap())
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
