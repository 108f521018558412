//! What the replay check of `private_key_jwt` (RFC 7523 §3 item 7) costs
//! on each store the demo runs on: the latency of
//! `ClientAssertionStore::use_assertion` (median and p99) and the round
//! trips of one call, for a first use (every accepted assertion pays it)
//! and for a replay (refused).
//!
//! ```sh
//! eval "$(scripts/services start)"   # else the PostgreSQL and Redis figures are skipped
//! cargo bench -p tower-revoke-examples --bench assertion_replay
//! ```
//!
//! Each store is opened as the demo opens it (`StoreChoice::open`: the
//! memory store; `SqliteStore::open`'s pool of 4 connections, WAL,
//! `synchronous = FULL`, a file in the temporary directory; PostgreSQL's
//! lazy pool of 10 connections with `test_before_acquire`, on a database of
//! the bench's own that the demo's code creates and migrates; Redis's
//! `ConnectionManager`), and the demo's assertion store
//! (`Opened::assertions`, an `Arc<dyn DynClientAssertionStore>`) is called
//! directly, one call at a time, on a two-thread tokio runtime: no HTTP,
//! no signature (the verifier's other costs). Each call records a fresh
//! digest (`AssertionDigest::of("bench", jti)`), expiring a minute later;
//! the replays present the same digests again. Latency: [`CALLS`] calls of
//! each case after [`WARM_UP`].
//!
//! Round trips, over [`COUNTED`] calls of each case after a warm-up, on a
//! second handle on the same database, opened the same way, whose traffic
//! is counted:
//! - SQLite (in process): every statement SQLite runs on the store's
//!   connections (`sqlite3_trace_v2`, `BEGIN IMMEDIATE` and `COMMIT`
//!   included), each one exchange with sqlx's worker thread.
//! - PostgreSQL: through test-support's `pg_wire_proxy`, which reads the
//!   frontend protocol: a round trip is a `Sync` or a simple `Query`, a
//!   ping a `Sync` alone in its batch (sqlx's `test_before_acquire` pings
//!   on acquire, and on release after the call: counted here, the whole
//!   cost to the connection). A pool of one connection.
//! - Redis: through test-support's `counting_proxy`: every batch the client
//!   sent and then waited on.
//!
//! # One run
//! On the 2-core machine, other builds running beside it now and then
//! (load average about 1.5), PostgreSQL 15 on loopback
//! (`scripts/services`: fsync and synchronous_commit off), Redis 7 on
//! loopback without persistence, SQLite in the temporary directory:
//!
//! ```text
//! SQLite, per first use over 100 calls: 4.00 statements in 1.00 transactions
//! PostgreSQL, per first use over 100 calls: 3.00 round trips: 1.00 statements
//!   and 2.00 pings (test_before_acquire: one on acquire, one on release); 0.00 prepares
//!
//! | store      | case      | calls | median µs | p99 µs | round trips per call |
//! |------------|-----------|-------|-----------|--------|----------------------|
//! | memory     | first use | 2000  | 0.3       | 1.0    | 0 (in memory)        |
//! | memory     | replay    | 2000  | 0.2       | 0.3    | 0 (in memory)        |
//! | SQLite     | first use | 2000  | 423.2     | 5179.7 | 4.00                 |
//! | SQLite     | replay    | 2000  | 111.0     | 247.6  | 4.00                 |
//! | PostgreSQL | first use | 2000  | 311.1     | 3329.8 | 3.00                 |
//! | PostgreSQL | replay    | 2000  | 342.3     | 7129.0 | 3.00                 |
//! | Redis      | first use | 2000  | 41.8      | 109.8  | 1.00                 |
//! | Redis      | replay    | 2000  | 37.6      | 176.9  | 1.00                 |
//! ```
//!
//! What the counts say:
//! - Redis: one command (`SET key 1 NX PXAT`), one round trip, first use or
//!   replay.
//! - PostgreSQL: one statement (`USE_ASSERTION`: the insert, or the
//!   replaced expired record, and the sweep of a few expired ones, in one
//!   implicit transaction); the other two round trips are sqlx's pings of
//!   `test_before_acquire` (the demo's pool keeps sqlx's default), one on
//!   acquire, on the call's path, one on release, after it.
//! - SQLite: `BEGIN IMMEDIATE`, the insert, the sweep, `COMMIT`: one write
//!   transaction, whose `COMMIT` waits for the disk (`synchronous = FULL`)
//!   on a first use; a replay writes nothing, so its `COMMIT` is cheap.
//!   The p99s of SQLite and PostgreSQL are the machine's: other builds
//!   shared its two cores and its disk.

#[path = "../support/pg_wire.rs"]
mod pg_wire;
#[path = "../support/sqlite_trace.rs"]
mod sqlite_trace;

use pg_wire::one_connection_through_proxy;
use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tower_revoke::client::ClientId;
use tower_revoke::store::{AssertionDigest, AssertionUse, DynClientAssertionStore, Seed};
use tower_revoke_examples::store::StoreChoice;
use tower_revoke_redis::RedisStore;
use tower_revoke_sqlx::sqlx::postgres::PgConnectOptions;
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};
use tower_revoke_sqlx::{PostgresStore, SqliteStore};
use tower_revoke_test_support::bench;
use tower_revoke_test_support::proxy::{counting_proxy, PgCounts};

/// Calls timed per case and store, after [`WARM_UP`].
const CALLS: usize = 2_000;
const WARM_UP: usize = 100;

/// Calls per case whose round trips are counted, after a warm-up of
/// [`WARM_UP`].
const COUNTED: usize = 100;

/// The seconds a recorded use is kept: its assertion's `exp`, a minute
/// ahead.
const KEPT: u64 = 60;

fn main() {
    bench::two_threads().block_on(async {
        println!("use_assertion on each store, one call at a time, 2 runtime threads");
        let mut rows = memory().await;
        rows.extend(sqlite().await);
        if let Some(url) = bench::postgres_url() {
            rows.extend(postgres(&url).await);
        }
        if let Some(url) = bench::redis_url() {
            rows.extend(redis(&url).await);
        }
        println!(
            "\n| store | case | calls | median µs | p99 µs | round trips per call |\n\
             |---|---|---|---|---|---|"
        );
        for row in &rows {
            println!("{row}");
        }
    });
}

/// The two calls measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    /// A fresh assertion: recorded, `First`.
    First,
    /// One recorded before: `Replayed`.
    Replay,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::First => "first use",
            Self::Replay => "replay",
        })
    }
}

/// One line of the table.
struct Row {
    store: &'static str,
    case: Case,
    latency: Latency,
    /// `None` where nothing crosses a boundary (the memory store).
    round_trips: Option<f64>,
}

impl fmt::Display for Row {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Self {
            store,
            case,
            latency,
            round_trips,
        } = self;
        let round_trips = round_trips.map_or("0 (in memory)".to_owned(), |r| format!("{r:.2}"));
        write!(
            f,
            "| {store} | {case} | {} | {:.1} | {:.1} | {round_trips} |",
            latency.calls,
            micros(latency.median),
            micros(latency.p99)
        )
    }
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}

/// The latencies of one case.
#[derive(Clone, Copy)]
struct Latency {
    calls: usize,
    median: Duration,
    p99: Duration,
}

/// A store under test: the demo's assertion store, and the runs' tag (the
/// `jti` prefix, unique to this process and store).
struct Bench {
    store: Arc<dyn DynClientAssertionStore>,
    tag: String,
}

impl Bench {
    fn new(store: Arc<dyn DynClientAssertionStore>, name: &str) -> Self {
        let tag = format!("{name}-{}-{}", std::process::id(), now());
        Self { store, tag }
    }

    /// The digest of the `i`th assertion of `phase`.
    fn digest(&self, phase: &str, i: usize) -> AssertionDigest {
        let client = ClientId::new("bench").unwrap();
        AssertionDigest::of(&client, &format!("{}-{phase}-{i}", self.tag))
    }

    /// `count` calls of `case` for the assertions `0..count` of `phase`,
    /// one at a time, each checked to answer as `case` says; how long each
    /// took.
    async fn calls(&self, case: Case, phase: &str, count: usize) -> Vec<Duration> {
        let expected = match case {
            Case::First => AssertionUse::First,
            Case::Replay => AssertionUse::Replayed,
        };
        let expires_at = now() + KEPT;
        let mut took = Vec::with_capacity(count);
        for i in 0..count {
            let digest = self.digest(phase, i);
            let started = Instant::now();
            let used = self.store.use_assertion(&digest, expires_at).await;
            took.push(started.elapsed());
            assert_eq!(used.expect("the store answers"), expected, "{case}");
        }
        took
    }

    /// The latencies of first uses and then of their replays, after a
    /// warm-up of each.
    async fn latencies(&self) -> [(Case, Latency); 2] {
        self.calls(Case::First, "warm", WARM_UP).await;
        self.calls(Case::Replay, "warm", WARM_UP).await;
        let first = self.calls(Case::First, "timed", CALLS).await;
        let replay = self.calls(Case::Replay, "timed", CALLS).await;
        [
            (Case::First, latency(first)),
            (Case::Replay, latency(replay)),
        ]
    }

    /// The round trips of one call of each case, on average over
    /// [`COUNTED`] calls, as `counter` reads them, after a warm-up.
    async fn round_trips(&self, counter: impl Fn() -> usize) -> [f64; 2] {
        self.calls(Case::First, "count-warm", WARM_UP).await;
        let mut per_call = [0.0; 2];
        for (at, case) in [Case::First, Case::Replay].into_iter().enumerate() {
            let before = counter();
            self.calls(case, "counted", COUNTED).await;
            per_call[at] = (counter() - before) as f64 / COUNTED as f64;
        }
        per_call
    }
}

/// The median and p99 of `took`.
fn latency(mut took: Vec<Duration>) -> Latency {
    took.sort_unstable();
    let calls = took.len();
    Latency {
        calls,
        median: took[calls / 2],
        p99: took[calls * 99 / 100],
    }
}

/// The rows of `store`: its latencies, with `round_trips` (first use,
/// replay) when counted.
fn rows(
    store: &'static str,
    latencies: [(Case, Latency); 2],
    round_trips: Option<[f64; 2]>,
) -> Vec<Row> {
    latencies
        .into_iter()
        .enumerate()
        .map(|(at, (case, latency))| Row {
            store,
            case,
            latency,
            round_trips: round_trips.map(|counted| counted[at]),
        })
        .collect()
}

fn now() -> u64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.expect("after 1970").as_secs()
}

/// The demo's assertion store on `choice`, opened, migrated and seeded
/// (with nothing) as the demo opens it.
async fn open(choice: &StoreChoice) -> Arc<dyn DynClientAssertionStore> {
    let nothing = Seed::from_json(r#"{"clients": []}"#).unwrap();
    let opened = choice.open(&nothing, None).await.unwrap();
    opened.assertions
}

/// The memory store, for reference: no round trip.
async fn memory() -> Vec<Row> {
    let bench = Bench::new(open(&StoreChoice::Memory).await, "memory");
    rows("memory", bench.latencies().await, None)
}

/// SQLite: the latencies on the store as the demo opens it, then the
/// statements of a call counted on a second, traced store over the file.
async fn sqlite() -> Vec<Row> {
    let dir = std::env::temp_dir().join(format!("trx-assertion-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.db");
    let bench = Bench::new(open(&StoreChoice::Sqlite(path.clone())).await, "sqlite");
    let latencies = bench.latencies().await;

    let traced = SqliteStore::open(&path).await.unwrap();
    sqlite_trace::trace(traced.pool()).await;
    let pool = traced.pool().clone();
    let counted = Bench::new(Arc::new(traced), "sqlite-traced");
    let round_trips = counted.round_trips(sqlite_trace::statements).await;
    // How many transactions a first use is, once more.
    let before = (sqlite_trace::statements(), sqlite_trace::transactions());
    counted.calls(Case::First, "split", COUNTED).await;
    let statements = sqlite_trace::statements() - before.0;
    let transactions = sqlite_trace::transactions() - before.1;
    println!(
        "\nSQLite, per first use over {COUNTED} calls: {:.2} statements in {:.2} transactions",
        statements as f64 / COUNTED as f64,
        transactions as f64 / COUNTED as f64,
    );
    pool.close().await;
    std::fs::remove_dir_all(&dir).unwrap();
    rows("SQLite", latencies, Some(round_trips))
}

/// PostgreSQL: the latencies on a database of the bench's own, created,
/// migrated and opened by the demo's code; then the round trips of a call
/// through the protocol-reading proxy, on a pool of one connection.
async fn postgres(url: &str) -> Vec<Row> {
    let database = format!("trx_assertion_bench_{}", std::process::id());
    let mut bench_url = url::Url::parse(url).unwrap();
    bench_url.set_path(&database);
    let choice = StoreChoice::Postgres(bench_url.to_string());
    let bench = Bench::new(open(&choice).await, "postgres");
    let latencies = bench.latencies().await;

    let options: PgConnectOptions = url.parse().unwrap();
    let (pool, wire) = one_connection_through_proxy(&options, &database).await;
    let counted = Bench::new(Arc::new(PostgresStore::new(pool.clone())), "postgres-wire");
    let round_trips = counted.round_trips(|| wire.counts().round_trips).await;
    // What the round trips of a first use are, once more.
    let before = wire.counts();
    counted.calls(Case::First, "split", COUNTED).await;
    let after = wire.counts();
    let per_call = |of: fn(&PgCounts) -> usize| (of(&after) - of(&before)) as f64 / COUNTED as f64;
    println!(
        "\nPostgreSQL, per first use over {COUNTED} calls: {:.2} round trips: {:.2} statements \
         and {:.2} pings (test_before_acquire: one on acquire, one on release); {:.2} prepares",
        per_call(|c| c.round_trips),
        per_call(|c| c.statements),
        per_call(|c| c.pings),
        per_call(|c| c.prepares),
    );
    pool.close().await;
    drop((bench, counted));
    let mut admin = PgConnection::connect_with(&options).await.unwrap();
    let statement = format!("DROP DATABASE {database} WITH (FORCE)");
    sqlx::raw_sql(&statement).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();
    rows("PostgreSQL", latencies, Some(round_trips))
}

/// Redis: the latencies on the store as the demo opens it, then the
/// round trips of a call through a counting proxy.
async fn redis(url: &str) -> Vec<Row> {
    let bench = Bench::new(open(&StoreChoice::Redis(url.to_owned())).await, "redis");
    let latencies = bench.latencies().await;

    let parsed = url::Url::parse(url).unwrap();
    let target = (
        parsed.host_str().unwrap().to_owned(),
        parsed.port().unwrap_or(6379),
    );
    let (port, batches) = counting_proxy(target).await;
    let mut through_proxy = parsed.clone();
    through_proxy.set_port(Some(port)).unwrap();
    let store = RedisStore::connect(through_proxy.as_str()).await.unwrap();
    let counted = Bench::new(Arc::new(store), "redis-counted");
    let round_trips = counted.round_trips(|| batches.load(Ordering::SeqCst)).await;
    rows("Redis", latencies, Some(round_trips))
}
