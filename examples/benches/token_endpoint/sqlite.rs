//! SQLite: the throughput phases on the store as the demo opens it, then
//! the statements of one request counted on a second pool over the same
//! file, opened the same way, whose connections are traced.

use super::sqlite_trace::{self, trace};
use super::{app, expected_rows, issue, on_demo_store, rotate, warm_up, Cost, Row, COUNTED, ROWS};
use tower_revoke::store::BoxStore;
use tower_revoke_examples::store::StoreChoice;
use tower_revoke_sqlx::sqlx;
use tower_revoke_sqlx::SqliteStore;

pub(super) async fn run() -> Vec<Row> {
    let dir = std::env::temp_dir().join(format!("trx-token-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.db");
    let (done, mut chains) = on_demo_store(StoreChoice::Sqlite(path.clone())).await;

    let store = SqliteStore::open(&path).await.unwrap();
    trace(store.pool()).await;
    let app = app(BoxStore::new(store.clone()));
    let chain = &mut chains[16];
    warm_up(&app, chain).await;
    let before = Statements::now();
    for _ in 0..COUNTED {
        issue(&app).await;
    }
    let issued = Statements::now().since(before);
    let before = Statements::now();
    for _ in 0..COUNTED {
        *chain = rotate(&app, chain).await;
    }
    let rotated = Statements::now().since(before);

    let extra = COUNTED + super::COUNT_WARM_UP;
    let rows: (i64, i64) = sqlx::query_as(ROWS).fetch_one(store.pool()).await.unwrap();
    let expected = expected_rows(done.issued + extra, done.rotated + extra);
    assert_eq!(rows, expected, "(rotated, tokens) rows");
    store.pool().close().await;
    std::fs::remove_dir_all(&dir).unwrap();
    done.rows("SQLite", issued, rotated)
}

/// A reading of the traced statements and transactions
/// ([`sqlite_trace`]).
#[derive(Clone, Copy)]
struct Statements {
    statements: usize,
    transactions: usize,
}

impl Statements {
    fn now() -> Self {
        Self {
            statements: sqlite_trace::statements(),
            transactions: sqlite_trace::transactions(),
        }
    }

    /// Per request, since `before` ([`COUNTED`] requests): a statement is
    /// one exchange with the connection's worker thread, the round trip of
    /// an in-process database.
    fn since(self, before: Self) -> Cost {
        Cost {
            round_trips: (self.statements - before.statements) as f64 / COUNTED as f64,
            transactions: (self.transactions - before.transactions) as f64 / COUNTED as f64,
        }
    }
}
