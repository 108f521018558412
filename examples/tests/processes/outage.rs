//! PostgreSQL goes away while the demo runs (issue 11): a revocation gets
//! 503 with `Retry-After` and changes nothing; once PostgreSQL is back,
//! the same request succeeds from the same process, never restarted.
//!
//! The demo runs on a PostgreSQL cluster of the test's own (started and
//! paused with `scripts/services`), never on the shared test server. It
//! runs wherever the PostgreSQL tests run, as root as the script does.

use crate::demo::Demo;
use crate::services::{self, PostgresCluster};
use tower_revoke_examples::demo::SEED;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoke_is_503_while_postgres_is_down_then_succeeds_without_restart() {
    let test = "revoke_is_503_while_postgres_is_down_then_succeeds_without_restart";
    if services::url(services::POSTGRES_URL, test).is_none() {
        return;
    }
    let _one_at_a_time = crate::serial().await;
    let cluster = tokio::task::spawn_blocking(PostgresCluster::start)
        .await
        .unwrap();
    let mut demo = Demo::start(&cluster.url, SEED, &[]).await;
    assert_eq!(demo.me_status("AT1").await, 200);
    let answer = demo.revoke("AT2").await.unwrap();
    assert_eq!(answer.status, 200, "a revocation before the outage");

    cluster.pause().await;
    for _ in 0..2 {
        let answer = demo.revoke("AT1").await.expect("the demo answers");
        assert_eq!(answer.status, 503, "revoke while PostgreSQL is down");
        let retry = answer.retry_after.expect("a 503 says when to retry");
        assert!(retry.parse::<u64>().is_ok_and(|s| s > 0), "{retry}");
    }

    cluster.resume().await;
    assert!(demo.is_running(), "the same process, never restarted");
    assert_eq!(demo.me_status("AT1").await, 200, "the 503 changed nothing");
    let answer = demo.revoke("AT1").await.unwrap();
    assert_eq!(answer.status, 200, "the same request, after the outage");
    assert_eq!(demo.me_status("AT1").await, 401);
    assert_eq!(demo.me_status("AT2").await, 401, "revoked before, still");
    assert_eq!(demo.me_status("PAT1").await, 200);
}
