//! Revocation through the endpoint on the durable stores (issue 11):
//! requests per second at 1 and 16 concurrent clients on SQLite and
//! PostgreSQL, side by side with a hand-written axum + sqlx handler on the
//! same schema (`handwritten.rs`), and PostgreSQL statements, round trips
//! and pings per revocation and per introspection request, read off the
//! wire by test-support's `pg_wire_proxy` (the sqlx store's round-trip
//! test counts round trips on the request's path with `counting_proxy`).
//! The stores hold client rows in process (issue 23), so once the client's
//! row is read a request of either kind runs one statement; the
//! hand-written handler runs two (the client's `SELECT`, the revoke).
//! From 16 tasks the stores commit the revocations that wait together
//! (group commit: one SQLite transaction, one PostgreSQL statement per
//! batch); the hand-written handler commits each on its own.
//!
//! ```sh
//! eval "$(scripts/services start postgres)"   # else the PostgreSQL figures are skipped
//! cargo bench -p tower-revoke-examples --bench sql_revocation
//! ```
//!
//! In process: each request is an `http::Request` sent to the app's axum
//! `Router` with `tower::ServiceExt::oneshot` from 1 or 16 tasks on a
//! two-thread tokio runtime; no sockets between client and app, so the
//! figures are the app, the store and the database (over TCP to
//! PostgreSQL, in process for SQLite), not HTTP parsing. Every request
//! revokes an access token never revoked before, with `client_secret_basic`
//! credentials; every answer is checked to be 200 and the revoked rows are
//! counted afterwards. Each contender gets a fresh database or schema and
//! the same pool: for SQLite, `SqliteStore::open`'s (WAL,
//! `synchronous = FULL`, 4 connections); for PostgreSQL, 16 connections
//! with sqlx's defaults (`test_before_acquire(true)`), as the demo's.

mod handwritten;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::ServiceExt;
use tower_revoke::store::Seed;
use tower_revoke::{IntrospectionEndpointLayer, IssuanceStore, RevocationEndpointLayer};
use tower_revoke_sqlx::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection};
use tower_revoke_sqlx::{PostgresStore, SqliteStore};
use tower_revoke_test_support::bench;
use tower_revoke_test_support::proxy::{pg_wire_proxy, PgCounts, PgWire};

/// Requests per phase, and the cap on a phase's time.
const WARM_UP: usize = 200;
const ONE_CLIENT: usize = 1_500;
const SIXTEEN_CLIENTS: usize = 20_000;
const PHASE_CAP: Duration = Duration::from_secs(8);

fn main() {
    bench::two_threads().block_on(async {
        println!(
            "revocation through the endpoint, in process (Router::oneshot), 2 runtime threads"
        );
        println!("| store | app | clients | requests | req/s |");
        println!("|---|---|---|---|---|");
        sqlite().await;
        if let Some(url) = bench::postgres_url() {
            postgres(&url).await;
        }
    });
}

/// `count` access tokens of client `app1` (secret `s3cr3t`).
fn seed(prefix: &str, count: usize) -> (Seed, Vec<String>) {
    let tokens: Vec<String> = (0..count).map(|i| format!("{prefix}-{i}")).collect();
    let entries: Vec<String> = tokens
        .iter()
        .map(|t| format!(r#"{{"token":"{t}","type":"access_token","client_id":"app1"}}"#))
        .collect();
    let json = format!(
        r#"{{"clients":[{{"client_id":"app1","client_secret":"s3cr3t"}}],"tokens":[{}]}}"#,
        entries.join(",")
    );
    (Seed::from_json(&json).unwrap(), tokens)
}

/// The revocation endpoint, and the introspection endpoint (without the
/// guard cache) for the round-trip counts.
fn ours<St>(store: St) -> Router
where
    St: tower_revoke::RevocationStore + tower_revoke::IntrospectionStore + Clone,
{
    Router::new()
        .fallback(|| async { StatusCode::NOT_FOUND })
        .layer(IntrospectionEndpointLayer::new(store.clone()).path("/oauth/introspect"))
        .layer(RevocationEndpointLayer::new(store).path("/oauth/revoke"))
}

fn revoke_request(token: &str) -> Request<Body> {
    form_request("/oauth/revoke", token)
}

fn introspect_request(token: &str) -> Request<Body> {
    form_request("/oauth/introspect", token)
}

fn form_request(path: &str, token: &str) -> Request<Body> {
    Request::post(path)
        // base64("app1:s3cr3t")
        .header(header::AUTHORIZATION, "Basic YXBwMTpzM2NyM3Q=")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={token}")))
        .unwrap()
}

/// Revokes `tokens` from `clients` tasks until they are all revoked or
/// the phase's time is up; returns how many and the rate.
async fn throughput(app: &Router, tokens: &[String], clients: usize) -> (usize, f64) {
    let tokens: Arc<[String]> = tokens.into();
    let phase = bench::clients(clients, tokens.len(), PHASE_CAP, |_, tickets| {
        let (app, tokens) = (app.clone(), tokens.clone());
        async move {
            while let Some(i) = tickets.take() {
                let token = &tokens[i];
                let response = app.clone().oneshot(revoke_request(token)).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK, "revoke {token}");
            }
        }
    })
    .await;
    (phase.requests, phase.per_second)
}

/// Warm-up, then 1 client, then 16; prints a row per phase; returns how
/// many tokens were revoked in all.
async fn phases(store: &str, name: &str, app: &Router, tokens: &[String]) -> usize {
    let (warm, rest) = tokens.split_at(WARM_UP);
    let (one, sixteen) = rest.split_at(ONE_CLIENT);
    let mut revoked = throughput(app, warm, 4).await.0;
    for (clients, tokens) in [(1, one), (16, sixteen)] {
        let (done, rate) = throughput(app, tokens, clients).await;
        println!("| {store} | {name} | {clients} | {done} | {rate:.0} |");
        revoked += done;
    }
    revoked
}

const TOKENS: usize = WARM_UP + ONE_CLIENT + SIXTEEN_CLIENTS;

async fn sqlite() {
    let dir = std::env::temp_dir().join(format!("trx-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["tower-revoke", "hand-written"] {
        let store = SqliteStore::open(dir.join(format!("{name}.db")))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let (seed, tokens) = seed(name, TOKENS);
        store.seed(&seed).await.unwrap();
        let app = match name {
            "tower-revoke" => ours(store.clone()),
            _ => handwritten::sqlite(store.pool().clone()),
        };
        let revoked = phases("SQLite", name, &app, &tokens).await;
        let rows: i64 = sqlx::query_scalar(REVOKED_ROWS)
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(rows as usize, revoked, "every 200 revoked a row");
        store.pool().close().await;
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

const REVOKED_ROWS: &str = "SELECT count(*) FROM tower_revoke_tokens WHERE revoked_at IS NOT NULL";

async fn postgres(url: &str) {
    let mut round_trips = Vec::new();
    for name in ["tower-revoke", "hand-written"] {
        let schema = Schema::create(url).await;
        let pool = schema.pool(url, PgPoolOptions::new().max_connections(16));
        let store = PostgresStore::new(pool.clone());
        store.migrate().await.unwrap();
        let (seed, tokens) = seed(name, TOKENS + 100);
        store.seed(&seed).await.unwrap();
        let (tokens, spare) = tokens.split_at(TOKENS);
        let app = |pool: sqlx::PgPool| match name {
            "tower-revoke" => ours(PostgresStore::new(pool)),
            _ => handwritten::postgres(pool),
        };
        let revoked = phases("PostgreSQL", name, &app(pool.clone()), tokens).await;
        let rows: i64 = sqlx::query_scalar(REVOKED_ROWS)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(rows as usize, revoked, "every 200 revoked a row");
        for test_before_acquire in [false, true] {
            let options = PgPoolOptions::new()
                .max_connections(1)
                .test_before_acquire(test_before_acquire);
            let (port, wire) = pg_wire_proxy(schema.target(url)).await;
            let counted = schema.pool_at(url, port, options);
            let revoked = if test_before_acquire {
                &spare[25..50]
            } else {
                &spare[..25]
            };
            let app = app(counted.clone());
            let counts = count_round_trips(&app, revoked, &wire, revoke_request).await;
            round_trips.push((name, "revocation", test_before_acquire, counts));
            if name == "tower-revoke" {
                // Tokens never revoked: each introspection finds one active.
                let active = &spare[50..75];
                let counts = count_round_trips(&app, active, &wire, introspect_request).await;
                round_trips.push((name, "introspection", test_before_acquire, counts));
            }
            counted.close().await;
        }
        pool.close().await;
        schema.drop(url).await;
    }
    println!(
        "\nPostgreSQL per request, read off the wire by a proxy (test-support's pg_wire_proxy), \
         pool of one connection, averaged over 20 sequential requests once the client's row is \
         read, each counted until its connection is back in the pool: statements (Execute or \
         Query), round trips that are not pings (each a statement's batch), and sqlx's pings \
         (one on release per acquire, one more on acquire with test_before_acquire). \
         tower-revoke runs one statement per revocation or introspection (the store's client \
         cache answers the client check); the hand-written handler two (the client's SELECT, \
         the revoke)"
    );
    println!(
        "| app | request | test_before_acquire | statements | round trips but pings | pings |"
    );
    println!("|---|---|---|---|---|---|");
    for (name, request, test_before_acquire, counts) in round_trips {
        let [statements, round_trips, pings] = counts;
        println!(
            "| {name} | {request} | {test_before_acquire} | {statements:.2} | {round_trips:.2} | {pings:.2} |"
        );
    }
}

/// Averages per request over 20 sequential requests made by `request`,
/// after 5 to warm up (connect, prepare statements, read the client's
/// row), each counted until its connection is back in the pool (sqlx's
/// release ping, 100 ms later at most): statements, round trips but
/// pings, pings.
async fn count_round_trips(
    app: &Router,
    tokens: &[String],
    wire: &PgWire,
    request: fn(&str) -> Request<Body>,
) -> [f64; 3] {
    let (warm, measured) = tokens.split_at(5);
    for token in warm {
        app.clone().oneshot(request(token)).await.unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut sum = PgCounts::default();
    for token in &measured[..20] {
        let before = wire.counts();
        let response = app.clone().oneshot(request(token)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(100)).await;
        sum = sum + (wire.counts() - before);
    }
    let per_request = |n: usize| n as f64 / 20.0;
    [
        per_request(sum.statements),
        per_request(sum.round_trips - sum.pings),
        per_request(sum.pings),
    ]
}

/// A schema of the bench's own on the PostgreSQL server.
struct Schema(String);

impl Schema {
    async fn create(url: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let name = format!("trx_bench_{}_{n}", std::process::id());
        let mut admin = PgConnection::connect(url).await.unwrap();
        sqlx::raw_sql(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        admin.close().await.unwrap();
        Self(name)
    }

    fn options(&self, url: &str) -> PgConnectOptions {
        let options: PgConnectOptions = url.parse().unwrap();
        options.options([("search_path", self.0.as_str())])
    }

    fn target(&self, url: &str) -> (String, u16) {
        let options = self.options(url);
        (options.get_host().to_owned(), options.get_port())
    }

    fn pool(&self, url: &str, options: PgPoolOptions) -> sqlx::PgPool {
        options
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(self.options(url))
    }

    fn pool_at(&self, url: &str, port: u16, options: PgPoolOptions) -> sqlx::PgPool {
        options
            .acquire_timeout(Duration::from_secs(10))
            .connect_lazy_with(self.options(url).host("127.0.0.1").port(port))
    }

    async fn drop(self, url: &str) {
        let mut admin = PgConnection::connect(url).await.unwrap();
        let drop = format!("DROP SCHEMA {} CASCADE", self.0);
        sqlx::raw_sql(&drop).execute(&mut admin).await.unwrap();
        admin.close().await.unwrap();
    }
}
