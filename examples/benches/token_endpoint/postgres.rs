//! PostgreSQL: the throughput phases on a database of the bench's own,
//! which the demo's code creates, migrates and seeds; then the round trips
//! and transactions of one request, counted on a pool of one connection
//! through a protocol-reading proxy.

use super::pg_wire::one_connection_through_proxy;
use super::{
    app, expected_rows, issue, on_demo_store, rotate, warm_up, Case, Cost, Row, COUNTED, ROWS,
};
use std::cell::RefCell;
use std::future::Future;
use tower_revoke::store::BoxStore;
use tower_revoke_examples::store::StoreChoice;
use tower_revoke_sqlx::sqlx::postgres::PgConnectOptions;
use tower_revoke_sqlx::sqlx::{self, Connection, PgConnection, PgPool};
use tower_revoke_sqlx::PostgresStore;
use tower_revoke_test_support::bench;
use tower_revoke_test_support::proxy::{PgCounts, PgWire};

pub(super) async fn run(url: &str) -> Vec<Row> {
    let database = format!("trx_token_bench_{}", std::process::id());
    let mut bench_url = url::Url::parse(url).unwrap();
    bench_url.set_path(&database);
    let (done, chains) = on_demo_store(StoreChoice::Postgres(bench_url.to_string())).await;
    // The demo's pool is gone with its last handle; so are its backends
    // once they have exited, publishing their counters.
    let options: PgConnectOptions = url.parse().unwrap();
    let mut admin = PgConnection::connect_with(&options).await.unwrap();
    no_backends(&mut admin, &database).await;

    let (pool, wire) = one_connection_through_proxy(&options, &database).await;
    let app = app(BoxStore::new(PostgresStore::new(pool.clone())));
    let mut chain = chains[16].clone();
    warm_up(&app, &mut chain).await;
    // Nothing left for autovacuum to do in the bench's database after the
    // throughput phases' thousands of rows, so that no worker's
    // transactions land in the counted window.
    let vacuum = sqlx::query("VACUUM ANALYZE").execute(&pool).await;
    vacuum.unwrap();
    let chain = &RefCell::new(chain);
    let mut counter = Counter {
        pool: &pool,
        wire: &wire,
        admin: &mut admin,
        database: &database,
    };
    let issued = counter.count(|| issue(&app)).await;
    let rotated = counter
        .count(|| async {
            let presented = chain.borrow().clone();
            let next = rotate(&app, &presented).await;
            *chain.borrow_mut() = next;
        })
        .await;

    let extra = COUNTED + super::COUNT_WARM_UP;
    let rows: (i64, i64) = sqlx::query_as(ROWS).fetch_one(&pool).await.unwrap();
    let expected = expected_rows(done.issued + extra, done.rotated + extra);
    assert_eq!(rows, expected, "(rotated, tokens) rows");
    drop(app);
    pool.close().await;
    let drop = format!("DROP DATABASE {database} WITH (FORCE)");
    sqlx::raw_sql(&drop).execute(&mut admin).await.unwrap();
    admin.close().await.unwrap();

    println!(
        "\nPostgreSQL per request, over {COUNTED} sequential requests on a pool of one \
         connection (the demo's settings otherwise: test_before_acquire), read from the \
         wire; transactions from pg_stat_database"
    );
    println!(
        "| case | round trips | statements | pings | of them after the answer | prepares | \
         transactions |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (case, counted) in [(Case::Issue, issued), (Case::Rotate, rotated)] {
        println!("{}", counted.line(case));
    }
    done.rows("PostgreSQL", issued.cost(), rotated.cost())
}

/// Waits until no backend is connected to `database`.
async fn no_backends(admin: &mut PgConnection, database: &str) {
    const BACKENDS: &str = "SELECT count(*) FROM pg_stat_activity WHERE datname = $1";
    for _ in 0..10_000 {
        let backends: i64 = sqlx::query_scalar(BACKENDS)
            .bind(database)
            .fetch_one(&mut *admin)
            .await
            .unwrap();
        if backends == 0 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
    panic!("backends still connected to {database} after 10 s");
}

/// Counts what [`COUNTED`] requests cost, one at a time.
struct Counter<'a> {
    /// The pool of one connection the app uses, through the proxy.
    pool: &'a PgPool,
    wire: &'a PgWire,
    /// A connection to another database, to read the counters.
    admin: &'a mut PgConnection,
    database: &'a str,
}

/// The counts of [`COUNTED`] requests.
#[derive(Clone, Copy)]
struct Counted {
    on_path: PgCounts,
    after: PgCounts,
    transactions: i64,
}

impl Counter<'_> {
    async fn count<F, Fut>(&mut self, mut request: F) -> Counted
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = ()>,
    {
        let transactions = self.flushed_transactions().await;
        let (mut on_path, mut after) = (PgCounts::default(), PgCounts::default());
        for _ in 0..COUNTED {
            let before = self.wire.counts();
            request().await;
            let answered = self.wire.counts();
            self.back_in_pool().await;
            on_path = on_path + (answered - before);
            after = after + (self.wire.counts() - answered);
        }
        // Less the flush's own `SELECT`.
        let transactions = self.flushed_transactions().await - transactions - 1;
        Counted {
            on_path,
            after,
            transactions,
        }
    }

    /// The database's transactions so far, this connection's included:
    /// `pg_stat_force_next_flush()` makes its backend publish its counters
    /// before it answers `ReadyForQuery`.
    async fn flushed_transactions(&mut self) -> i64 {
        const FLUSH: &str = "SELECT pg_stat_force_next_flush()";
        const TRANSACTIONS: &str = "SELECT xact_commit + xact_rollback \
                                    FROM pg_stat_database WHERE datname = $1";
        sqlx::query(FLUSH).execute(self.pool).await.unwrap();
        self.back_in_pool().await;
        sqlx::query_scalar(TRANSACTIONS)
            .bind(self.database)
            .fetch_one(&mut *self.admin)
            .await
            .unwrap()
    }

    /// Waits for sqlx to put the connection back in the pool, after its
    /// release ping (which the proxy has counted by then).
    async fn back_in_pool(&self) {
        let pool = self.pool;
        let idle = || pool.num_idle() == pool.size() as usize;
        bench::until("the connection back in the pool", idle).await;
    }
}

impl Counted {
    /// Per request.
    fn per_request(count: usize) -> f64 {
        count as f64 / COUNTED as f64
    }

    /// Every round trip of the request, until its connection is back in
    /// the pool: which of sqlx's release pings come before the answer
    /// depends on timing (with one connection, a store call's acquire waits
    /// for the previous call's release), their number does not.
    fn cost(&self) -> Cost {
        Cost {
            round_trips: Self::per_request(self.on_path.round_trips + self.after.round_trips),
            transactions: self.transactions as f64 / COUNTED as f64,
        }
    }

    fn line(&self, case: Case) -> String {
        let per = Self::per_request;
        let all = self.on_path + self.after;
        format!(
            "| {case} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            per(all.round_trips),
            per(all.statements),
            per(all.pings),
            per(self.after.pings),
            per(all.prepares),
            self.cost().transactions,
        )
    }
}
