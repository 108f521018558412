//! What the store tests share: the rule for PostgreSQL tests without a
//! server (test-support's), a throwaway schema or file per test, table
//! dumps, and the scenarios both stores must pass beyond the conformance
//! kit (those of client assertions in [`assertions`]).

pub mod assertions;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod scenarios;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use tower_revoke_test_support::services::{postgres_url, unique_name};

/// The SQL that undoes migration 5 (the clients' keys, the used client
/// assertions), the same on both databases, but its bookkeeping: for the
/// tests that take a database back to an earlier version, to be joined
/// with `concat!`. `jwks_uri` first: SQLite drops a column only once no
/// other column's check names it.
macro_rules! undo_version_5 {
    () => {
        "DROP TABLE tower_revoke_assertions;
        ALTER TABLE tower_revoke_clients DROP COLUMN jwks_uri;
        ALTER TABLE tower_revoke_clients DROP COLUMN jwks;
        "
    };
}
pub(crate) use undo_version_5;
