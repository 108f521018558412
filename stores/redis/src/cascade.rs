//! Ending an authorization grant: flag it on the grant's slot, then mark
//! each of its tokens on their own slots, so that a token's hash alone
//! tells whether it is active.

use crate::error::unexpected;
use crate::record::{now_millis, now_secs};
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::Script;
use std::sync::LazyLock;
use tower_revoke::{StoreError, TokenDigest};

/// How many scripts one call keeps in flight at once; the multiplexed
/// connection pipelines them.
pub(crate) const IN_FLIGHT: usize = 64;

/// Ends the grant of `KEYS[1]` (its sorted set of token digests, scored by
/// when each token's keys expire) by setting `KEYS[2]` (its `ended` flag,
/// kept as long as the set). Drops members whose keys are gone (score
/// before `ARGV[1]`, Unix milliseconds) and replies the others.
const END_GRANT_LUA: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then return {} end
redis.call('SET', KEYS[2], '1')
if last[2] == 'inf' then
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIREAT', KEYS[2], last[2])
end
return redis.call('ZRANGE', KEYS[1], 0, -1)
";

/// Marks the token of `KEYS[1]` as ended with its grant (`ended`), if it
/// belongs to client `ARGV[2]`'s grant `ARGV[3]`. Replies 1 when this
/// ended a token active at `ARGV[1]` (Unix seconds), 0 when it was not
/// active, -1 when it is gone.
pub(crate) const MARK_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'grant', 'exp', 'revoked', 'ended')
if f[1] ~= ARGV[2] or f[2] ~= ARGV[3] then return -1 end
if f[5] then return 0 end
redis.call('HSET', KEYS[1], 'ended', '1')
if f[4] or (f[3] and tonumber(f[3]) <= tonumber(ARGV[1])) then return 0 end
return 1
";

static END_GRANT: LazyLock<Script> = LazyLock::new(|| Script::new(END_GRANT_LUA));
pub(crate) static MARK: LazyLock<Script> = LazyLock::new(|| Script::new(MARK_LUA));

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Ends client `client_id`'s grant `grant_id`, whose revocation came
    /// from the token `except`. Returns the other tokens it ended (active
    /// until now).
    pub(crate) async fn end_grant(
        &self,
        client_id: &str,
        grant_id: &str,
        except: TokenDigest,
    ) -> Result<Vec<TokenDigest>, StoreError> {
        let mut end = END_GRANT.key(self.keys.grant(client_id, grant_id));
        end.key(self.keys.grant_ended(client_id, grant_id))
            .arg(now_millis());
        let members: Vec<String> = self.invoke(&end).await?;
        let mut digests = Vec::with_capacity(members.len());
        for member in &members {
            let digest = TokenDigest::from_hex(member).ok_or_else(|| unexpected("grant member"))?;
            if digest != except {
                digests.push(digest);
            }
        }
        let now = now_secs();
        let marked = stream::iter(digests)
            .map(|digest| async move {
                let ended = self.mark_ended(digest, client_id, grant_id, now).await?;
                Ok::<_, StoreError>(ended.then_some(digest))
            })
            .buffer_unordered(IN_FLIGHT);
        let ended: Vec<Option<TokenDigest>> = marked.try_collect().await?;
        Ok(ended.into_iter().flatten().collect())
    }

    /// Marks one token of a grant as ended; `true` if it was active.
    pub(crate) async fn mark_ended(
        &self,
        digest: TokenDigest,
        client_id: &str,
        grant_id: &str,
        now: u64,
    ) -> Result<bool, StoreError> {
        let mut mark = MARK.key(self.keys.token(&digest));
        mark.arg(now).arg(client_id).arg(grant_id);
        let ended: i64 = self.invoke(&mark).await?;
        Ok(ended == 1)
    }
}
