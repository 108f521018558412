//! [`StatusListStore`] for both stores, written once over sqlx's
//! [`Database`](sqlx::Database): the slots and lists of version 6 (see the crate docs),
//! each database's SQL from its [`StatusDialect`].
//!
//! Whether a status is INVALID, and a list's version, are not decided
//! here: the triggers of version 6 set them inside the statement that
//! revokes, so the revocations written before status lists existed decide
//! the statuses unchanged, in the same commit. A status only ever goes
//! from VALID to INVALID, and a slot is never deleted nor its index
//! allocated again (draft-ietf-oauth-status-list-20 §13.3: "The Status
//! Issuer MUST prevent any unintended double allocation").

use crate::dialect::StatusDialect;
use crate::error::{corrupt, failed};
use crate::rows::unix;
use crate::shared::Shared;
use sqlx::{ColumnIndex, Decode, Encode, Executor, IntoArguments, Type};
use tower_revoke::request::Token;
use tower_revoke::store::{
    random_indices, StatusAllocation, StatusListState, StatusListStore, StatusSlot, TokenDigest,
};
use tower_revoke::StoreError;

/// How many rounds an allocation takes at most: a round ends without a
/// slot only when a concurrent allocation took the free index it drew, or
/// when it opened (or found opened) the next list, so each lost round is
/// another allocation's success.
const ROUNDS: usize = 32;

// What sqlx needs to run these statements: the values bound (integers,
// text, bytes) and read (integers, possibly `NULL`, and booleans).
impl<DB> Shared<'_, DB>
where
    DB: StatusDialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// [`StatusListStore::allocate_status`]: rounds of the newest list
    /// (one `SELECT`), then one `INSERT` of the first free index among
    /// [`random_indices`] of its capacity. When none is free (one more
    /// `SELECT` tells a full list from an index taken meanwhile), the next
    /// list is opened with `INSERT ... ON CONFLICT DO NOTHING`, so that of
    /// concurrent openers one opens it and all allocate in it next round.
    pub(crate) async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        const OPERATION: &str = "allocate status";
        if !allocation.capacity_is_valid() {
            return Err(StoreError::new(
                "a status list's capacity must be a multiple of 8 from 8 to 2^24",
            ));
        }
        for _ in 0..ROUNDS {
            let newest: Option<(i64, i64)> = sqlx::query_as(DB::NEWEST_LIST)
                .fetch_optional(self.pool())
                .await
                .map_err(failed(OPERATION))?;
            let next = match newest {
                None => 1,
                Some((list, capacity)) => {
                    let capacity = u32::try_from(capacity).map_err(|_| corrupt("capacity"))?;
                    let draws = json_array(random_indices(capacity));
                    if let Some(idx) = self.allocate_in(list, &draws, allocation).await? {
                        return slot(list, idx);
                    }
                    let free: bool = sqlx::query_scalar(DB::ANY_FREE)
                        .bind(list)
                        .bind(draws.as_str())
                        .fetch_one(self.pool())
                        .await
                        .map_err(failed(OPERATION))?;
                    if free {
                        continue; // taken meanwhile: draw again
                    }
                    list + 1
                }
            };
            sqlx::query(DB::OPEN_LIST)
                .bind(next)
                .bind(i64::from(allocation.capacity))
                .execute(self.pool())
                .await
                .map_err(failed(OPERATION))?;
        }
        Err(StoreError::new(
            "allocate status: every round lost to concurrent allocations",
        ))
    }

    /// The index of the slot allocated in `list`, the first free one of
    /// `draws`; `None` when none was free.
    async fn allocate_in(
        &self,
        list: i64,
        draws: &str,
        allocation: &StatusAllocation<'_>,
    ) -> Result<Option<i64>, StoreError> {
        sqlx::query_scalar(DB::ALLOCATE)
            .bind(list)
            .bind(draws)
            .bind(allocation.issuer)
            .bind(allocation.jti)
            .bind(allocation.subject)
            .bind(unix(allocation.issued_at))
            .bind(unix(allocation.expires_at))
            .fetch_optional(self.pool())
            .await
            .map_err(failed("allocate status"))
    }

    /// [`StatusListStore::bind_status`]: one `UPDATE` of the slot, which
    /// reads the token's record and its grant (on PostgreSQL locking them
    /// as a revocation does, token first, so that binding and revoking
    /// follow each other).
    pub(crate) async fn bind_status(
        &self,
        slot: StatusSlot,
        token: &Token,
    ) -> Result<bool, StoreError> {
        let Ok(list) = i64::try_from(slot.list) else {
            return Ok(false);
        };
        let done = sqlx::query(DB::BIND)
            .bind(list)
            .bind(i64::from(slot.idx))
            .bind(TokenDigest::of(token).as_bytes().as_slice())
            .execute(self.pool())
            .await
            .map_err(failed("bind status"))?;
        Ok(DB::rows_affected(&done) == 1)
    }

    /// [`StatusListStore::status_list_version`]: one `SELECT` by primary
    /// key.
    pub(crate) async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        let Ok(list) = i64::try_from(list) else {
            return Ok(None);
        };
        let version: Option<i64> = sqlx::query_scalar(DB::VERSION)
            .bind(list)
            .fetch_optional(self.pool())
            .await
            .map_err(failed("status list version"))?;
        version.map(|v| unsigned(v, "version")).transpose()
    }

    /// [`StatusListStore::status_list`]: one `SELECT` (one snapshot) of the
    /// capacity, the version and the INVALID indices, these through a
    /// partial index of them.
    pub(crate) async fn status_list(
        &self,
        list: u64,
    ) -> Result<Option<StatusListState>, StoreError> {
        let Ok(list) = i64::try_from(list) else {
            return Ok(None);
        };
        let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(DB::LIST)
            .bind(list)
            .fetch_all(self.pool())
            .await
            .map_err(failed("status list"))?;
        let Some(&(capacity, version, _)) = rows.first() else {
            return Ok(None);
        };
        let invalid = rows
            .into_iter()
            .filter_map(|(_, _, idx)| idx)
            .map(|idx| u32::try_from(idx).map_err(|_| corrupt("status index")))
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(Some(StatusListState {
            capacity: u32::try_from(capacity).map_err(|_| corrupt("capacity"))?,
            version: unsigned(version, "version")?,
            invalid,
        }))
    }

    /// [`StatusListStore::status_lists`]: one `SELECT`.
    pub(crate) async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        let lists: Vec<i64> = sqlx::query_scalar(DB::LISTS)
            .fetch_all(self.pool())
            .await
            .map_err(failed("status lists"))?;
        lists
            .into_iter()
            .map(|l| unsigned(l, "status list"))
            .collect()
    }
}

/// `indices` as a JSON array, in their order.
fn json_array(indices: impl IntoIterator<Item = u32>) -> String {
    let items: Vec<String> = indices.into_iter().map(|i| i.to_string()).collect();
    format!("[{}]", items.join(","))
}

fn slot(list: i64, idx: i64) -> Result<StatusSlot, StoreError> {
    Ok(StatusSlot {
        list: unsigned(list, "status list")?,
        idx: u32::try_from(idx).map_err(|_| corrupt("status index"))?,
    })
}

/// A stored number that is never negative.
fn unsigned(value: i64, what: &'static str) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| corrupt(what))
}

/// Implements [`StatusListStore`] for a store with a `pool()`, through
/// [`Shared`].
macro_rules! status_list_store {
    ($store:ty) => {
        /// Statuses kept beside the revocations: see the crate docs'
        /// [schema](crate#schema) for the tables and the triggers that
        /// make a status INVALID in the revocation's commit.
        impl StatusListStore for $store {
            async fn allocate_status(
                &self,
                allocation: &StatusAllocation<'_>,
            ) -> Result<StatusSlot, StoreError> {
                Shared::new(self.pool()).allocate_status(allocation).await
            }

            async fn bind_status(
                &self,
                slot: StatusSlot,
                token: &Token,
            ) -> Result<bool, StoreError> {
                Shared::new(self.pool()).bind_status(slot, token).await
            }

            async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
                Shared::new(self.pool()).status_list_version(list).await
            }

            async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
                Shared::new(self.pool()).status_list(list).await
            }

            async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
                Shared::new(self.pool()).status_lists().await
            }
        }
    };
}

#[cfg(feature = "postgres")]
status_list_store!(crate::PostgresStore);
#[cfg(feature = "sqlite")]
status_list_store!(crate::SqliteStore);

#[cfg(test)]
mod tests {
    #[test]
    fn draws_are_a_json_array_in_order() {
        assert_eq!(super::json_array([7, 0, 7, 12]), "[7,0,7,12]");
    }
}
