//! SQLite: the throughput phases on the store as the demo opens it, then
//! the statements of one request counted on a second pool over the same
//! file, opened the same way, whose connections are traced.

use super::{app, expected_rows, issue, on_demo_store, rotate, warm_up, Cost, Row, COUNTED, ROWS};
use libsqlite3_sys::{
    sqlite3_db_handle, sqlite3_get_autocommit, sqlite3_stmt, sqlite3_trace_v2, SQLITE_OK,
    SQLITE_TRACE_STMT,
};
use std::ffi::{c_int, c_uint, c_void, CStr};
use std::sync::atomic::{AtomicUsize, Ordering};
use tower_revoke::store::BoxStore;
use tower_revoke_examples::store::StoreChoice;
use tower_revoke_sqlx::sqlx::{self, SqlitePool};
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

/// Statements run, and transactions started, on the traced connections
/// of this process.
static STATEMENTS: AtomicUsize = AtomicUsize::new(0);
static TRANSACTIONS: AtomicUsize = AtomicUsize::new(0);

/// A reading of [`STATEMENTS`] and [`TRANSACTIONS`].
#[derive(Clone, Copy)]
struct Statements {
    statements: usize,
    transactions: usize,
}

impl Statements {
    fn now() -> Self {
        Self {
            statements: STATEMENTS.load(Ordering::SeqCst),
            transactions: TRANSACTIONS.load(Ordering::SeqCst),
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

/// Traces every connection of `pool`: holds them all at once (so the pool
/// opens each), and sets `sqlite3_trace_v2` on each, which lasts as long
/// as the connection.
async fn trace(pool: &SqlitePool) {
    let mut held = Vec::new();
    for _ in 0..pool.options().get_max_connections() {
        held.push(pool.acquire().await.unwrap());
    }
    for connection in &mut held {
        let mut handle = connection.lock_handle().await.unwrap();
        let db = handle.as_raw_handle();
        // SAFETY: the handle is locked (sqlx's worker thread makes no call
        // on it meanwhile) and open for as long as the connection; the
        // callback is a plain function and needs no context.
        let set = unsafe {
            sqlite3_trace_v2(
                db.as_ptr(),
                SQLITE_TRACE_STMT as c_uint,
                Some(on_statement),
                std::ptr::null_mut(),
            )
        };
        assert_eq!(set, SQLITE_OK, "sqlite3_trace_v2");
    }
}

/// `SQLITE_TRACE_STMT`: a statement starts running (or a trigger's
/// program within one, its text a `--` comment: not a statement of its
/// own, and the store has no triggers).
unsafe extern "C" fn on_statement(
    _event: c_uint,
    _context: *mut c_void,
    statement: *mut c_void,
    text: *mut c_void,
) -> c_int {
    // SAFETY: for SQLITE_TRACE_STMT, SQLite passes the prepared statement
    // and its text, a NUL-terminated string, both valid during the call;
    // the two functions only read the connection's state.
    unsafe {
        if CStr::from_ptr(text.cast()).to_bytes().starts_with(b"--") {
            return 0;
        }
        STATEMENTS.fetch_add(1, Ordering::SeqCst);
        let db = sqlite3_db_handle(statement.cast::<sqlite3_stmt>());
        if sqlite3_get_autocommit(db) != 0 {
            TRANSACTIONS.fetch_add(1, Ordering::SeqCst);
        }
    }
    0
}
