//! The demo as real processes on real database servers: revocations that
//! survive SIGKILL (SQLite, PostgreSQL), an outage of PostgreSQL that the
//! running demo rides out, and two instances on one store (PostgreSQL,
//! Redis) with and without the guard cache; and on the memory store, a
//! browser's CORS revoke and the audit lines of `TOWER_REVOKE_AUDIT=1`.
//!
//! Each test starts the `tower-revoke-demo` binary (the demo's own code,
//! as `cargo run --example demo` runs it) on a free port and speaks HTTP to
//! it. Tests that need PostgreSQL or Redis follow one rule
//! ([`services::url`]): skipped with a printed reason when their URL is
//! unset, failed when it is unset under CI. They run one at a time
//! ([`serial`]): each starts processes and floods them, and several at once
//! on a small machine would measure the machine.

mod audit;
mod authlib;
mod browser;
mod demo;
mod durability;
mod instances;
mod outage;
mod services;
mod shared_store;

/// Held for the whole of a test: one process test at a time.
async fn serial() -> tokio::sync::MutexGuard<'static, ()> {
    static ONE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    ONE.lock().await
}
