//! The demo as real processes on real database servers: revocations that
//! survive SIGKILL (SQLite, PostgreSQL), an outage of PostgreSQL that the
//! running demo rides out, and two instances on one store (PostgreSQL,
//! Redis) with and without the guard cache; and on the memory store, a
//! browser's CORS revoke and the audit lines of `TOWER_REVOKE_AUDIT=1`;
//! and the token endpoint on each durable store: its rules, a restart, a
//! second instance, and dumps that hold no token or secret in raw form;
//! clients that hang up mid-request on every store ([`hangups`]), and a
//! saturated PostgreSQL pool and a slow database ([`saturation`]); a
//! drain on SIGTERM ([`shutdown`]) and a rolling restart of two instances
//! under load ([`rolling`]); `private_key_jwt` client authentication
//! through authlib on every store, and replayed assertions refused across
//! instances and restarts ([`assertion`]); and the Token Status Lists of
//! the demo's JWTs read by an independent decoder in Python: revocations,
//! cascades and a reused refresh token on every store, a restart, a
//! subject revoked beside the demo, and the resource server refusing what
//! the demo revoked, as a second process ([`status_list`]).
//!
//! Each test starts the `tower-revoke-demo` binary (the demo's own code,
//! as `cargo run --example demo` runs it) on a free port and speaks HTTP to
//! it. Tests that need PostgreSQL or Redis follow one rule
//! ([`services::url`]): skipped with a printed reason when their URL is
//! unset, failed when it is unset under CI. They run one at a time
//! ([`serial`], a lock across processes, so under nextest too): each
//! starts processes and floods them, and several at once on a small
//! machine would measure the machine. A Redis test runs the demo on a
//! redis-server of its own, since it counts and cuts every listener.

// First, so that its macro `on_stores!` (one test per store) is in scope
// below.
#[macro_use]
mod token;

mod assertion;
mod audit;
mod authlib;
mod browser;
mod demo;
mod durability;
mod hangups;
mod instances;
mod outage;
mod rolling;
mod saturation;
mod services;
mod shared_store;
mod shutdown;
mod soak;
mod status_list;

use std::os::fd::AsRawFd;

/// Held for the whole of a test: one process test at a time, in this
/// binary and across processes (nextest runs each test in a process of its
/// own, several at once): an exclusive `flock` on a file in the temporary
/// directory, taken off the runtime, released when the guard drops.
async fn serial() -> Serial {
    let path = std::env::temp_dir().join("tower-revoke-process-tests.lock");
    tokio::task::spawn_blocking(move || {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .expect("the process tests' lock file");
        // SAFETY: flock on a descriptor that `file` owns for the call.
        let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
        assert_eq!(locked, 0, "flock: {}", std::io::Error::last_os_error());
        Serial(file)
    })
    .await
    .expect("the lock")
}

/// One process test's turn: the lock is released when its file closes.
struct Serial(#[allow(dead_code)] std::fs::File);
