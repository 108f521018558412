//! Storing tokens and loading seeds, idempotently: what is stored already
//! is left exactly as it is.

use crate::cascade::IN_FLIGHT;
use crate::error::unexpected;
use crate::record::{field, key_expiry_ms, now_millis, now_secs};
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::Script;
use std::sync::LazyLock;
use tower_revoke::{Seed, StoreError, TokenDigest, TokenEntry};

/// Writes the token hash `KEYS[1]` from the field/value pairs `ARGV[2]`,
/// ... unless it exists, expiring at `ARGV[1]` (Unix milliseconds; empty
/// for never). Replies, from the stored hash, whether it wrote it (`1` or
/// `0`), its client, grant and subject (empty when absent), and when its
/// key expires (`PEXPIRETIME`: -1 never, -2 gone).
const INSERT_LUA: &str = r"
local inserted = 0
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  if ARGV[1] ~= '' then redis.call('PEXPIREAT', KEYS[1], ARGV[1]) end
  inserted = 1
end
local f = redis.call('HMGET', KEYS[1], 'client', 'grant', 'sub')
local expiry = redis.call('PEXPIRETIME', KEYS[1])
return {tostring(inserted), f[1] or '', f[2] or '', f[3] or '', tostring(expiry)}
";

/// Adds token `ARGV[1]` to the index `KEYS[1]` (a grant's or a subject's
/// sorted set) scored by when its keys expire (`ARGV[2]`, Unix
/// milliseconds, or `inf`), drops members gone before `ARGV[3]` (now), and
/// expires the index with its last member. For a grant, `KEYS[2]` is its
/// `ended` flag: replies 1 if the grant is ended (keeping the flag as long
/// as the index), else 0.
const ADD_MEMBER_LUA: &str = r"
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last == 0 then return 0 end
local function expire(key)
  if last[2] == 'inf' then
    redis.call('PERSIST', key)
  else
    redis.call('PEXPIREAT', key, last[2])
  end
end
expire(KEYS[1])
if KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then
  expire(KEYS[2])
  return 1
end
return 0
";

static INSERT: LazyLock<Script> = LazyLock::new(|| Script::new(INSERT_LUA));
static ADD_MEMBER: LazyLock<Script> = LazyLock::new(|| Script::new(ADD_MEMBER_LUA));

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Stores the seed's clients and tokens that the store does not hold
    /// yet, leaving those it holds exactly as they are: a revoked token
    /// stays revoked, a secret is not replaced. Safe to run at every start
    /// of every instance. Returns how many clients and tokens it stored.
    ///
    /// # Errors
    /// Redis could not be reached or did not answer; what was stored
    /// before stays, and running the seed again completes it.
    pub async fn seed(&self, seed: &Seed) -> Result<(usize, usize), StoreError> {
        let clients = stream::iter(seed.clients())
            .map(|client| self.insert_client(client))
            .buffer_unordered(IN_FLIGHT);
        let clients: Vec<bool> = clients.try_collect().await?;
        let tokens = stream::iter(seed.tokens())
            .map(|token| self.insert_token(token))
            .buffer_unordered(IN_FLIGHT);
        let tokens: Vec<bool> = tokens.try_collect().await?;
        let count = |inserted: Vec<bool>| inserted.into_iter().filter(|&new| new).count();
        Ok((count(clients), count(tokens)))
    }

    /// Stores a token as its digest unless it is stored already (then it
    /// is left exactly as it is), and adds it to its grant's and subject's
    /// indexes. A token of a grant that was ended is stored ended. Returns
    /// whether it stored it. The token's client is not checked: store
    /// clients first.
    ///
    /// Its keys expire [`expired_retention`](Self::expired_retention) after
    /// its `expires_at` (or after now, if later); without `expires_at`
    /// they never expire.
    ///
    /// # Errors
    /// An empty grant id, subject, label name or label value; Redis could
    /// not be reached or did not answer in time.
    pub async fn insert_token(&self, entry: &TokenEntry) -> Result<bool, StoreError> {
        check(entry)?;
        self.bounded(self.write_token(entry)).await
    }

    async fn write_token(&self, entry: &TokenEntry) -> Result<bool, StoreError> {
        let digest = TokenDigest::of(&entry.token);
        let now_ms = now_millis();
        let expiry = key_expiry_ms(entry.expires_at, now_ms, self.retention);
        let mut insert = INSERT.key(self.keys.token(&digest));
        insert.arg(expiry.map(|ms| ms.to_string()).unwrap_or_default());
        insert.arg(field::CLIENT).arg(entry.client_id.as_str());
        insert.arg(field::KIND).arg(entry.kind.as_str());
        insert.arg(field::REVOCABLE).arg(u8::from(entry.revocable));
        if let Some(grant) = &entry.grant_id {
            insert.arg(field::GRANT).arg(grant);
        }
        if let Some(subject) = &entry.subject {
            insert.arg(field::SUB).arg(subject);
        }
        if let Some(expires_at) = entry.expires_at {
            insert.arg(field::EXP).arg(expires_at);
        }
        for (name, value) in &entry.labels {
            insert.arg(format!("{}{name}", field::LABEL)).arg(value);
        }
        let reply: Vec<String> = self.invoke(&insert).await?;
        let [inserted, client, grant, subject, expiry] = &reply[..] else {
            return Err(unexpected("token insertion"));
        };
        // Index what is stored (the entry's own values when it is new), so
        // that seeding again repairs an index an earlier seed left out.
        let score = match expiry.parse::<i64>() {
            Ok(-1) => "inf".to_owned(),
            Ok(ms) if ms >= 0 => ms.to_string(),
            Ok(_) => return Ok(inserted == "1"), // gone already
            Err(_) => return Err(unexpected("key expiry")),
        };
        let member = digest.to_hex();
        if !subject.is_empty() {
            let index = ADD_MEMBER.key(self.keys.subject(subject));
            self.add_member(index, &member, &score, now_ms).await?;
        }
        if !grant.is_empty() {
            let mut index = ADD_MEMBER.key(self.keys.grant(client, grant));
            index.key(self.keys.grant_ended(client, grant));
            if self.add_member(index, &member, &score, now_ms).await? {
                self.mark_ended(digest, client, grant, now_secs()).await?;
            }
        }
        Ok(inserted == "1")
    }

    /// Runs [`ADD_MEMBER_LUA`]; `true` if the grant is ended.
    async fn add_member(
        &self,
        mut index: redis::ScriptInvocation<'_>,
        member: &str,
        score: &str,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        index.arg(member).arg(score).arg(now_ms);
        let ended: i64 = self.invoke(&index).await?;
        Ok(ended == 1)
    }
}

/// Refuses what a [`Seed`] refuses: empty grant ids, subjects, label
/// names and label values.
fn check(entry: &TokenEntry) -> Result<(), StoreError> {
    let empty = |what: &str| {
        Err(StoreError::new(format!(
            "{what}: expected a non-empty string"
        )))
    };
    if entry.grant_id.as_deref() == Some("") {
        return empty("grant_id");
    }
    if entry.subject.as_deref() == Some("") {
        return empty("subject");
    }
    if entry
        .labels
        .iter()
        .any(|(n, v)| n.is_empty() || v.is_empty())
    {
        return empty("labels");
    }
    Ok(())
}
