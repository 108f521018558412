//! The servers tests run against: the URLs of the shared PostgreSQL and
//! Redis (or a skip), names and ports no other test takes, and a
//! PostgreSQL cluster or a redis-server of a test's own that it can stop
//! and start.
//!
//! One rule for every test that needs a server ([`url`]): with its URL
//! unset the test is skipped with a printed reason, so `cargo test` passes
//! on a fresh machine; under CI (`CI` set, and not `false` or `0`) a
//! missing URL fails it instead, so CI never passes without testing.
//! `scripts/services start` starts both servers and exports both URLs.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The variable PostgreSQL tests read their server's URL from.
pub const POSTGRES_URL: &str = "TOWER_REVOKE_TEST_POSTGRES_URL";
/// The variable Redis tests read their server's URL from.
pub const REDIS_URL: &str = "TOWER_REVOKE_TEST_REDIS_URL";

/// The URL in `var`, or `None` after printing why `test` is skipped.
///
/// # Panics
/// When `var` is unset (or empty) under CI: a CI run that skipped every
/// database test would pass without testing.
pub fn url(var: &str, test: &str) -> Option<String> {
    if let Some(url) = std::env::var(var).ok().filter(|u| !u.is_empty()) {
        return Some(url);
    }
    let ci = std::env::var("CI").unwrap_or_default();
    let service = match var {
        POSTGRES_URL => " postgres",
        REDIS_URL => " redis",
        _ => "",
    };
    let how = format!("start it with: eval \"$(scripts/services start{service})\"");
    if !matches!(ci.as_str(), "" | "false" | "0") {
        panic!("{test}: {var} is not set and CI={ci}: this test must run ({how})");
    }
    eprintln!("skipping {test}: {var} is not set ({how})");
    None
}

/// [`url`] of the shared PostgreSQL server.
pub fn postgres_url(test: &str) -> Option<String> {
    url(POSTGRES_URL, test)
}

/// [`url`] of the shared Redis server.
pub fn redis_url(test: &str) -> Option<String> {
    url(REDIS_URL, test)
}

/// A name no other test of any run uses: `prefix_<pid>_<nanos>_<n>`.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// A TCP port on 127.0.0.1 that nothing listened on when asked, and that
/// no other call in this process has returned: tests that start servers
/// of their own (or need a port where nothing listens) run side by side in
/// one test binary, and the kernel may hand a port it just freed out
/// again.
pub fn free_port() -> u16 {
    static GIVEN: Mutex<Option<HashSet<u16>>> = Mutex::new(None);
    let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
    let given = given.get_or_insert_with(HashSet::new);
    loop {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let port = listener.local_addr().expect("its address").port();
        if given.insert(port) {
            return port;
        }
    }
}

/// A PostgreSQL cluster of the test's own, started by `scripts/services`
/// in a state directory of its own (never the shared test server, so
/// stopping it disturbs no other test); stopped and removed on drop, by the
/// script, which stops servers by PID. Needs PostgreSQL installed (where
/// [`POSTGRES_URL`] is set, it is) and root, as the script does.
pub struct PostgresCluster {
    dir: PathBuf,
    /// The cluster's `tower_revoke` database.
    pub url: String,
}

impl PostgresCluster {
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

    /// The script, off the runtime.
    async fn run(&self, command: &'static str) {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || services(&dir, command))
            .await
            .expect("scripts/services");
    }
}

impl Drop for PostgresCluster {
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

/// A redis-server of the test's own (never the shared one, so that what
/// the test does to it, stopping it, `FLUSHDB`, `CLIENT KILL`, counting its
/// clients, touches no other test, in this process or another), on a
/// [`free_port`], without persistence, in a temporary directory of its
/// own; stopped by its PID and removed when dropped. Needs redis-server
/// (`scripts/services` installs it).
pub struct RedisServer {
    port: u16,
    dir: PathBuf,
    child: Option<Child>,
}

impl RedisServer {
    /// Starts the server and waits until it accepts connections.
    pub fn start() -> Self {
        let port = free_port();
        let dir = std::env::temp_dir().join(unique_name(&format!("trv-redis-{port}")));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        let mut server = Self {
            port,
            dir,
            child: None,
        };
        server.resume();
        server
    }

    /// Its URL, database `db`.
    pub fn url(&self, db: u8) -> String {
        format!("redis://127.0.0.1:{}/{db}", self.port)
    }

    /// Kills the server by its PID: every connection drops at once.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port (empty: no persistence), and waits
    /// until it accepts connections.
    pub fn resume(&mut self) {
        self.stop();
        self.child = Some(redis_server(self.port, &self.dir, &[]));
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a redis-server on `port`, without persistence, in `dir`, with
/// `extra` arguments, and waits until it accepts connections (if it does
/// not within 30 s, it is stopped before the panic). Stop it by its PID
/// (`Child::kill`).
pub fn redis_server(port: u16, dir: &Path, extra: &[&str]) -> Child {
    let mut child = Command::new("redis-server")
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
        .args(extra)
        .arg("--dir")
        .arg(dir)
        .stdout(Stdio::null())
        .spawn()
        .expect("redis-server (scripts/services installs it)");
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("redis-server did not listen on port {port} within 30 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}
