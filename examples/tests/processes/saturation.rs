//! A saturated pool and a slow database (issue 20): the demo on
//! PostgreSQL with a pool of `POOL` connections
//! (`TOWER_REVOKE_PG_MAX_CONNECTIONS`) and the guard cache on, and
//! `REVOCATIONS` revocations and `CHECKS` guard checks (`GET /me` with
//! tokens whose answer the cache holds) sent at once, each on a
//! connection of its own; once as it is, once with every `UPDATE` of a
//! token made slow by a trigger (`pg_sleep`), so that the revocations
//! queue for the pool past its acquire timeout.
//!
//! Every request is answered within the acquire timeout plus `MARGIN`:
//! a revocation 200 `{}` or 503 `temporarily_unavailable` with
//! `Retry-After`, never another status or no answer; every guard check
//! 200, from the cache, while the pool is exhausted. Afterwards exactly
//! the tokens whose revocation got 200 are revoked in the database
//! (never a lost revocation, never one the client was told failed), and
//! each 503 succeeds when sent again. The latencies are printed.

use crate::demo::{Answer, Demo, SeedFile};
use crate::services::{self, POSTGRES_URL};
use crate::shared_store::Shared;
use http::Method;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower_revoke_examples::store::POSTGRES_ACQUIRE_TIMEOUT;
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};
use tower_revoke_test_support::desc;
use tower_revoke_test_support::store::digest;

const POOL: (&str, &str) = ("TOWER_REVOKE_PG_MAX_CONNECTIONS", "4");
/// Longer than the test: a warm token's answer stays in the cache.
const CACHE: (&str, &str) = ("TOWER_REVOKE_GUARD_CACHE", "120s");
const REVOCATIONS: usize = 250;
const CHECKS: usize = 250;
/// On top of the acquire timeout, for a loaded 2-core machine.
const MARGIN: Duration = Duration::from_secs(5);
/// The demo logs each 503 and each slow acquire: hundreds of lines here.
const QUIET: (&str, &str) = ("RUST_LOG", "error,tower_revoke::response::error=off");
/// How long the slow database takes to update each token's row.
const SLOW_UPDATE: &str = "0.1";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_small_pool_answers_every_request_in_bounds_and_loses_no_revocation() {
    let test = "postgres_small_pool_answers_every_request_in_bounds_and_loses_no_revocation";
    saturate(test, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_slow_database_answers_every_request_in_bounds_and_loses_no_revocation() {
    let test = "postgres_slow_database_answers_every_request_in_bounds_and_loses_no_revocation";
    saturate(test, true).await;
}

/// What one request of the burst got, and how long it took.
struct Sent {
    token: usize,
    revocation: bool,
    answer: Result<Answer, String>,
    took: Duration,
}

async fn saturate(test: &str, slow: bool) {
    let _one_at_a_time = crate::serial().await;
    let Some(shared) = Shared::create(POSTGRES_URL, test).await else {
        return;
    };
    let seed = SeedFile::access_tokens(&services::unique_name("sat"), REVOCATIONS + CHECKS);
    let demo = Demo::start(shared.url(), seed.path(), &[POOL, CACHE, QUIET]).await;
    let demo = Arc::new(demo);
    // The listener flushes the cache when it connects: warm it after.
    shared.wait_for_listeners(1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    for token in &seed.tokens[REVOCATIONS..] {
        assert_eq!(demo.me_status(token).await, 200, "warm {token}");
    }
    let mut admin = PgConnection::connect(shared.url()).await.unwrap();
    if slow {
        let trigger = format!(
            "CREATE FUNCTION trx_slow() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN PERFORM pg_sleep({SLOW_UPDATE}); RETURN NEW; END $$; \
             CREATE TRIGGER trx_slow BEFORE UPDATE ON tower_revoke_tokens \
             FOR EACH ROW EXECUTE FUNCTION trx_slow();"
        );
        sqlx::raw_sql(&trigger).execute(&mut admin).await.unwrap();
    }

    let tokens: Arc<[String]> = seed.tokens.clone().into();
    let started = Instant::now();
    let mut burst = Vec::new();
    for token in 0..REVOCATIONS + CHECKS {
        let (demo, tokens) = (demo.clone(), tokens.clone());
        burst.push(tokio::spawn(async move {
            let at = Instant::now();
            let revocation = token < REVOCATIONS;
            let answer = match revocation {
                true => demo.revoke(&tokens[token]).await,
                false => demo.me(&tokens[token]).await,
            };
            Sent {
                token,
                revocation,
                answer,
                took: at.elapsed(),
            }
        }));
    }
    let mut sent = Vec::new();
    for request in burst {
        sent.push(request.await.expect("a client panicked"));
    }
    let wall = started.elapsed();
    if slow {
        sqlx::raw_sql("DROP TRIGGER trx_slow ON tower_revoke_tokens")
            .execute(&mut admin)
            .await
            .unwrap();
    }

    let bound = POSTGRES_ACQUIRE_TIMEOUT + MARGIN;
    let (mut revoked, mut unavailable) = (BTreeSet::new(), BTreeSet::new());
    let (mut revoked_took, mut unavailable_took, mut checks_took) = (vec![], vec![], vec![]);
    for Sent {
        token,
        revocation,
        answer,
        took,
    } in sent
    {
        let name = &tokens[token];
        let answer = answer.unwrap_or_else(|e| panic!("{name}: no answer ({e}) after {took:?}"));
        assert!(
            took <= bound,
            "{name}: answered after {took:?}, over {bound:?}"
        );
        if !revocation {
            let reply = answer.into_reply(Method::GET).await;
            let me = br#"{"client_id":"app1","sub":"alice"}"#;
            reply.assert(200, me, &[("content-type", "application/json")]);
            checks_took.push(took);
            continue;
        }
        let status = answer.status.as_u16();
        let reply = answer.into_reply(Method::POST).await;
        match status {
            200 => {
                reply.assert_revoked_with(&[crate::token::VARY_ORIGIN]);
                revoked.insert(token);
                revoked_took.push(took);
            }
            503 => {
                let headers = [("retry-after", "5"), crate::token::VARY_ORIGIN];
                reply.assert_error(503, "temporarily_unavailable", desc::UNAVAILABLE, &headers);
                unavailable.insert(token);
                unavailable_took.push(took);
            }
            _ => panic!("{name}: revocation answered {reply:?}"),
        }
    }
    let label = if slow { "slow database" } else { "small pool" };
    eprintln!(
        "{label} (pool {}, acquire timeout {POSTGRES_ACQUIRE_TIMEOUT:?}): {} requests in {wall:?}; \
         revocations {} x 200, {} x 503; guard checks {} x 200",
        POOL.1,
        REVOCATIONS + CHECKS,
        revoked.len(),
        unavailable.len(),
        checks_took.len()
    );
    for (what, samples) in [
        ("revocations answered 200", &mut revoked_took),
        ("revocations answered 503", &mut unavailable_took),
        ("guard checks (cache)", &mut checks_took),
    ] {
        if !samples.is_empty() {
            let (p50, p99, max) = crate::instances::distribution(samples);
            eprintln!("{label}: {what}: p50 {p50:?}, p99 {p99:?}, max {max:?}");
        }
    }
    if slow {
        assert!(
            !unavailable.is_empty(),
            "the pool was exhausted: some revocations waited out the acquire timeout"
        );
    }

    // Exactly the revocations answered 200 are in force.
    assert_eq!(revoked_in_database(&mut admin, &tokens).await, revoked);
    // Each 503 changed nothing, and succeeds when sent again.
    for &token in &unavailable {
        let answer = demo.revoke(&tokens[token]).await.expect("an answer");
        let reply = answer.into_reply(Method::POST).await;
        reply.assert_revoked_with(&[crate::token::VARY_ORIGIN]);
    }
    let all: BTreeSet<usize> = (0..REVOCATIONS).collect();
    assert_eq!(revoked_in_database(&mut admin, &tokens).await, all);
    for token in [0, REVOCATIONS - 1] {
        assert_eq!(demo.me_status(&tokens[token]).await, 401);
    }
    admin.close().await.ok();
}

/// The indexes of `tokens` whose row is revoked, read in the database.
async fn revoked_in_database(admin: &mut PgConnection, tokens: &[String]) -> BTreeSet<usize> {
    let rows: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT digest FROM tower_revoke_tokens WHERE revoked_at IS NOT NULL")
            .fetch_all(admin)
            .await
            .unwrap();
    let rows: BTreeSet<Vec<u8>> = rows.into_iter().collect();
    let stored: Vec<bool> = tokens
        .iter()
        .map(|token| rows.contains(digest(token).as_bytes().as_slice()))
        .collect();
    (0..tokens.len()).filter(|&i| stored[i]).collect()
}
