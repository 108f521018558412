//! The database servers the process tests run the demo on: their URLs (or
//! a skip), a PostgreSQL database of each test's own, and a PostgreSQL
//! cluster of a test's own that it can stop and start.
//!
//! One rule for every test that needs a server: with its URL unset the
//! test is skipped with a printed reason, so `cargo test` passes on a fresh
//! machine; under CI (`CI` set, and not `false` or `0`) a missing URL
//! fails it instead, so CI never passes without testing.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};

pub const POSTGRES_URL: &str = "TOWER_REVOKE_TEST_POSTGRES_URL";
pub const REDIS_URL: &str = "TOWER_REVOKE_TEST_REDIS_URL";

/// The URL in `var`, or `None` after printing why `test` is skipped.
///
/// # Panics
/// When `var` is unset under CI.
pub fn url(var: &str, test: &str) -> Option<String> {
    if let Some(url) = std::env::var(var).ok().filter(|u| !u.is_empty()) {
        return Some(url);
    }
    let ci = std::env::var("CI").unwrap_or_default();
    let how = "start the servers with: eval \"$(scripts/services start)\"";
    if !matches!(ci.as_str(), "" | "false" | "0") {
        panic!("{test}: {var} is not set and CI={ci}: this test must run ({how})");
    }
    eprintln!("skipping {test}: {var} is not set ({how})");
    None
}

/// A name no other test of any run uses: `prefix_<pid>_<n>`.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A database of its own on the server at `server_url`, dropped (with
/// `FORCE`, closing the demo's connections) when this value is.
pub struct Database {
    server_url: String,
    name: String,
    /// The database's URL, as the demo's `TOWER_REVOKE_STORE`.
    pub url: String,
}

impl Database {
    pub async fn create(server_url: &str) -> Self {
        let name = unique_name("trx");
        let mut admin = PgConnection::connect(server_url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let base = server_url
            .rsplit_once('/')
            .expect("a URL with a database")
            .0;
        Self {
            server_url: server_url.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

/// Drops the database on a thread of its own with its own runtime: `Drop`
/// cannot await, and the test's runtime may be blocked on this thread.
impl Drop for Database {
    fn drop(&mut self) {
        let (url, name) = (self.server_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime");
            runtime.block_on(async move {
                let mut admin = PgConnection::connect(&url).await.ok()?;
                let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                sqlx::raw_sql(&drop).execute(&mut admin).await.ok()?;
                admin.close().await.ok()
            })
        });
        if dropped.join().ok().flatten().is_none() {
            eprintln!("could not drop test database {}", self.name);
        }
    }
}

/// A PostgreSQL cluster of the test's own, started by `scripts/services`
/// in a state directory of its own (never the shared test server, so
/// stopping it disturbs no other test); stopped and removed on drop, by the
/// script, which stops servers by PID.
pub struct Cluster {
    dir: PathBuf,
    /// The cluster's `tower_revoke` database.
    pub url: String,
}

impl Cluster {
    /// Starts the cluster (blocking: call it from `spawn_blocking`).
    pub fn start() -> Self {
        // Short: the unix socket path must fit in 107 bytes.
        let dir = PathBuf::from(format!("/tmp/trx-{}", unique_name("pg")));
        let out = services(&dir, "start");
        let url = out
            .lines()
            .find_map(|l| l.strip_prefix(&format!("export {POSTGRES_URL}=")))
            .unwrap_or_else(|| panic!("no URL from scripts/services start: {out}"))
            .to_owned();
        Self { dir, url }
    }

    /// `scripts/services pause postgres`: the server stops, keeping its
    /// data and port.
    pub async fn pause(&self) {
        self.run("pause").await;
    }

    /// `scripts/services resume postgres`: back on the same port, ready.
    pub async fn resume(&self) {
        self.run("resume").await;
    }

    async fn run(&self, command: &'static str) {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || services(&dir, command))
            .await
            .unwrap();
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        services(&self.dir, "stop");
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs `scripts/services COMMAND postgres` on the state directory `dir`;
/// returns its standard output.
fn services(dir: &Path, command: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/services");
    let output = Command::new(script)
        .args([command, "postgres"])
        .env("TOWER_REVOKE_SERVICES_DIR", dir)
        .output()
        .expect("run scripts/services");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "scripts/services {command}: {stderr}"
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
