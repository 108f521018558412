//! Every statement SQLite runs on a pool's connections, counted by
//! `sqlite3_trace_v2` (`SQLITE_TRACE_STMT`, through sqlx's
//! `LockedSqliteHandle`), `BEGIN IMMEDIATE` and `COMMIT` included: each is
//! one exchange with sqlx's worker thread of the connection, the round trip
//! of an in-process database. A statement that starts while the connection
//! is in autocommit mode (`sqlite3_get_autocommit`) starts a transaction (a
//! `BEGIN`, or a lone statement). sqlx's pings (a command to the worker
//! thread, no statement) are not counted: SQLite has no hook that sees
//! them.
//!
//! Shared by the examples' benches (`#[path]`): the counts are of this
//! process, every traced connection together.

use libsqlite3_sys::{
    sqlite3_db_handle, sqlite3_get_autocommit, sqlite3_stmt, sqlite3_trace_v2, SQLITE_OK,
    SQLITE_TRACE_STMT,
};
use std::ffi::{c_int, c_uint, c_void, CStr};
use std::sync::atomic::{AtomicUsize, Ordering};
use tower_revoke_sqlx::sqlx::SqlitePool;

/// Statements run, and transactions started, on the traced connections
/// of this process.
static STATEMENTS: AtomicUsize = AtomicUsize::new(0);
static TRANSACTIONS: AtomicUsize = AtomicUsize::new(0);

/// The statements run on traced connections so far.
pub fn statements() -> usize {
    STATEMENTS.load(Ordering::SeqCst)
}

/// The transactions started on traced connections so far.
pub fn transactions() -> usize {
    TRANSACTIONS.load(Ordering::SeqCst)
}

/// Traces every connection of `pool`: holds them all at once (so the pool
/// opens each), and sets `sqlite3_trace_v2` on each, which lasts as long
/// as the connection.
pub async fn trace(pool: &SqlitePool) {
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
/// own, and the stores have no triggers).
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
