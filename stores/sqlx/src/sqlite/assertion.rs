//! [`ClientAssertionStore`](tower_revoke::ClientAssertionStore) for
//! [`SqliteStore`]: a client's keys are one `SELECT`
//! ([`Shared`](crate::shared::Shared)'s); a use of a client assertion is
//! one `BEGIN IMMEDIATE` transaction that records it and deletes a few
//! expired records.

use super::{sql, SqliteStore};
use crate::assertion::{assertion_use, client_assertion_store, SWEPT_PER_USE};
use crate::error::failed;
use crate::rows::{now, unix};
use tower_revoke::store::{run_to_completion, AssertionDigest, AssertionUse};
use tower_revoke::StoreError;

client_assertion_store!(SqliteStore);

impl SqliteStore {
    /// [`use_assertion`](tower_revoke::ClientAssertionStore::use_assertion):
    /// one write transaction, the assertion's digest inserted or its record
    /// replaced if that has expired (`INSERT ... ON CONFLICT DO UPDATE ...
    /// WHERE`), then up to 16 other expired records deleted. The write lock
    /// is taken at `BEGIN`, so of concurrent uses of one assertion, from any
    /// connection or process, exactly one is the first. Run to completion
    /// on a task of its own ([`run_to_completion`]): a caller dropped
    /// mid-way never leaves the connection inside the transaction.
    async fn use_once(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        let (store, assertion) = (self.clone(), *assertion);
        run_to_completion(async move { store.use_committed(&assertion, expires_at).await }).await
    }

    /// The work of [`use_once`](Self::use_once), which runs it to
    /// completion.
    async fn use_committed(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        const OPERATION: &str = "use assertion";
        let digest = assertion.as_bytes().as_slice();
        let now = now();
        // Both statements take the digest, now, and one value more.
        let statement = |sql, value: i64| sqlx::query(sql).bind(digest).bind(now).bind(value);
        let mut tx = self.begin_write(OPERATION).await?;
        let used = statement(sql::USE_ASSERTION, unix(expires_at))
            .execute(&mut *tx)
            .await
            .map_err(failed(OPERATION))?;
        statement(sql::SWEEP_ASSERTIONS, SWEPT_PER_USE)
            .execute(&mut *tx)
            .await
            .map_err(failed(OPERATION))?;
        tx.commit().await.map_err(failed(OPERATION))?;
        Ok(assertion_use(used.rows_affected() == 1))
    }
}
