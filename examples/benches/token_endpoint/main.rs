//! The demo's token endpoint on the durable stores (issue 19): requests
//! per second at 1 and 16 concurrent clients on SQLite and PostgreSQL, for
//! issuing (`grant_type=client_credentials`) and rotating
//! (`grant_type=refresh_token`), and what one request costs the database:
//! round trips and transactions.
//!
//! ```sh
//! eval "$(scripts/services start postgres)"   # else the PostgreSQL figures are skipped
//! cargo bench -p tower-revoke-examples --bench token_endpoint
//! ```
//!
//! In process, as `sql_revocation`: each request is an `http::Request` sent
//! to the demo's app (`demo::app_with`, default configuration:
//! no grace period, no guard cache, no JWTs) with `tower::ServiceExt::oneshot`
//! from 1 or 16 tasks on a two-thread tokio runtime; no sockets between
//! client and app. The store is opened as the demo opens it
//! (`StoreChoice::open`: `SqliteStore::open`'s pool of 4 connections, WAL,
//! `synchronous = FULL`; for PostgreSQL a database of the bench's own,
//! created by the demo's code, and its lazy pool: sqlx's default of 10
//! connections, `test_before_acquire(true)`, 3 s acquire timeout),
//! migrated and seeded with client `app1` and 17 refresh tokens, each the
//! head of a chain. Every request uses `client_secret_basic`.
//!
//! - issue: `grant_type=client_credentials`; every answer is checked to be
//!   200.
//! - rotate: `grant_type=refresh_token`, each client following a chain of
//!   its own: it presents the refresh token its previous answer gave it,
//!   so every request is a first rotation, never reuse (16 clients, 16
//!   independent chains). Every answer is checked to be 200 with a new
//!   refresh token, and afterwards the rows are counted: one rotated token
//!   per rotation, two new tokens per rotation, one per issue.
//!
//! # What one request costs, and how it is counted
//! Measured, not asserted, after a warm-up, over 20 sequential requests of
//! each case on one connection (its statements prepared):
//!
//! - PostgreSQL, round trips: through test-support's `pg_wire_proxy`
//!   between the pool and the server, which reads the frontend protocol:
//!   a round trip is a `Sync` or a simple `Query` (each makes the server
//!   answer `ReadyForQuery`, which sqlx waits for before sending anything
//!   more), a ping a `Sync` alone in its batch, a statement an `Execute` or
//!   a `Query`. Exact, however TCP splits the bytes. The pool has one
//!   connection and the demo's other settings (`test_before_acquire`:
//!   sqlx pings on every acquire, and on every release, after the store
//!   call). The round trips of the table are all of the request's, until
//!   its connection is back in the pool: how many of the release pings
//!   fall before the answer depends on timing (with one connection, the
//!   second store call's acquire waits for the first call's release), how
//!   many there are does not. The PostgreSQL table splits them.
//! - PostgreSQL, transactions: from the server,
//!   `pg_stat_database.xact_commit + xact_rollback` of the bench's database
//!   (read from a connection to another database, so the reads count
//!   nowhere). A backend publishes its counters when it goes idle at most
//!   once a second, so the measured connection runs
//!   `SELECT pg_stat_force_next_flush()` (PostgreSQL 15) before the first
//!   reading and before the second: each flush completes before the
//!   server's `ReadyForQuery`; the second `SELECT`'s own transaction is
//!   taken off. Every other connection to the database is closed (and its
//!   backend gone) before. Exact unless an autovacuum worker visits the
//!   database in the window; the bench runs `VACUUM ANALYZE` before it so
//!   that none has work there, but a visit of the launcher's would still
//!   show, as a fraction over 20 requests.
//!   `pg_stat_statements` is not used: it needs `shared_preload_libraries`,
//!   a restart of the shared server.
//! - SQLite (in process: no network round trips): every statement SQLite
//!   runs on the store's connections, counted by `sqlite3_trace_v2`
//!   (`SQLITE_TRACE_STMT`, through sqlx's `LockedSqliteHandle`), `BEGIN
//!   IMMEDIATE` and `COMMIT` included; each is one exchange with sqlx's
//!   worker thread of the connection, the "round trips" of the table. A
//!   statement that starts while the connection is in autocommit mode
//!   (`sqlite3_get_autocommit`) starts a transaction (a `BEGIN`, or a lone
//!   statement): that is the transactions column. sqlx's pings (a command
//!   to the worker thread, no statement) are not counted: SQLite has no
//!   hook that sees them.
//!
//! # One run
//! On a noisy 2-core machine (other engineers' builds ran beside it, load
//! average about 9), two runs one after the other, PostgreSQL 15 on
//! loopback (`scripts/services`: fsync and synchronous_commit off),
//! SQLite in the temporary directory:
//!
//! ```text
//! | case   | store      | clients | req/s run 1 | req/s run 2 | round trips | transactions |
//! |--------|------------|---------|-------------|-------------|-------------|--------------|
//! | issue  | SQLite     | 1       | 1095        | 1511        | 5.00        | 2.00         |
//! | issue  | SQLite     | 16      | 969         | 1571        | 5.00        | 2.00         |
//! | rotate | SQLite     | 1       | 686         | 1351        | 9.00        | 2.00         |
//! | rotate | SQLite     | 16      | 767         | 1170        | 9.00        | 2.00         |
//! | issue  | PostgreSQL | 1       | 1423        | 1186        | 6.00        | 2.00         |
//! | issue  | PostgreSQL | 16      | 3871        | 4348        | 6.00        | 2.00         |
//! | rotate | PostgreSQL | 1       | 1047        | 1226        | 6.00        | 2.05         |
//! | rotate | PostgreSQL | 16      | 2863        | 3218        | 6.00        | 2.05         |
//!
//! PostgreSQL per request (both runs): 2 statements and 4 pings (one per
//! acquire, one per release, for each of the 2 store calls), no prepares.
//! ```
//!
//! After the SQLite rotation inserts its grant once (not once per
//! successor), a third run (same machine, quieter):
//!
//! ```text
//! | case   | store      | clients | req/s | round trips | transactions |
//! |--------|------------|---------|-------|-------------|--------------|
//! | issue  | SQLite     | 1       | 1725  | 5.00        | 2.00         |
//! | issue  | SQLite     | 16      | 1692  | 5.00        | 2.00         |
//! | rotate | SQLite     | 1       | 1057  | 8.00        | 2.00         |
//! | rotate | SQLite     | 16      | 919   | 8.00        | 2.00         |
//! | issue  | PostgreSQL | 1       | 1203  | 6.00        | 2.00         |
//! | issue  | PostgreSQL | 16      | 4730  | 6.00        | 2.00         |
//! | rotate | PostgreSQL | 1       | 934   | 6.00        | 2.05         |
//! | rotate | PostgreSQL | 16      | 2333  | 6.00        | 2.05         |
//! ```
//!
//! The table was measured before the stores held client rows in process
//! (issue 23): since then the client check is answered by the store's
//! client cache once the client's row is read, so a request runs one
//! statement fewer than below (PostgreSQL: one acquire and its pings
//! fewer too). Not measured again yet.
//!
//! What the counts say:
//! - A rotation is one transaction in the store on both databases, as
//!   targeted: on PostgreSQL one statement (`ROTATE`), on SQLite one
//!   `BEGIN IMMEDIATE` ... `COMMIT`. The second transaction of every
//!   request is the client check (`authenticate_client`, a `SELECT` in a
//!   transaction of its own), a separate store call before it.
//! - PostgreSQL: of the 6 round trips of a request, 2 are statements and 4
//!   are sqlx's pings, because the demo's pool keeps `test_before_acquire`
//!   at sqlx's default and each request acquires a connection twice (the
//!   client check, then the rotation or recording): 2 pings on the
//!   request's path, 2 on release (one of which the second acquire may
//!   wait for).
//! - SQLite, rotate: 8 statements: the client check, `BEGIN IMMEDIATE`,
//!   the facts, the rotated mark, one `INSERT` of the grant unless stored
//!   (the first two runs had one per successor, the same grant twice), the
//!   two successors' `INSERT`s, then `COMMIT`. Issue: 5 (the client check,
//!   `BEGIN`, the facts, the token, `COMMIT`).
//! - PostgreSQL, rotate: the server counted 41 transactions for 20
//!   rotations in both runs, where the wire shows 40 statements and no
//!   prepare; where the 41st comes from is not known (issue's window
//!   counts exactly 40).

#[path = "../support/pg_wire.rs"]
mod pg_wire;
mod postgres;
mod sqlite;
#[path = "../support/sqlite_trace.rs"]
mod sqlite_trace;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use demo::App;
use std::fmt;
use std::time::Duration;
use tower::ServiceExt;
use tower_revoke::store::{BoxStore, Seed};
use tower_revoke_examples::demo;
use tower_revoke_examples::store::StoreChoice;
use tower_revoke_test_support::bench;

/// Requests per phase, and the cap on a phase's time.
const WARM_UP: usize = 200;
const ONE_CLIENT: usize = 1_000;
const SIXTEEN_CLIENTS: usize = 4_000;
const PHASE_CAP: Duration = Duration::from_secs(8);

/// The chains of refresh tokens: one per client of the 16, and one more
/// for counting.
const CHAINS: usize = 17;

/// Sequential requests per case whose cost is counted, after a warm-up of
/// [`COUNT_WARM_UP`].
const COUNTED: usize = 20;
const COUNT_WARM_UP: usize = 3;

fn main() {
    bench::two_threads().block_on(async {
        println!("the demo's token endpoint, in process (App::oneshot), 2 runtime threads");
        let mut rows = sqlite::run().await;
        if let Some(url) = bench::postgres_url() {
            rows.extend(postgres::run(&url).await);
        }
        println!("\n| case | store | clients | requests | req/s | round trips | transactions |");
        println!("|---|---|---|---|---|---|---|");
        for row in &rows {
            println!("{row}");
        }
    });
}

/// The two requests measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Issue,
    Rotate,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Issue => "issue",
            Self::Rotate => "rotate",
        })
    }
}

/// One line of the table: a phase, and what one request of its case
/// costs.
struct Row {
    case: Case,
    store: &'static str,
    clients: usize,
    requests: usize,
    per_second: f64,
    cost: Cost,
}

/// What one request costs the database, on average over [`COUNTED`].
#[derive(Debug, Clone, Copy)]
struct Cost {
    round_trips: f64,
    transactions: f64,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            case,
            store,
            clients,
            requests,
            per_second,
            cost,
        } = self;
        write!(
            f,
            "| {case} | {store} | {clients} | {requests} | {per_second:.0} | {:.2} | {:.2} |",
            cost.round_trips, cost.transactions
        )
    }
}

/// Client `app1` (secret `s3cr3t`) and the heads of [`CHAINS`] chains
/// (refresh tokens, each in a grant of its own); returns the heads.
fn seed() -> (Seed, Vec<String>) {
    let heads: Vec<String> = (0..CHAINS).map(|i| format!("chain-{i}")).collect();
    let entries: Vec<String> = heads
        .iter()
        .map(|t| {
            format!(
                r#"{{"token":"{t}","type":"refresh_token","client_id":"app1","grant_id":"{t}","subject":"bench"}}"#
            )
        })
        .collect();
    let json = format!(
        r#"{{"clients":[{{"client_id":"app1","client_secret":"s3cr3t"}}],"tokens":[{}]}}"#,
        entries.join(",")
    );
    (Seed::from_json(&json).unwrap(), heads)
}

/// The demo's app on `store`, configured as the demo is by default.
fn app(store: BoxStore) -> App {
    demo::app_with(store, &demo::Config::from_vars(|_| None))
}

fn token_request(body: String) -> Request<Body> {
    Request::post("/oauth/token")
        // base64("app1:s3cr3t")
        .header(header::AUTHORIZATION, "Basic YXBwMTpzM2NyM3Q=")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap()
}

/// Issues one access token; checks the answer is 200.
async fn issue(app: &App) {
    let request = token_request("grant_type=client_credentials".to_owned());
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "client_credentials");
}

/// Rotates `refresh_token`; checks the answer is 200 and returns the new
/// refresh token.
async fn rotate(app: &App, refresh_token: &str) -> String {
    // Generated tokens are URL-safe base64, the heads plain: no escaping.
    let body = format!("grant_type=refresh_token&refresh_token={refresh_token}");
    let response = app.clone().oneshot(token_request(body)).await.unwrap();
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "rotate: {body:?}");
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
    answer["refresh_token"].as_str().unwrap().to_owned()
}

/// `requests` issues from `clients` tasks.
async fn issue_phase(app: &App, clients: usize, requests: usize) -> bench::Phase<()> {
    bench::clients(clients, requests, PHASE_CAP, |_, tickets| {
        let app = app.clone();
        async move {
            while tickets.take().is_some() {
                issue(&app).await;
            }
        }
    })
    .await
}

/// `requests` rotations from one task per chain of `chains`, each
/// following its own chain; the chains move on to their last tokens.
async fn rotate_phase(app: &App, chains: &mut [String], requests: usize) -> bench::Phase<()> {
    let phase = bench::clients(chains.len(), requests, PHASE_CAP, |i, tickets| {
        let (app, mut token) = (app.clone(), chains[i].clone());
        async move {
            while tickets.take().is_some() {
                token = rotate(&app, &token).await;
            }
            token
        }
    })
    .await;
    chains.clone_from_slice(&phase.outputs);
    bench::Phase {
        outputs: Vec::new(),
        requests: phase.requests,
        per_second: phase.per_second,
    }
}

/// What the throughput phases did: their rows (without costs yet), and
/// how many issues and rotations they made in all.
struct Throughput {
    phases: Vec<(Case, usize, usize, f64)>,
    issued: usize,
    rotated: usize,
}

/// The throughput phases on the store `choice` names, opened, migrated
/// and seeded with [`seed`] as the demo does; what they did, and the chains
/// where they left them.
async fn on_demo_store(choice: StoreChoice) -> (Throughput, Vec<String>) {
    let (seed, mut chains) = seed();
    let opened = choice.open(&seed, None).await.unwrap();
    let done = throughput(&app(opened.store), &mut chains).await;
    (done, chains)
}

/// Warm-up, then 1 client, then 16, issuing and then rotating (the first
/// 16 chains of `chains`).
async fn throughput(app: &App, chains: &mut [String]) -> Throughput {
    let mut done = Throughput {
        phases: Vec::new(),
        issued: issue_phase(app, 4, WARM_UP).await.requests,
        rotated: 0,
    };
    for (clients, requests) in [(1, ONE_CLIENT), (16, SIXTEEN_CLIENTS)] {
        let phase = issue_phase(app, clients, requests).await;
        done.phases
            .push((Case::Issue, clients, phase.requests, phase.per_second));
        done.issued += phase.requests;
    }
    done.rotated += rotate_phase(app, &mut chains[..16], WARM_UP).await.requests;
    for (clients, requests) in [(1, ONE_CLIENT), (16, SIXTEEN_CLIENTS)] {
        let phase = rotate_phase(app, &mut chains[..clients], requests).await;
        done.phases
            .push((Case::Rotate, clients, phase.requests, phase.per_second));
        done.rotated += phase.requests;
    }
    done
}

impl Throughput {
    /// The table's rows, with the costs counted.
    fn rows(&self, store: &'static str, issue: Cost, rotate: Cost) -> Vec<Row> {
        let rows = self
            .phases
            .iter()
            .map(|&(case, clients, requests, per_second)| Row {
                case,
                store,
                clients,
                requests,
                per_second,
                cost: if case == Case::Issue { issue } else { rotate },
            });
        rows.collect()
    }
}

/// The rows the bench's requests must have left: `(rotated, tokens)`,
/// refresh tokens marked rotated and tokens in all.
fn expected_rows(issued: usize, rotated: usize) -> (i64, i64) {
    let tokens = CHAINS + issued + 2 * rotated;
    (rotated as i64, tokens as i64)
}

/// The query that counts them.
const ROWS: &str = "SELECT count(rotated_at), count(*) FROM tower_revoke_tokens";

/// Issues and rotations (on `chain`) on one client, to warm up a store
/// whose cost is counted next: its connections open, its statements
/// prepared.
async fn warm_up(app: &App, chain: &mut String) {
    for _ in 0..COUNT_WARM_UP {
        issue(app).await;
        *chain = rotate(app, chain).await;
    }
}
