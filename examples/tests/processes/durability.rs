//! A 200 is for good (issue 11): the demo on SQLite and on PostgreSQL
//! answers a flood of revocations from 16 concurrent clients, is killed
//! with SIGKILL mid-flood, and is started again on the same store and
//! seed. Every token whose revocation got a 200 is refused at `/me`; every
//! token never sent is still accepted. Requests cut by the kill may have
//! committed or not: either answer is right for them.

use crate::demo::{Demo, SeedFile};
use crate::services::{self, Database};
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Notify;

/// Tokens in the seed, all revoked by the flood unless it is cut.
const TOKENS: usize = 200;
/// Concurrent clients.
const CLIENTS: usize = 16;
/// The server is killed once this many revocations got their 200.
const KILL_AFTER: usize = 60;

/// What each token went through during the flood.
#[derive(Default)]
struct Flood {
    /// Revocations answered 200.
    revoked: BTreeSet<usize>,
    /// Sent, with no answer (cut by the kill).
    cut: BTreeSet<usize>,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_revocations_survive_sigkill_mid_flood() {
    let _one_at_a_time = crate::serial().await;
    let dir = std::env::temp_dir().join(services::unique_name("trx-sqlite"));
    std::fs::create_dir_all(&dir).unwrap();
    let store = format!("sqlite://{}", dir.join("revocations.db").display());
    assert_durable(&store).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_revocations_survive_sigkill_mid_flood() {
    let test = "postgres_revocations_survive_sigkill_mid_flood";
    let Some(server) = services::url(services::POSTGRES_URL, test) else {
        return;
    };
    let _one_at_a_time = crate::serial().await;
    let database = Database::create(&server).await;
    assert_durable(&database.url).await;
}

/// The memory store forgets every revocation when the process dies: the
/// same check, run on it, sees the revoked tokens active again (so the
/// check can fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_revocations_are_lost_on_restart() {
    let _one_at_a_time = crate::serial().await;
    let (flood, statuses) = flood_kill_restart("memory").await;
    for i in &flood.revoked {
        assert_eq!(statuses[*i], 200, "token {i} is active again");
    }
}

async fn assert_durable(store: &str) {
    let (flood, statuses) = flood_kill_restart(store).await;
    let mut cut_revoked = 0;
    for (i, status) in statuses.into_iter().enumerate() {
        if flood.revoked.contains(&i) {
            assert_eq!(status, 401, "token {i} got a 200 revoke before the kill");
        } else if flood.cut.contains(&i) {
            assert!(status == 401 || status == 200, "token {i}: {status}");
            cut_revoked += usize::from(status == 401);
        } else {
            assert_eq!(status, 200, "token {i} was never sent");
        }
    }
    eprintln!("{store}: of the cut revocations, {cut_revoked} had committed");
}

/// Floods the demo on `store`, kills it mid-flood, starts it again on the
/// same store and seed: what the flood did, and each token's status at
/// `/me` after the restart.
async fn flood_kill_restart(store: &str) -> (Flood, Vec<u16>) {
    let seed = SeedFile::access_tokens(&services::unique_name("dur"), TOKENS);
    let demo = Arc::new(Demo::start(store, seed.path(), &[]).await);
    let flood = flood_until_killed(&demo, &seed.tokens).await;
    let demo = Arc::into_inner(demo).expect("the clients are done");
    demo.wait_killed().await;

    let sent = flood.revoked.len() + flood.cut.len();
    eprintln!(
        "{store}: {} revoked (200), {} cut by the kill, {} never sent",
        flood.revoked.len(),
        flood.cut.len(),
        TOKENS - sent
    );
    assert!(
        flood.revoked.len() >= KILL_AFTER,
        "the flood reached the kill"
    );
    assert!(
        sent < TOKENS,
        "the kill came mid-flood: some tokens never sent"
    );

    let demo = Demo::start(store, seed.path(), &[]).await;
    if store != "memory" {
        assert!(
            demo.store_line.ends_with("0 new client(s), 0 new token(s)"),
            "seeding again inserts nothing: {}",
            demo.store_line
        );
    }
    let mut statuses = Vec::new();
    for token in &seed.tokens {
        statuses.push(demo.me_status(token).await);
    }
    (flood, statuses)
}

/// Revokes the tokens from `CLIENTS` concurrent clients, SIGKILLs the demo
/// after `KILL_AFTER` 200s, and stops each client at its first request
/// without an answer.
async fn flood_until_killed(demo: &Arc<Demo>, tokens: &[String]) -> Flood {
    let next = Arc::new(AtomicUsize::new(0));
    let flood = Arc::new(Mutex::new(Flood::default()));
    let reached = Arc::new(Notify::new());
    let tokens: Arc<[String]> = tokens.into();
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (demo, next, flood) = (demo.clone(), next.clone(), flood.clone());
        let (reached, tokens) = (reached.clone(), tokens.clone());
        clients.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(token) = tokens.get(i) else { return };
                match demo.revoke(token).await {
                    Ok(answer) => {
                        assert_eq!(answer.status, 200, "revoke {token}");
                        let mut flood = flood.lock().unwrap();
                        flood.revoked.insert(i);
                        if flood.revoked.len() == KILL_AFTER {
                            reached.notify_one();
                        }
                    }
                    Err(_) => {
                        flood.lock().unwrap().cut.insert(i);
                        return;
                    }
                }
            }
        }));
    }
    let wait = std::time::Duration::from_secs(120);
    tokio::time::timeout(wait, reached.notified())
        .await
        .expect("60 revocations answered within 120 s");
    demo.sigkill();
    for client in clients {
        client.await.expect("a client panicked");
    }
    Arc::into_inner(flood).unwrap().into_inner().unwrap()
}
