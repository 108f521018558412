//! The demo as a process (the `tower-revoke-demo` binary, the same program
//! as `cargo run --example demo`), and the requests its README shows, over
//! real HTTP.

use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::net::SocketAddr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tower_revoke_test_support::reply::Reply;

const BINARY: &str = env!("CARGO_BIN_EXE_tower-revoke-demo");

/// The resource server of the demo's JWTs (`tower-revoke-resource-server`),
/// started with [`Demo::spawn`].
pub const RESOURCE_SERVER: &str = env!("CARGO_BIN_EXE_tower-revoke-resource-server");

/// A running demo process (or another of the examples' binaries,
/// [`Demo::spawn`]), killed (SIGKILL, by its PID) when dropped.
pub struct Demo {
    child: Child,
    /// Where it listens: `127.0.0.1` and the free port it was given.
    pub addr: SocketAddr,
    /// The line it printed about its store: `store: ... seeded from ...`.
    pub store_line: String,
    /// What it prints on stdout after `listening on`, line by line.
    pub output: tokio::sync::mpsc::UnboundedReceiver<String>,
    client: Client<HttpConnector, Full<bytes::Bytes>>,
}

/// An answer: its status, headers and body.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub retry_after: Option<String>,
    pub headers: http::HeaderMap,
    pub body: bytes::Bytes,
}

impl Answer {
    /// The answer as test-support's [`Reply`], for its checks of the
    /// endpoints' answers; `method` is the request's.
    pub async fn into_reply(self, method: Method) -> Reply {
        let mut response = http::Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers;
        Reply::read(method, response).await
    }
}

impl Demo {
    /// Starts the demo on `store` (`TOWER_REVOKE_STORE`) and the seed file
    /// `seed`, on a free port, with `extra` variables; waits for the
    /// `listening on http://ADDR` line it prints.
    pub async fn start(store: &str, seed: &str, extra: &[(&str, &str)]) -> Self {
        let mut vars = vec![("TOWER_REVOKE_STORE", store), ("TOWER_REVOKE_SEED", seed)];
        vars.extend_from_slice(extra);
        Self::spawn(BINARY, &vars).await
    }

    /// Starts `binary`, one of the examples' binaries (the demo, or
    /// [`RESOURCE_SERVER`]: each prints `listening on http://ADDR` once
    /// bound), on a free port with `vars`; waits for that line.
    pub async fn spawn(binary: &str, vars: &[(&str, &str)]) -> Self {
        let mut command = Command::new(binary);
        command
            .env("TOWER_REVOKE_ADDR", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .envs(vars.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("start {binary}: {e}"));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut store_line = String::new();
        let addr = loop {
            let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
                .await
                .unwrap_or_else(|_| panic!("{binary} starts within 60 s"))
                .expect("read the demo's output")
                .expect("the demo prints `listening on http://ADDR` before exiting");
            if let Some(addr) = line.strip_prefix("listening on http://") {
                break addr.parse().expect("an address");
            }
            if line.starts_with("store: ") {
                store_line = line;
            }
        };
        // Keep reading, so that the demo never blocks on a full pipe.
        let (sender, output) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                let _ = sender.send(line);
            }
        });
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(5))
            .build_http();
        Self {
            child,
            addr,
            store_line,
            output,
            client,
        }
    }

    /// Sends SIGKILL to the process, by its PID, as a crash or an OOM kill
    /// would: no shutdown, no flush. Callable while requests are in flight.
    pub fn sigkill(&self) {
        self.signal(libc::SIGKILL);
    }

    /// The process's resident memory (`VmRSS` of `/proc/PID/status`), in
    /// KiB.
    pub fn rss_kib(&self) -> u64 {
        let pid = self.child.id().expect("the demo is running");
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("its status");
        let line = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .expect("VmRSS");
        line.split_whitespace()
            .nth(1)
            .and_then(|kib| kib.parse().ok())
            .expect("KiB")
    }

    /// Sends SIGTERM to the process, by its PID, as Kubernetes, systemd or
    /// `docker stop` do: the demo drains, then exits.
    pub fn sigterm(&self) {
        self.signal(libc::SIGTERM);
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id().expect("the demo is running");
        // SAFETY: kill(2) on our own child's PID; it is not reaped until
        // it is waited for, so the PID cannot have been reused.
        let sent = unsafe { libc::kill(pid as libc::pid_t, signal) };
        assert_eq!(sent, 0, "kill -{signal} {pid}");
    }

    /// Waits, at most `within`, for the process to exit; its status.
    pub async fn wait_exit(mut self, within: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("the demo exits within {within:?}"))
            .expect("wait for the demo")
    }

    /// Waits for the killed process to exit.
    pub async fn wait_killed(mut self) {
        let status = self.child.wait().await.expect("wait for the demo");
        assert!(!status.success(), "the demo was killed: {status}");
    }

    /// Whether the process is still running (it was never restarted).
    pub fn is_running(&mut self) -> bool {
        self.child.try_wait().expect("poll the demo").is_none()
    }

    /// `curl -u app1:s3cr3t -d token=TOKEN http://ADDR/oauth/revoke`;
    /// `Err` when no answer came (connection refused or cut).
    pub async fn revoke(&self, token: &str) -> Result<Answer, String> {
        self.post_as_app1("/oauth/revoke", format!("token={token}"))
            .await
    }

    /// `curl -u app1:s3cr3t -d BODY http://ADDR/PATH`, `path` a path on
    /// the demo; `Err` when no answer came (connection refused or cut).
    pub async fn post_as_app1(&self, path: &str, body: String) -> Result<Answer, String> {
        let request = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header("content-type", "application/x-www-form-urlencoded")
            // base64("app1:s3cr3t")
            .header("authorization", "Basic YXBwMTpzM2NyM3Q=")
            .body(Full::from(body))
            .unwrap();
        self.send(request).await
    }

    /// `GET /me` with `Authorization: Bearer TOKEN`.
    pub async fn me(&self, token: &str) -> Result<Answer, String> {
        let request = Request::builder()
            .uri(format!("http://{}/me", self.addr))
            .header("authorization", format!("Bearer {token}"))
            .body(Full::default())
            .unwrap();
        self.send(request).await
    }

    /// The status of `GET /me` for `token`, which must be answered.
    pub async fn me_status(&self, token: &str) -> u16 {
        let answer = self.me(token).await.expect("the demo answers /me");
        answer.status.as_u16()
    }

    /// The next line the demo prints on stdout, within 10 s.
    pub async fn next_line(&mut self) -> String {
        tokio::time::timeout(Duration::from_secs(10), self.output.recv())
            .await
            .expect("the demo prints a line within 10 s")
            .expect("the demo is running")
    }

    /// Sends `request`, its URI a path on the demo; `Err` when no answer
    /// came (connection refused or cut) within 30 s.
    pub async fn send(&self, mut request: Request<Full<bytes::Bytes>>) -> Result<Answer, String> {
        if request.uri().authority().is_none() {
            let uri = format!("http://{}{}", self.addr, request.uri());
            *request.uri_mut() = uri.parse().expect("a path");
        }
        let call = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| e.to_string())?;
            let (parts, body) = response.into_parts();
            let retry_after = parts
                .headers
                .get("retry-after")
                .map(|v| v.to_str().unwrap_or_default().to_owned());
            let body = body.collect().await.map_err(|e| e.to_string())?;
            Ok(Answer {
                status: parts.status,
                retry_after,
                headers: parts.headers,
                body: body.to_bytes(),
            })
        };
        tokio::time::timeout(Duration::from_secs(30), call)
            .await
            .unwrap_or_else(|_| Err("no answer within 30 s".into()))
    }
}

/// A seed file of `count` access tokens of client `app1` (secret
/// `s3cr3t`), named `{prefix}-0`, `{prefix}-1`, ..., and grants of alice's
/// ([`with_grant`](Self::with_grant), [`with_grants`](Self::with_grants)),
/// each an access token's and a refresh token's; written to a temporary
/// file, removed on drop.
pub struct SeedFile {
    pub path: std::path::PathBuf,
    pub tokens: Vec<String>,
    /// The first grant's access tokens, and its refresh token.
    pub grant: Vec<String>,
    pub refresh_token: String,
    /// Every grant.
    pub grants: Vec<SeededGrant>,
}

/// A grant of a [`SeedFile`]: its id, refresh token and access tokens.
pub struct SeededGrant {
    pub id: String,
    pub refresh_token: String,
    pub access: Vec<String>,
}

impl SeedFile {
    pub fn access_tokens(prefix: &str, count: usize) -> Self {
        Self::with_grant(prefix, count, 0)
    }

    /// `count` access tokens and, unless `grant` is 0, `grant` more in
    /// grant `G` with refresh token `{prefix}-rt`: `{prefix}-g0`, ....
    pub fn with_grant(prefix: &str, count: usize, grant: usize) -> Self {
        let tokens: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
        let grants = (grant > 0).then(|| SeededGrant {
            id: "G".to_owned(),
            refresh_token: format!("{prefix}-rt"),
            access: (0..grant).map(|i| format!("{prefix}-g{i}")).collect(),
        });
        Self::write(prefix, tokens, grants.into_iter().collect())
    }

    /// `count` access tokens and `grants` grants `G0`, `G1`, ..., each of
    /// refresh token `{prefix}-G{n}-rt` and `per_grant` access tokens
    /// `{prefix}-G{n}-0`, ....
    pub fn with_grants(prefix: &str, count: usize, grants: usize, per_grant: usize) -> Self {
        let tokens: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
        let grants = (0..grants)
            .map(|g| SeededGrant {
                id: format!("G{g}"),
                refresh_token: format!("{prefix}-G{g}-rt"),
                access: (0..per_grant)
                    .map(|i| format!("{prefix}-G{g}-{i}"))
                    .collect(),
            })
            .collect();
        Self::write(prefix, tokens, grants)
    }

    fn write(prefix: &str, tokens: Vec<String>, grants: Vec<SeededGrant>) -> Self {
        let access = |token: &String, grant: Option<&str>| {
            let mut entry = serde_json::json!({
                "token": token, "type": "access_token", "client_id": "app1", "subject": "alice"
            });
            if let Some(grant) = grant {
                entry["grant_id"] = grant.into();
            }
            entry
        };
        let mut entries: Vec<serde_json::Value> = tokens.iter().map(|t| access(t, None)).collect();
        for grant in &grants {
            entries.extend(grant.access.iter().map(|t| access(t, Some(&grant.id))));
            entries.push(serde_json::json!({
                "token": grant.refresh_token, "type": "refresh_token", "client_id": "app1",
                "grant_id": grant.id
            }));
        }
        let document = serde_json::json!({
            "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
            "tokens": entries,
        });
        let path = std::env::temp_dir().join(format!("{prefix}.seed.json"));
        std::fs::write(&path, document.to_string()).expect("write the seed file");
        let (grant, refresh_token) = grants
            .first()
            .map(|g| (g.access.clone(), g.refresh_token.clone()))
            .unwrap_or_default();
        Self {
            path,
            tokens,
            grant,
            refresh_token,
            grants,
        }
    }

    pub fn path(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

impl Drop for SeedFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
