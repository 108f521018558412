//! [`Reset`] for both stores (feature `testkit`): what lets
//! `tower_revoke::testkit::Conformance::with_store` empty a store between
//! its checks, instead of each test writing its own `TRUNCATE`.

use crate::error::failed;
use tower_revoke::testkit::Reset;
use tower_revoke::StoreError;

/// Every row of the store's tables, children before parents (the
/// migrations table stays: the schema is unchanged).
const RESET: &str = "
DELETE FROM tower_revoke_status_slots;
DELETE FROM tower_revoke_status_lists;
DELETE FROM tower_revoke_tokens;
DELETE FROM tower_revoke_grants;
DELETE FROM tower_revoke_clients;
DELETE FROM tower_revoke_denied_jtis;
DELETE FROM tower_revoke_subject_cutoffs;
DELETE FROM tower_revoke_assertions;";

#[cfg(feature = "postgres")]
impl Reset for crate::PostgresStore {
    /// Deletes every row of the store's tables in one round trip, and
    /// empties the client cache.
    async fn reset(&self) -> Result<(), StoreError> {
        let deleted = sqlx::raw_sql(RESET).execute(self.pool()).await;
        self.shared().forget_clients();
        deleted.map(drop).map_err(failed("reset"))
    }
}

#[cfg(feature = "sqlite")]
impl Reset for crate::SqliteStore {
    /// Deletes every row of the store's tables in one round trip, and
    /// empties the client cache.
    async fn reset(&self) -> Result<(), StoreError> {
        let deleted = sqlx::raw_sql(RESET).execute(self.pool()).await;
        self.shared().forget_clients();
        deleted.map(drop).map_err(failed("reset"))
    }
}
