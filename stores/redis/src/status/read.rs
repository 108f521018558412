//! The reads of the status lists, one round trip each and no write: which
//! lists exist, a list's version, and a list as it is.

use crate::error::unexpected;
use crate::record::{status_range, status_slot};
use crate::scripts::status::READ_LIST;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::store::StatusListState;
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One HGET of the newest list: lists are numbered from 1 with no gap.
    pub(crate) async fn read_status_lists(&self) -> Result<Vec<u64>, StoreError> {
        let key = self.keys.status_lists();
        let newest: Option<u64> = self.bounded(self.query(|c| c.hget(key, "newest"))).await?;
        Ok((1..=newest.unwrap_or(0)).collect())
    }

    /// One HMGET of the list's capacity (present once it is opened) and
    /// version.
    pub(crate) async fn read_status_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        let key = self.keys.status_lists();
        let fields = vec![format!("capacity:{list}"), format!("version:{list}")];
        let read = self.query(|c| c.hmget(key, fields));
        let (capacity, version): (Option<u32>, Option<u64>) = self.bounded(read).await?;
        Ok(capacity.map(|_| version.unwrap_or(0)))
    }

    /// One [`READ_LIST`]: the capacity, the version and the INVALID
    /// indices, read in one atomic step.
    pub(crate) async fn read_status_list(
        &self,
        list: u64,
    ) -> Result<Option<StatusListState>, StoreError> {
        let (first, last) = status_range(list);
        let mut read = READ_LIST.key(self.keys.status_lists());
        read.key(self.keys.status_invalid());
        read.arg(list).arg(first).arg(last);
        let reply: Option<(u32, u64, Vec<String>)> = self.bounded(self.invoke(&read)).await?;
        let Some((capacity, version, members)) = reply else {
            return Ok(None);
        };
        let invalid = members
            .iter()
            .map(|member| {
                let slot = status_slot(member)?;
                let ours = slot.list == list && slot.idx < capacity;
                ours.then_some(slot.idx)
                    .ok_or_else(|| unexpected("INVALID status"))
            })
            .collect::<Result<Vec<u32>, _>>()?;
        Ok(Some(StatusListState {
            capacity,
            version,
            invalid,
        }))
    }
}
