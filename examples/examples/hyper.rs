//! `cargo run --example hyper`: the revocation endpoint on a plain hyper 1
//! server, without axum. An ordinary `service_fn` app answers `GET /`;
//! `RevocationEndpointLayer` in front of it answers `POST /oauth/revoke`
//! from the store chosen by `TOWER_REVOKE_STORE`, seeded from
//! `examples/seed.json`.
//!
//! Environment: `TOWER_REVOKE_STORE` (`memory` by default; `sqlite://PATH`,
//! `postgres://USER@HOST:PORT/DB`, `redis://HOST:PORT/DB`), `TOWER_REVOKE_ADDR`
//! (default `127.0.0.1:3000`), `TOWER_REVOKE_SEED` (default `examples/seed.json`,
//! loaded idempotently), `RUST_LOG`.
//!
//! Connections are served by `serve`, as in every example: header,
//! idle and request timeouts, a connection cap, and a backoff on accept
//! errors (its module docs give the numbers).
//!
//! TLS is not part of this example; RFC 7009 §2 requires it in production.

use tower_revoke_examples::{common, serve};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use std::convert::Infallible;
use tower::ServiceBuilder;
use tower_revoke::RevocationEndpointLayer;

/// The revocation endpoint's path in this example.
const REVOKE_PATH: &str = "/oauth/revoke";

/// The application: `GET /` answers text, anything else 404. It never sees
/// `/oauth/revoke`: the layer answers that path.
async fn app(request: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = if request.method() == Method::GET && request.uri().path() == "/" {
        Response::builder()
            .header(CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(Full::from("tower-revoke on hyper: POST /oauth/revoke\n"))
    } else {
        Response::builder()
            .status(StatusCode::NOT_FOUND)
            .body(Full::default())
    };
    Ok(response.expect("a static response is valid"))
}

#[tokio::main]
async fn main() {
    common::init_tracing();
    let store = common::store(tower_revoke_examples::demo::SEED).await;
    let service = ServiceBuilder::new()
        .layer(RevocationEndpointLayer::new(store).path(REVOKE_PATH))
        .service(tower::service_fn(app));

    let try_it = [format!(
        "curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{REVOKE_PATH}"
    )];
    let listener = common::listen(common::addr(), &try_it).await;
    common::serve_until_stopped(listener, service, &serve::Draining::default()).await;
}
