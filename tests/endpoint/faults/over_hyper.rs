//! The same app served by hyper on 127.0.0.1, one task per connection,
//! as `axum::serve` and most hyper servers do.

use super::*;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc::{self, error::TryRecvError, UnboundedReceiver};

/// Serves `app` until the test ends; says on the receiver each time a
/// connection task panicked, once that task has ended.
async fn serve(app: Router) -> (SocketAddr, UnboundedReceiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (panics, panicked) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(app.clone());
            let connection = tokio::spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
            let panics = panics.clone();
            tokio::spawn(async move {
                if connection.await.is_err_and(|e| e.is_panic()) {
                    let _ = panics.send(());
                }
            });
        }
    });
    (addr, panicked)
}

/// Waits for the next connection task that panicked (at most 10 s: a
/// bound for a failing test, not a pause that lets the task finish).
async fn next_panic(panicked: &mut UnboundedReceiver<()>) {
    tokio::time::timeout(Duration::from_secs(10), panicked.recv())
        .await
        .expect("a connection task panicked and ended")
        .expect("the server runs");
}

/// One HTTP/1.1 request on a new connection.
async fn request(
    addr: SocketAddr,
    request: Request<String>,
) -> Result<(StatusCode, String), hyper::Error> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let response = sender.send_request(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    Ok((status, String::from_utf8(body.to_vec()).unwrap()))
}

fn revoke(addr: SocketAddr, token: &str) -> Request<String> {
    Request::post(format!("http://{addr}/revoke"))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, BASIC)
        .body(format!("token={token}"))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panicking_store_loses_only_its_connection() {
    let store = FaultyStore::new();
    let (addr, mut panicked) = serve(app(store.clone())).await;

    // A connection that stays open across the panic.
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut bystander, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(connection);

    for call in [Call::AuthenticateClient, Call::Revoke] {
        store.inject(call, Fault::Panic, 1);
        let error = request(addr, revoke(addr, "AT1")).await.unwrap_err();
        assert!(
            error.is_incomplete_message() || error.is_closed(),
            "{call:?}: {error}"
        );
        assert!(store.inner.is_active("AT1"), "{call:?}");
    }
    // Each panic ended its connection task: two, and no more.
    next_panic(&mut panicked).await;
    next_panic(&mut panicked).await;
    assert_eq!(
        panicked.try_recv(),
        Err(TryRecvError::Empty),
        "each panic ended its connection task"
    );

    // The server still accepts, and the other connection still works.
    let (status, body) = request(addr, revoke(addr, "AT1")).await.unwrap();
    assert_eq!((status, body.as_str()), (StatusCode::OK, "{}"));
    assert!(!store.inner.is_active("AT1"));
    let response = bystander.send_request(revoke(addr, "AT2")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!store.inner.is_active("AT2"));
    assert!(store.inner.is_active("AT3"));
}
