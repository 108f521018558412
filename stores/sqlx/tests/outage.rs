//! PostgreSQL goes away and comes back while a store is in use: requests
//! fail with `Err` (nothing changes), and the same store works again
//! without being rebuilt.
//!
//! The test pauses a PostgreSQL cluster of its own (started with
//! `scripts/services` in a state directory of its own), never the shared
//! test server, so it runs in parallel with every other test. It runs
//! wherever the PostgreSQL tests run (`TOWER_REVOKE_TEST_POSTGRES_URL` set,
//! which says PostgreSQL is installed), and needs root as the script does.
#![cfg(feature = "postgres")]

mod support;

use sqlx::postgres::PgPoolOptions;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};
use support::scenarios::{app1, is_active, revoke};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{testkit, IntrospectionStore, RevocationOutcome, RevocationStore, TokenKind};
use tower_revoke_sqlx::PostgresStore;

/// A cluster started by `scripts/services` in its own state directory;
/// stopped and removed on drop, by the script (which stops by PID).
struct Cluster {
    dir: PathBuf,
    url: String,
}

impl Cluster {
    fn start() -> Self {
        // Short: the unix socket path must fit in 107 bytes.
        let dir = PathBuf::from(format!("/tmp/trs-outage-{}", std::process::id()));
        let out = services(&dir, "start");
        let url = out
            .lines()
            .find_map(|l| l.strip_prefix("export TOWER_REVOKE_TEST_POSTGRES_URL="))
            .unwrap_or_else(|| panic!("no URL from scripts/services start: {out}"))
            .to_owned();
        Self { dir, url }
    }

    /// `scripts/services pause postgres` (or `resume`), off the runtime.
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
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/services");
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn store_fails_while_postgres_is_down_and_recovers_by_itself() {
    if support::postgres_url("store_fails_while_postgres_is_down_and_recovers_by_itself").is_none()
    {
        return;
    }
    let cluster = tokio::task::spawn_blocking(Cluster::start).await.unwrap();
    let pool = PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(2))
        .connect_lazy(&cluster.url)
        .unwrap();
    let store = PostgresStore::new(pool);
    store.migrate().await.expect("migrate");
    store.seed(&testkit::seed()).await.expect("seed");
    let access = RevocationOutcome::Revoked {
        kind: TokenKind::AccessToken,
        cascaded: 0,
    };
    assert_eq!(revoke(&store, "AT2").await, access, "before the outage");

    cluster.run("pause").await;
    let request = RevocationRequest::new(Token::new("RT2").unwrap(), None);
    for _ in 0..3 {
        let started = Instant::now();
        let outcome = store.revoke(&app1(), &request).await;
        assert!(outcome.is_err(), "revoke while down: {outcome:?}");
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "{:?}",
            started.elapsed()
        );
        let found = store.introspect(request.token()).await;
        assert!(found.is_err(), "introspect while down: {found:?}");
    }

    cluster.run("resume").await;
    // The same store, not rebuilt: the first request after the restart
    // already succeeds (the pool tests connections before handing them
    // out), and nothing changed while the database was down.
    assert!(
        is_active(&store, "RT2").await,
        "the failed revocation changed nothing"
    );
    let refresh = RevocationOutcome::Revoked {
        kind: TokenKind::RefreshToken,
        cascaded: 0,
    };
    assert_eq!(revoke(&store, "RT2").await, refresh, "after the outage");
    assert!(
        !is_active(&store, "AT2").await,
        "revoked before the outage, still revoked"
    );
}
