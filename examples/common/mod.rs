//! What every example app shares: configuration from the environment,
//! tracing without secrets, and serving on loopback.
//!
//! Examples include this file with `#[path = "../common/mod.rs"] mod common;`.

use std::net::SocketAddr;
use tower_revoke::MemoryStore;
use tracing_subscriber::EnvFilter;

/// The address from `TOWER_REVOKE_ADDR`, default `127.0.0.1:3000`.
pub fn addr() -> SocketAddr {
    let addr = std::env::var("TOWER_REVOKE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
    addr.parse()
        .unwrap_or_else(|e| panic!("TOWER_REVOKE_ADDR={addr:?} is not an address: {e}"))
}

/// The store seeded from `TOWER_REVOKE_SEED`, default `default_seed`.
pub fn store(default_seed: &str) -> MemoryStore {
    let path = std::env::var("TOWER_REVOKE_SEED").unwrap_or_else(|_| default_seed.into());
    MemoryStore::from_seed_file(&path).unwrap_or_else(|e| panic!("cannot load seed {path}: {e}"))
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

/// Binds `addr`, prints the address and the `curl` lines, and serves `app`.
pub async fn serve(app: axum::Router, addr: SocketAddr, try_it: &[String]) {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .unwrap_or_else(|e| panic!("cannot listen on {addr}: {e}"));
    let addr = listener
        .local_addr()
        .expect("a bound listener has an address");
    println!("listening on http://{addr}\n\ntry:");
    for line in try_it {
        println!("  {}", line.replace("{addr}", &addr.to_string()));
    }
    axum::serve(listener, app).await.expect("server failed");
}
