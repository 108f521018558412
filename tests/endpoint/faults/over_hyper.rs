//! The same app served by hyper on 127.0.0.1, one task per connection,
//! as `axum::serve` and most hyper servers do.

use super::*;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::net::{TcpListener, TcpStream};

/// Serves `app` until the test ends; counts connection tasks that
/// panicked.
async fn serve(app: Router) -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let panicked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&panicked);
    tokio::spawn(async move {
        loop {
            let (stream, _) = listener.accept().await.unwrap();
            let service = TowerToHyperService::new(app.clone());
            let connection = tokio::spawn(async move {
                let _ = auto::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
            let counter = Arc::clone(&counter);
            tokio::spawn(async move {
                if connection.await.is_err_and(|e| e.is_panic()) {
                    counter.fetch_add(1, Ordering::SeqCst);
                }
            });
        }
    });
    (addr, panicked)
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
    let (addr, panicked) = serve(app(store.clone())).await;

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
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        panicked.load(Ordering::SeqCst),
        2,
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
