//! Where statuses become INVALID: inside the script that revokes, on
//! standalone Redis; right after it, on the lists' slot, on Redis Cluster
//! (see [`scripts::status`](crate::scripts::status)).

use crate::error::store_error;
use crate::scripts::status::INVALIDATE;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::{ErrorKind, FromRedisValue, ScriptInvocation};
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Runs `script`, a settled one, and returns its reply. On standalone
    /// Redis it is given the status keys and makes the statuses INVALID
    /// itself, atomically with what it revokes; on Redis Cluster it
    /// replies them and they are made INVALID by [`INVALIDATE`] on the
    /// lists' slot before this returns.
    pub(crate) async fn invoke_settled<T: FromRedisValue>(
        &self,
        script: &mut ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        if self.standalone().await? {
            script
                .key(self.keys.status_lists())
                .key(self.keys.status_invalid());
        }
        let (reply, statuses): (T, Vec<String>) = self.invoke(script).await?;
        self.invalidate(statuses).await?;
        Ok(reply)
    }

    /// Makes `statuses` INVALID, moving their lists' versions: one script
    /// on the lists' slot; nothing for none.
    async fn invalidate(&self, statuses: Vec<String>) -> Result<(), StoreError> {
        if statuses.is_empty() {
            return Ok(());
        }
        let mut invalidate = INVALIDATE.key(self.keys.status_lists());
        invalidate.key(self.keys.status_invalid()).arg(statuses);
        let _: Vec<String> = self.invoke(&invalidate).await?;
        Ok(())
    }

    /// Whether the server is standalone Redis, where a script may touch
    /// keys of any slot. Asked once (`CLUSTER INFO`, which a standalone
    /// server refuses) and remembered by the store and its clones; a
    /// failure to ask (Redis unreachable) is an error, and asked again.
    async fn standalone(&self) -> Result<bool, StoreError> {
        if let Some(&standalone) = self.statuses.standalone.get() {
            return Ok(standalone);
        }
        let info = redis::cmd("CLUSTER").arg("INFO").clone();
        let mut conn = self.conn.clone();
        let asked: Result<redis::Value, _> = info.query_async(&mut conn).await;
        let standalone = match asked {
            Ok(_) => false,
            // An error reply: no cluster support (or no right to ask, which
            // a cluster would show with its first cross-slot script).
            Err(error) if matches!(error.kind(), ErrorKind::Server(_) | ErrorKind::Extension) => {
                true
            }
            Err(error) => return Err(store_error(error)),
        };
        Ok(*self.statuses.standalone.get_or_init(|| standalone))
    }
}
