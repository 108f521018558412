//! [`ClientAssertionStore`](tower_revoke::ClientAssertionStore) for
//! [`PostgresStore`]: a client's keys are one `SELECT`
//! ([`Shared`](crate::shared::Shared)'s); a use of a client assertion is
//! one statement, which records it and deletes a few expired records
//! (`USE_ASSERTION`).

use super::{sql, PostgresStore};
use crate::assertion::{assertion_use, client_assertion_store, SWEPT_PER_USE};
use crate::error::failed;
use crate::rows::{now, unix};
use tower_revoke::store::{AssertionDigest, AssertionUse};
use tower_revoke::StoreError;

client_assertion_store!(PostgresStore);

impl PostgresStore {
    /// [`use_assertion`](tower_revoke::ClientAssertionStore::use_assertion):
    /// one statement, so one round trip and one implicit transaction. It
    /// inserts the assertion's digest, or replaces its record if that has
    /// expired, and deletes up to 16 other expired records without waiting
    /// on any (`FOR UPDATE SKIP LOCKED`).
    async fn use_once(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        let recorded: bool = sqlx::query_scalar(sql::USE_ASSERTION)
            .bind(assertion.as_bytes().as_slice())
            .bind(now())
            .bind(unix(expires_at))
            .bind(SWEPT_PER_USE)
            .fetch_one(&self.pool)
            .await
            .map_err(failed("use assertion"))?;
        Ok(assertion_use(recorded))
    }
}
