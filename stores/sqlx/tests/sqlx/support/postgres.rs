//! A PostgreSQL schema of its own for each test, dropped afterwards, so
//! tests run in parallel in one database without seeing each other; a
//! database of its own for the tests that create one; the notices sqlx
//! logs.

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgConnection, PgPool};
use std::cell::Cell;
use std::str::FromStr;
use std::time::Duration;
use tower_revoke_test_support::cleanup::block_on_own_thread;
use tower_revoke_test_support::logs::{Capture, Capturing, Spans};

/// A schema `t_...` that lives as long as this value; the pool's
/// connections have it as their `search_path`.
pub struct TestSchema {
    url: String,
    name: String,
    pub pool: PgPool,
}

impl TestSchema {
    /// Creates the schema and a pool of `connections` in it.
    pub async fn create(url: &str, connections: u32) -> Self {
        Self::create_with(url, PgPoolOptions::new().max_connections(connections)).await
    }

    /// Creates the schema and a pool with `options` in it.
    pub async fn create_with(url: &str, options: PgPoolOptions) -> Self {
        let name = super::unique_name("t");
        let mut admin = PgConnection::connect(url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::raw_sql(&format!("CREATE SCHEMA {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test schema");
        admin.close().await.ok();
        let pool = connect_in(url, &name, options).await;
        Self {
            url: url.to_owned(),
            name,
            pool,
        }
    }

    /// Another pool of `connections` in the same schema: another instance
    /// of the app, or the same one after a restart.
    pub async fn another_pool(&self, connections: u32) -> PgPool {
        let options = PgPoolOptions::new().max_connections(connections);
        connect_in(&self.url, &self.name, options).await
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A pool with `options` on the server of `url`, in `schema`.
async fn connect_in(url: &str, schema: &str, options: PgPoolOptions) -> PgPool {
    let connect = PgConnectOptions::from_str(url)
        .expect("a PostgreSQL URL")
        .options([("search_path", schema)]);
    options
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(connect)
        .await
        .expect("a pool in the test schema")
}

/// Drops the schema, even when the test panicked.
impl Drop for TestSchema {
    fn drop(&mut self) {
        // The pool is not closed here: its connections belong to the test's
        // runtime, which is blocked on this thread. Idle, they hold no lock
        // that DROP SCHEMA waits for; they close when the pool is dropped.
        let drop = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if !run_blocking(&self.url, drop) {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}

/// A database of its own, not created yet (the test creates it), dropped
/// afterwards with any connection still open to it, even when the test
/// panicked.
pub struct TestDatabase {
    url: String,
    /// Its name: `tower revoke "<unique>"`, a space, quotes and capitals,
    /// so that only a quoted identifier names it.
    pub name: String,
}

impl TestDatabase {
    /// A fresh name on the server of `url`.
    pub fn named(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            name: format!("tower revoke \"{}\"", super::unique_name("Db")),
        }
    }

    /// `url`'s connect options, with this database.
    pub fn options(&self) -> PgConnectOptions {
        PgConnectOptions::from_str(&self.url)
            .expect("a PostgreSQL URL")
            .database(&self.name)
    }

    /// Whether the server has it.
    pub async fn exists(&self) -> bool {
        let mut admin = PgConnection::connect(&self.url)
            .await
            .expect("connect to PostgreSQL");
        let exists =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(&self.name)
                .fetch_one(&mut admin)
                .await
                .expect("look the database up");
        admin.close().await.ok();
        exists
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let quoted = self.name.replace('"', "\"\"");
        let drop = format!("DROP DATABASE IF EXISTS \"{quoted}\" WITH (FORCE)");
        if !run_blocking(&self.url, drop) {
            eprintln!("could not drop test database {:?}", self.name);
        }
    }
}

/// Runs `sql` on a connection of its own to `url`, from `Drop`; whether
/// it succeeded.
fn run_blocking(url: &str, sql: String) -> bool {
    let url = url.to_owned();
    block_on_own_thread(move || async move {
        let mut admin = PgConnection::connect(&url).await.ok()?;
        sqlx::raw_sql(&sql).execute(&mut admin).await.ok()?;
        admin.close().await.ok()
    })
    .is_some()
}

/// What PostgreSQL's notices sqlx logged (target `sqlx::postgres::notice`,
/// at INFO for a NOTICE) on the thread that called
/// [`capture`](Self::capture), each as `LEVEL message`.
///
/// Read from test-support's log capture: one global subscriber for the
/// whole test binary, writing each event into the capture of the thread
/// it happens on. A thread's own subscriber (`set_default`) would miss the
/// notices whenever another thread (another test dropping its schema) hit
/// sqlx's notice callsite first, and a second global subscriber cannot be
/// installed beside test-support's.
pub struct Notices {
    capturing: Capturing,
    /// How much of the capture [`take`](Self::take) has read.
    read: Cell<usize>,
}

impl Notices {
    /// Records from now on, on this thread only: use it on a
    /// current-thread runtime, where the pool's connections are driven by
    /// the test's own task.
    pub fn capture() -> Self {
        Self {
            capturing: Capture::start(Spans::Off),
            read: Cell::new(0),
        }
    }

    /// The notices logged since the last call.
    pub fn take(&self) -> Vec<String> {
        let text = self.capturing.text();
        let new = &text[self.read.replace(text.len())..];
        new.lines().filter_map(notice).collect()
    }
}

/// `LEVEL message` of a line the log capture wrote for a notice
/// (`<time> LEVEL [spans: ]sqlx::postgres::notice: message`); `None` for
/// any other line.
fn notice(line: &str) -> Option<String> {
    let (head, message) = line.split_once(" sqlx::postgres::notice: ")?;
    let level = head.split_whitespace().nth(1)?;
    Some(format!("{level} {message}"))
}

/// Every row of every table in the pool's schema, one line per row, with
/// `BYTEA` values as their raw bytes (so a token stored as bytes would
/// show), found through the catalog so that no table is left out.
pub async fn dump(pool: &PgPool) -> String {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text
         FROM information_schema.columns WHERE table_schema = current_schema()
         ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await
    .expect("list columns");
    let mut tables: Vec<(String, Vec<String>)> = Vec::new();
    for (table, column, data_type) in columns {
        let text = match data_type.as_str() {
            "bytea" => format!("encode({column}, 'escape')"),
            _ => format!("{column}::text"),
        };
        match tables.last_mut() {
            Some((name, exprs)) if *name == table => exprs.push(text),
            _ => tables.push((table, vec![text])),
        }
    }
    assert!(
        tables.len() >= 4,
        "the dump must see the store's tables: {tables:?}"
    );
    let mut dump = String::new();
    for (table, exprs) in tables {
        let query = format!("SELECT concat_ws(' | ', {}) FROM {table}", exprs.join(", "));
        let rows: Vec<String> = sqlx::query_scalar(&query)
            .fetch_all(pool)
            .await
            .expect("dump a table");
        dump.push_str(&format!("== {table}\n{}\n", rows.join("\n")));
    }
    dump
}

/// Undoes migrations 8 and 7 (the batched revocation's functions) and 6 (the
/// status lists, their triggers and functions), but their bookkeeping:
/// for the tests that take a database back to an earlier version.
pub async fn undo_version_6(pool: &PgPool) {
    sqlx::raw_sql(
        "DROP FUNCTION tower_revoke_revoke_batch, tower_revoke_revoke_one,
            tower_revoke_revoke_quiet;
        DROP TABLE tower_revoke_status_slots;
        DROP TABLE tower_revoke_status_lists;
        DROP FUNCTION tower_revoke_status_starts, tower_revoke_status_changed,
            tower_revoke_status_denied_jti, tower_revoke_status_cutoff,
            tower_revoke_status_token, tower_revoke_status_grant CASCADE;",
    )
    .execute(pool)
    .await
    .expect("undo version 6");
}
