//! What every example app shares: configuration from the environment,
//! tracing without secrets, serving on loopback within
//! [`Limits`](crate::serve::Limits), and `GET /me` behind the Bearer guard.
//!
//! Every example reads:
//!
//! | variable | default | what |
//! |---|---|---|
//! | `TOWER_REVOKE_ADDR` | `127.0.0.1:3000` | the address to listen on (`127.0.0.1:0`: any free port, printed at start) |
//! | `TOWER_REVOKE_STORE` | `memory` | the store: `memory`, `sqlite://PATH`, `postgres://USER@HOST:PORT/DB` or `redis://HOST:PORT/DB` (see [`crate::store`]) |
//! | `TOWER_REVOKE_SEED` | the example's own seed file | clients and tokens loaded into the store at start, idempotently |
//! | `TOWER_REVOKE_GUARD_CACHE` | `off` | the Bearer guard's cache and its maximum staleness, `2s` or `500ms` (see [`crate::guard_cache`]) |
//! | `TOWER_REVOKE_SHUTDOWN_GRACE` | `10s` | on SIGTERM or SIGINT, how long the requests in flight may take to finish before their connections are cut (see [`serve_until_stopped`]) |
//! | `RUST_LOG` | `info,tower_revoke=debug` | the log filter |
//!
//! A value that cannot be used stops the example with one line on stderr
//! (`error: ...`) and exit status 1.

use crate::store::{Opened, StoreChoice};
use crate::{guard_cache, serve};
use axum::routing::get;
use axum::{Extension, Json, Router};
use http::{Request, Response};
use http_body::Body;
use hyper::body::Incoming;
use serde::ser::{Serialize, SerializeStruct, Serializer};
use std::fmt::Display;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::Service;
use tower_revoke::store::{BoxStore, CheckedSeedFile};
use tower_revoke::{ActiveToken, BearerAuthLayer};
use tracing_subscriber::EnvFilter;

/// The store an example runs on, chosen at start.
pub type Store = BoxStore;

/// The address from `TOWER_REVOKE_ADDR`, default `127.0.0.1:3000`.
/// Exits (see [`exit_with`]) when it is not an address.
pub fn addr() -> SocketAddr {
    let addr = std::env::var("TOWER_REVOKE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    addr.parse()
        .unwrap_or_else(|e| exit_with(format!("TOWER_REVOKE_ADDR={addr:?} is not an address: {e}")))
}

/// The store named by `TOWER_REVOKE_STORE` (default `memory`), migrated
/// where it has migrations and seeded from `TOWER_REVOKE_SEED` (default
/// `default_seed`) idempotently, behind the guard cache when
/// `TOWER_REVOKE_GUARD_CACHE` is set. Prints which store it uses (any
/// password in its URL redacted), the cache, and what seeding inserted. Exits (see
/// [`exit_with`]) when the store cannot be chosen, opened or seeded.
pub async fn store(default_seed: &str) -> Store {
    open_store(default_seed).await.store
}

/// [`store`], with the same store for `private_key_jwt` client
/// authentication beside it ([`Opened::assertions`]): what the demo runs
/// on.
pub async fn open_store(default_seed: &str) -> Opened {
    let (choice, cache) = store_settings();
    let path = std::env::var("TOWER_REVOKE_SEED").unwrap_or_else(|_| default_seed.into());
    let opened = choice
        .open_file(&path, cache)
        .await
        .unwrap_or_else(|e| exit_with(e));
    announce_store(&choice, cache, &path, opened)
}

/// [`open_store`] seeded from `seed`, the seed file
/// (`TOWER_REVOKE_SEED`) already checked ([`StoreChoice::open_checked`]):
/// the in-memory store reads it only once more.
pub async fn open_checked_store(seed: &CheckedSeedFile) -> Opened {
    let (choice, cache) = store_settings();
    let opened = choice
        .open_checked(seed, cache)
        .await
        .unwrap_or_else(|e| exit_with(e));
    announce_store(&choice, cache, &seed.path().display().to_string(), opened)
}

/// The store and the guard cache the environment chooses. Exits when
/// either cannot be used.
fn store_settings() -> (StoreChoice, Option<Duration>) {
    let choice = StoreChoice::from_env().unwrap_or_else(|e| exit_with(e));
    let cache = guard_cache::from_env().unwrap_or_else(|e| exit_with(e));
    (choice, cache)
}

/// Prints the cache (when on), the store and what seeding from `path`
/// inserted; warns of refused seed tokens. Returns `opened`.
fn announce_store(
    choice: &StoreChoice,
    cache: Option<Duration>,
    path: &str,
    opened: Opened,
) -> Opened {
    if cache.is_some() {
        println!("guard cache: {} (TOWER_REVOKE_GUARD_CACHE)", opened.cache);
    }
    let seeded = &opened.seeded;
    println!(
        "store: {choice} (TOWER_REVOKE_STORE), seeded from {path}: {} new client(s), {} new token(s)",
        seeded.registered, seeded.recorded
    );
    if seeded.refused > 0 {
        tracing::warn!(
            refused = seeded.refused,
            "seed tokens refused: already stored for another client or grant, or of a revoked grant"
        );
    }
    opened
}

/// Reads a duration setting of the variable `var`: `off`, `0` or empty
/// for none, else a positive number of at most a day followed by `ms` or
/// `s` (`2s`, `500ms`, `1.5s`).
///
/// # Errors
/// Any other value, as a message naming `var`.
pub fn parse_duration(var: &str, value: &str) -> Result<Option<Duration>, String> {
    let value = value.trim();
    if matches!(value, "" | "off" | "0") {
        return Ok(None);
    }
    let refused = || {
        format!(
            "{var}={value:?} is not a duration: expected off, or a number and ms or s \
             (for example 2s or 500ms)"
        )
    };
    let (number, unit) = match value.strip_suffix("ms") {
        Some(number) => (number, 0.001),
        None => (value.strip_suffix('s').ok_or_else(refused)?, 1.0),
    };
    let seconds = number.trim().parse::<f64>().map_err(|_| refused())? * unit;
    if !(seconds.is_finite() && seconds > 0.0 && seconds <= 86_400.0) {
        return Err(refused());
    }
    Ok(Some(Duration::from_secs_f64(seconds)))
}

/// Prints `error: {message}` on stderr and exits with status 1: how an
/// example refuses its configuration, without a panic's noise.
pub fn exit_with(message: impl Display) -> ! {
    eprintln!("error: {message}");
    std::process::exit(1)
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info,tower_revoke=debug`).
/// The crate logs outcomes and client ids only, never tokens, secrets or
/// `Authorization` values, at any level.
pub fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,tower_revoke=debug"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Binds `addr`, and prints the bound address and the `curl` lines, with
/// `{addr}` in them replaced by that address.
pub async fn listen(addr: SocketAddr, try_it: &[String]) -> TcpListener {
    let listener = bind(addr).await;
    announce(&listener, try_it);
    listener
}

/// Binds `addr` (exits, see [`exit_with`], when it cannot), printing
/// nothing yet: for an app that needs the bound address (a port of `0`
/// made real) before it is built; [`announce`] it once built.
pub async fn bind(addr: SocketAddr) -> TcpListener {
    TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| exit_with(format!("cannot listen on {addr}: {e}")))
}

/// The address `listener` is bound to.
pub fn bound(listener: &TcpListener) -> SocketAddr {
    listener
        .local_addr()
        .expect("a bound listener has an address")
}

/// Prints `listening on http://ADDR` for `listener` and the `curl` lines,
/// with `{addr}` in them replaced by its address.
pub fn announce(listener: &TcpListener, try_it: &[String]) {
    let addr = bound(listener);
    println!("listening on http://{addr}\n\ntry:");
    for line in try_it {
        println!("  {}", line.replace("{addr}", &addr.to_string()));
    }
}

/// An example's `main`: tracing, the store seeded from `TOWER_REVOKE_SEED`
/// (default `default_seed`), and `app` on it served at `TOWER_REVOKE_ADDR`
/// after printing the `curl` lines, within the default [`serve::Limits`],
/// until SIGTERM or SIGINT ([`serve_until_stopped`]).
pub async fn run(default_seed: &str, app: fn(Store) -> Router, try_it: &[String]) {
    init_tracing();
    let app = app(store(default_seed).await);
    let listener = listen(addr(), try_it).await;
    serve_until_stopped(listener, app, &serve::Draining::default()).await;
}

/// Serves `app` on `listener` within the default [`serve::Limits`] until
/// SIGTERM or SIGINT (Ctrl-C), then drains (see [`serve`]'s module docs):
/// `draining` turns on at once (a readiness endpoint answers 503 from
/// then on), no connection is accepted any more, and the requests whose
/// head was read finish within `TOWER_REVOKE_SHUTDOWN_GRACE` (default
/// `10s`). Then the output is flushed (audit lines included) and the
/// process exits: status 0 when every connection finished, 1 when some
/// had to be cut (logged with their count). Returning from `main` ends
/// the other tasks, the store's notice listener among them. Exits (see
/// [`exit_with`]) when the grace is not a duration.
pub async fn serve_until_stopped<S, B>(listener: TcpListener, app: S, draining: &serve::Draining)
where
    S: Service<Request<Incoming>, Response = Response<B>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Into<serve::BoxError>,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<serve::BoxError>,
{
    let value = std::env::var("TOWER_REVOKE_SHUTDOWN_GRACE").unwrap_or_else(|_| "10s".into());
    let grace = parse_duration("TOWER_REVOKE_SHUTDOWN_GRACE", &value)
        .unwrap_or_else(|e| exit_with(e))
        .unwrap_or(Duration::ZERO);
    let limits = serve::Limits {
        shutdown_grace: grace,
        ..serve::Limits::default()
    };
    let stop = async {
        stop_signal().await;
        draining.start();
    };
    let drained = serve::serve(listener, app, limits, stop).await;
    let _ = std::io::Write::flush(&mut std::io::stdout());
    if drained.cut > 0 {
        tracing::error!(
            cut = drained.cut,
            "shutdown grace of {grace:?} ran out: connections cut"
        );
        std::process::exit(1);
    }
    tracing::info!("drained: every request answered");
}

/// Resolves on SIGTERM (Kubernetes, systemd, `docker stop`) or SIGINT
/// (Ctrl-C).
async fn stop_signal() {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .unwrap_or_else(|e| exit_with(format!("cannot listen for SIGTERM: {e}")));
    tokio::select! {
        _ = terminate.recv() => tracing::info!("SIGTERM: draining"),
        _ = tokio::signal::ctrl_c() => tracing::info!("SIGINT: draining"),
    }
}

/// `GET /me` behind the Bearer guard on `store`: 200 JSON `{"sub",
/// "client_id"}` of the caller's active access token.
pub fn me_route(store: Store) -> Router {
    Router::new().route("/me", get(me).layer(BearerAuthLayer::new(store)))
}

/// `GET /me`'s handler behind a Bearer guard: 200 JSON `{"client_id",
/// "sub"}` of the `ActiveToken` the guard admitted.
pub async fn me(Extension(token): Extension<ActiveToken>) -> Json<Me> {
    Json(Me(token))
}

/// `GET /me`'s answer: `{"client_id","sub"}` of the admitted token, in
/// that order (`sub` is `null` for a token without one), written straight
/// from the token.
#[derive(Debug)]
pub struct Me(ActiveToken);

impl Serialize for Me {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut me = serializer.serialize_struct("Me", 2)?;
        me.serialize_field("client_id", self.0.client_id().as_str())?;
        me.serialize_field("sub", &self.0.sub())?;
        me.end()
    }
}
