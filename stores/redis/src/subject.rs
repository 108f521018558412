//! Bulk revocation of a subject's tokens, narrowed by labels.

use crate::cascade::IN_FLIGHT;
use crate::error::unexpected;
use crate::record::{now_millis, now_secs};
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::Script;
use std::sync::LazyLock;
use tower_revoke::{StoreError, TokenDigest};

/// Revokes the token of `KEYS[1]` if it is subject `ARGV[2]`'s, active at
/// `ARGV[1]` (Unix seconds), revocable, and carries every label of the
/// pairs `ARGV[3]`, `ARGV[4]`, ... Replies 1 if it revoked it.
const REVOKE_IF_LABELLED_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'sub', 'exp', 'revocable', 'revoked', 'ended')
if f[1] ~= ARGV[2] or f[4] or f[5] or f[3] ~= '1' then return 0 end
if f[2] and tonumber(f[2]) <= tonumber(ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], 'label:' .. ARGV[i]) ~= ARGV[i + 1] then return 0 end
end
redis.call('HSET', KEYS[1], 'revoked', '1')
return 1
";

static REVOKE_IF_LABELLED: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_IF_LABELLED_LUA));

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Revokes `subject`'s active, revocable tokens carrying all `labels`;
    /// publishes their digests. Returns how many it revoked.
    pub(crate) async fn revoke_subject(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let revoked = self.bounded(self.commit_subject(subject, labels)).await?;
        self.publish(&revoked).await;
        Ok(revoked.len() as u64)
    }

    async fn commit_subject(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<Vec<TokenDigest>, StoreError> {
        // Members scored before now are tokens whose keys are gone. The
        // typed API has no ZRANGE ... BYSCORE (its `zrangebyscore` sends
        // the deprecated ZRANGEBYSCORE): a command.
        let mut zrange = redis::cmd("ZRANGE");
        zrange
            .arg(self.keys.subject(subject))
            .arg(now_millis())
            .arg("+inf")
            .arg("BYSCORE");
        let read = self.query(|c| Box::pin(async move { zrange.query_async(c).await }));
        let members: Vec<String> = read.await?;
        let now = now_secs();
        let revoked = stream::iter(members)
            .map(|member| async move {
                let digest =
                    TokenDigest::from_hex(&member).ok_or_else(|| unexpected("subject member"))?;
                let mut invocation = REVOKE_IF_LABELLED.key(self.keys.token(&digest));
                invocation.arg(now).arg(subject);
                for (name, value) in labels {
                    invocation.arg(*name).arg(*value);
                }
                let revoked: i64 = self.invoke(&invocation).await?;
                Ok::<_, StoreError>((revoked == 1).then_some(digest))
            })
            .buffer_unordered(IN_FLIGHT);
        let revoked: Vec<Option<TokenDigest>> = revoked.try_collect().await?;
        Ok(revoked.into_iter().flatten().collect())
    }
}
