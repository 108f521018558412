//! The migrations both stores apply, inside the transaction their
//! `migrate()` opened (PostgreSQL's under an advisory lock, SQLite's with
//! `BEGIN IMMEDIATE`): the versions, their bookkeeping in
//! `tower_revoke_migrations`, each database's scripts from its [`Dialect`].
//!
//! # Why not sqlx's `Migrator`
//! This runner is written by hand, and sqlx's `migrate` feature is off, on
//! purpose: the app that uses this crate may run its own sqlx migrations
//! on the same database, and the two must not meet.
//!
//! - sqlx 0.8's `Migrator` records what it applied in one fixed table,
//!   `_sqlx_migrations` (the name is written into sqlx-postgres's and
//!   sqlx-sqlite's `Migrate` impls; 0.8.6 has no way to choose another).
//!   Our versions 1 to 8 in that table would make the app's own
//!   `sqlx::migrate!().run(..)` fail with `VersionMissing(1)` (applied, but
//!   not among its migrations) unless it sets `ignore_missing`, and an app
//!   migration numbered 1 to 8 would fail with `VersionMismatch` (the
//!   recorded checksum is our script's): never applied.
//! - sqlx's PostgreSQL lock is a session advisory lock keyed by the
//!   database's name, shared with the app's migrations; ours is a
//!   transaction-scoped lock on a key of our own, released at commit or
//!   rollback.
//! - Each migration and its bookkeeping commit in one transaction with the
//!   others (PostgreSQL and SQLite both run DDL in transactions), so a
//!   `migrate()` that fails leaves the database as it found it.
//!
//! What it costs is this file: the versions below, one `SCHEMA` script per
//! version and database in each store's `sql` module, and
//! `tower_revoke_migrations` (version, description, applied_at). A
//! database migrated by a later version of this crate has versions this
//! one does not know: they are left alone.

use crate::dialect::Dialect;
use crate::error::failed;
use crate::rows::now;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Transaction, Type};
use tower_revoke::StoreError;

/// The migrations, in order: (version, description); the SQL of each is
/// the same entry of [`Dialect::SCHEMA`].
const MIGRATIONS: [(i64, &str); 8] = [
    (1, "clients, grants and tokens"),
    (2, "the JWT deny-list"),
    (3, "refresh token rotation"),
    (4, "token scopes"),
    (5, "client keys and used client assertions"),
    (6, "token status lists"),
    (7, "revocations in batches"),
    (8, "one notice per batch of revocations"),
];

/// Creates the bookkeeping table if missing, then applies and records
/// every migration later than the latest one applied, in `tx`.
pub(crate) async fn pending<DB>(tx: &mut Transaction<'_, DB>) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    run_script(tx, DB::MIGRATIONS_TABLE).await?;
    let version: i64 = sqlx::query_scalar(DB::MIGRATED_VERSION)
        .fetch_one(&mut **tx)
        .await
        .map_err(failed("migrate"))?;
    for ((number, description), script) in MIGRATIONS.into_iter().zip(DB::SCHEMA) {
        if number > version {
            run_script(tx, script).await?;
            sqlx::query(DB::RECORD_MIGRATION)
                .bind(number)
                .bind(description)
                .bind(now())
                .execute(&mut **tx)
                .await
                .map_err(failed("migrate"))?;
        }
    }
    Ok(())
}

/// Runs `script` (several statements, so the simple query protocol) in
/// `migrate`'s transaction.
pub(crate) async fn run_script<DB>(
    tx: &mut Transaction<'_, DB>,
    script: &'static str,
) -> Result<(), StoreError>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
{
    // Through `Executor`, whose boxed future is `Send`: `RawSql::execute`
    // is an `async fn` generic over lifetimes, whose future is not
    // `Send` for every lifetime (tokio::spawn refuses it).
    let script = sqlx::raw_sql(script);
    sqlx::Executor::execute(&mut **tx, script)
        .await
        .map_err(failed("migrate"))?;
    Ok(())
}
