//! [`Reset`] (feature `testkit`): what lets
//! `tower_revoke::testkit::Conformance::with_store` empty a store between
//! its checks.

use crate::RedisStore;
use redis::aio::ConnectionLike;
use tower_revoke::testkit::Reset;
use tower_revoke::StoreError;

impl<C> Reset for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Deletes every key under the store's prefix (`SCAN MATCH P:*`, then
    /// `UNLINK` key by key, so that each command has one slot): tokens,
    /// clients and their keys (`P:ck:`), indexes, the JWT deny-list, used
    /// client assertions (`P:ca:`), and the status lists with their indexes
    /// (`P:sl:`, `P:sj:`, `P:ss:`, `P:sx:`, `P:ts:`). On a Redis
    /// Cluster, `SCAN` reads one node: reset a cluster node by node.
    async fn reset(&self) -> Result<(), StoreError> {
        let pattern = format!("{}:*", glob_escape(self.get_key_prefix()));
        let mut cursor = 0_u64;
        loop {
            let scan = redis::cmd("SCAN")
                .arg(cursor)
                .arg("MATCH")
                .arg(&pattern)
                .arg("COUNT")
                .arg(1000)
                .clone();
            let (next, keys): (u64, Vec<String>) = self
                .bounded(self.query(|c| Box::pin(async move { scan.query_async(c).await })))
                .await?;
            for key in keys {
                let unlink = redis::cmd("UNLINK").arg(key).clone();
                let unlinked = self.query(|c| Box::pin(async move { unlink.query_async(c).await }));
                let _: i64 = self.bounded(unlinked).await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }
}

/// `prefix` with the glob pattern characters of `SCAN MATCH` escaped.
fn glob_escape(prefix: &str) -> String {
    let mut escaped = String::with_capacity(prefix.len());
    for c in prefix.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
