//! `SqliteStore` on a temporary file: always runs.
#![cfg(feature = "sqlite")]

use crate::support;

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use support::scenarios;
use support::sqlite::{dump, TestFile};
use tower_revoke::testkit::{self, Conformance};
use tower_revoke::{IssuanceStore, RevocationOutcome};
use tower_revoke_sqlx::SqliteStore;

async fn store(file: &TestFile, connections: u32) -> SqliteStore {
    let store = SqliteStore::new(file.pool(connections).await);
    store.migrate().await.expect("migrate");
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_store_passes_the_conformance_kit() {
    let file = TestFile::new();
    let store = store(&file, 4).await;
    Conformance::with_store(store)
        .dump(|store: Arc<SqliteStore>| async move { dump(store.pool()).await })
        .run_with_status_lists()
        .await;
}

#[tokio::test]
async fn changed_clients_are_seen_within_max_staleness() {
    for max_staleness in [Duration::from_secs(2), Duration::ZERO] {
        let file = TestFile::new();
        let store = store(&file, 2).await.client_cache(max_staleness);
        scenarios::changed_clients_are_seen_within_max_staleness(store, max_staleness).await;
    }
}

#[tokio::test]
async fn seeding_twice_keeps_revocations_and_secrets() {
    let file = TestFile::new();
    scenarios::seeding_is_idempotent(store(&file, 2).await).await;
}

#[tokio::test]
async fn purge_deletes_expired_rows_in_batches() {
    let file = TestFile::new();
    scenarios::purge_deletes_expired_rows_in_batches(store(&file, 2).await).await;
}

#[tokio::test]
async fn access_token_ends_its_grant_when_configured() {
    let file = TestFile::new();
    let store = store(&file, 2).await.access_token_revokes_grant(true);
    scenarios::access_token_can_end_its_grant(store).await;
}

#[tokio::test]
async fn jwt_denials_survive_a_restart() {
    let file = TestFile::new();
    let first = store(&file, 2).await;
    let second = SqliteStore::open(file.path()).await.expect("open again");
    scenarios::jwt_denials_are_durable(first, second).await;
}

#[tokio::test]
async fn jwt_store_revocations_survive_a_restart() {
    let file = TestFile::new();
    let first = store(&file, 2).await;
    let second = SqliteStore::open(file.path()).await.expect("open again");
    scenarios::jwt_store_revocations_survive_a_restart(first, second).await;
}

/// A file migrated by the first version gets the deny-list tables and the
/// clients' keys, and keeps its tokens, revocations and clients.
#[tokio::test]
async fn a_version_1_file_is_upgraded_in_place() {
    let file = TestFile::new();
    let store = store(&file, 2).await;
    store.seed(&testkit::seed()).await.expect("seed");
    scenarios::revoke(&store, "AT1").await;
    let back_to_v1 = concat!(
        support::undo_version_5!(),
        "DROP TABLE tower_revoke_denied_jtis; DROP TABLE tower_revoke_subject_cutoffs;
        ALTER TABLE tower_revoke_tokens DROP COLUMN rotated_at;
        ALTER TABLE tower_revoke_tokens DROP COLUMN scope;
        DELETE FROM tower_revoke_migrations WHERE version >= 2;"
    );
    support::sqlite::undo_version_6(store.pool()).await;
    sqlx::raw_sql(back_to_v1)
        .execute(store.pool())
        .await
        .unwrap();
    store.migrate().await.expect("upgrade");
    assert!(
        !scenarios::is_active(&store, "AT1").await,
        "AT1 stays revoked"
    );
    assert!(scenarios::is_active(&store, "AT2").await);
    let jwt = tower_revoke::store::JwtRecord {
        issuer: "i",
        jti: "j",
        subject: "s",
        issued_at: 1,
    };
    use tower_revoke::JwtDenyList;
    assert!(store.deny_jwt(&jwt, 4_102_444_800).await.unwrap());
    support::assertions::keys_after_an_upgrade(&store).await;
}

#[tokio::test]
async fn open_creates_the_file_in_wal_mode() {
    let file = TestFile::new();
    let store = SqliteStore::open(file.path()).await.expect("open");
    store.migrate().await.expect("migrate");
    store.migrate().await.expect("migrate again");
    assert!(file.path().exists());
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let versions: i64 = sqlx::query_scalar("SELECT count(*) FROM tower_revoke_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(versions, 8);
}

/// Set for the child processes of `several_processes_share_one_file`: the
/// database file they open.
const CHILD_DB: &str = "TOWER_REVOKE_SQLX_CHILD_DB";
const GRANTS: usize = 100;

/// The body of each child process of `several_processes_share_one_file`,
/// which runs this test binary again with `CHILD_DB` set; without it,
/// this test returns at once. Revokes every grant's refresh token, all at
/// once, and prints how many it was first to revoke.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn child_process_revokes_every_grant() {
    let Ok(path) = std::env::var(CHILD_DB) else {
        return;
    };
    let store = SqliteStore::new(support::sqlite::pool(path.as_ref(), 4).await);
    let tasks: Vec<_> = (0..GRANTS)
        .map(|g| {
            let store = store.clone();
            tokio::spawn(async move { scenarios::revoke(&store, &format!("R{g}")).await })
        })
        .collect();
    let mut revoked = 0;
    for task in tasks {
        match task.await.unwrap() {
            RevocationOutcome::Revoked { .. } => revoked += 1,
            RevocationOutcome::NotFound => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    println!("revoked={revoked}");
}

/// The name the test harness knows [`child_process_revokes_every_grant`]
/// by: its path in this test binary, without the binary's name.
fn child_test_name() -> String {
    let module = module_path!().split_once("::").map_or("", |(_, path)| path);
    format!("{module}::child_process_revokes_every_grant")
}

/// Four processes (and this one) revoke the same grants in one file at
/// once: each refresh token is revoked exactly once across all of them,
/// nobody gets `SQLITE_BUSY`, and every token ends inactive.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_processes_share_one_file() {
    let file = TestFile::new();
    let store = store(&file, 4).await;
    store
        .seed(&testkit::grant_seed(GRANTS))
        .await
        .expect("seed");
    let children: Vec<_> = (0..4)
        .map(|_| {
            Command::new(std::env::current_exe().unwrap())
                .args([&child_test_name(), "--exact", "--nocapture"])
                .env(CHILD_DB, file.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start a child process")
        })
        .collect();
    // Meanwhile, revoke every grant's access token A from this process.
    let tasks: Vec<_> = (0..GRANTS)
        .map(|g| {
            let store = store.clone();
            tokio::spawn(async move { scenarios::revoke(&store, &format!("A{g}")).await })
        })
        .collect();
    for task in tasks {
        let outcome = task.await.unwrap();
        assert!(
            matches!(
                outcome,
                RevocationOutcome::Revoked { .. } | RevocationOutcome::NotFound
            ),
            "{outcome:?}"
        );
    }
    let outputs = tokio::task::spawn_blocking(move || {
        let wait = |child: std::process::Child| child.wait_with_output().unwrap();
        children.into_iter().map(wait).collect::<Vec<_>>()
    })
    .await
    .unwrap();
    let mut revoked = 0;
    for output in outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
        let count = stdout.lines().find_map(|l| l.strip_prefix("revoked="));
        let count: usize = count.expect("the child's count").parse().unwrap();
        revoked += count;
    }
    assert_eq!(
        revoked, GRANTS,
        "each refresh token revoked once across processes"
    );
    for g in 0..GRANTS {
        for name in ["A", "B", "R"] {
            let token = format!("{name}{g}");
            assert!(!scenarios::is_active(&store, &token).await, "{token}");
        }
    }
}

/// Revocations that queue while another connection holds SQLite's write
/// lock share one transaction once it is released; the one a trigger
/// refuses fails alone (see the scenario).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_revocation_fails_alone_in_a_shared_commit() {
    let file = TestFile::new();
    let store = store(&file, 6).await;
    store.seed(&testkit::grant_seed(16)).await.expect("seed");
    let refuse = format!(
        "CREATE TRIGGER refuse BEFORE UPDATE OF revoked_at ON tower_revoke_tokens
         WHEN NEW.digest = X'{}' BEGIN SELECT RAISE(ABORT, '{}'); END",
        scenarios::REFUSED.to_hex(),
        scenarios::REFUSAL
    );
    sqlx::raw_sql(&refuse).execute(store.pool()).await.unwrap();
    let blocker = store.pool().begin_with("BEGIN IMMEDIATE").await.unwrap();
    let release = async move { blocker.commit().await.unwrap() };
    scenarios::a_failing_revocation_fails_alone(store, release).await;
}
