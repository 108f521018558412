//! What the store tests share: the rule for PostgreSQL tests without a
//! server (test-support's), a throwaway schema or file per test, table
//! dumps, and the scenarios both stores must pass beyond the conformance
//! kit.

#[cfg(feature = "postgres")]
pub mod postgres;
pub mod scenarios;
#[cfg(feature = "sqlite")]
pub mod sqlite;

pub use tower_revoke_test_support::services::{postgres_url, unique_name};
