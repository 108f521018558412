//! Every Lua script the store runs, each on the keys of one Redis Cluster
//! slot and so atomic: what it reads, writes and replies. `KEYS[i]` are
//! built by [`Keys`](crate::keys::Keys); hash fields are those of
//! [`field`](crate::record::field).

use redis::Script;
use std::sync::LazyLock;

/// Decides a revocation on `KEYS[1]`, the token's hash, for client
/// `ARGV[1]` at `ARGV[2]` (Unix seconds), in the order
/// `RevocationStore::revoke` gives; `ARGV[3]` is `1` when an access
/// token's revocation ends its grant too. Replies `{outcome[, kind][, grant]}`:
/// a grant id in the reply is a grant this revocation must end.
///
/// A rotated refresh token is no longer active: revoking it is like
/// revoking an expired one. A revoked token whose revocation ends its
/// grant (`cascade`) replies its grant again, so that revoking it once
/// more finishes a cascade an earlier call could not (the grant's end is
/// idempotent).
const REVOKE_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'kind', 'grant', 'exp', 'revocable',
  'revoked', 'cascade', 'ended', 'rotated')
local client, kind, grant, exp = f[1], f[2], f[3], f[4]
local revocable, revoked, cascade, ended = f[5], f[6], f[7], f[8]
if not client then return {'not_found'} end
local own = client == ARGV[1]
local expired = exp and tonumber(exp) <= tonumber(ARGV[2])
if expired or revoked or ended or f[9] then
  if own and grant and (cascade or (kind == 'refresh_token' and not (revoked or ended))) then
    redis.call('HSET', KEYS[1], 'cascade', '1')
    return {'not_found', grant}
  end
  return {'not_found'}
end
if not own then return {'issued_to_another_client'} end
if revocable ~= '1' then return {'unsupported_token_type'} end
redis.call('HSET', KEYS[1], 'revoked', '1')
if grant and (kind == 'refresh_token' or ARGV[3] == '1') then
  redis.call('HSET', KEYS[1], 'cascade', '1')
  return {'revoked', kind, grant}
end
return {'revoked', kind}
";

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
const MARK_ENDED_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'grant', 'exp', 'revoked', 'ended')
if f[1] ~= ARGV[2] or f[2] ~= ARGV[3] then return -1 end
if f[5] then return 0 end
redis.call('HSET', KEYS[1], 'ended', '1')
if f[4] or (f[3] and tonumber(f[3]) <= tonumber(ARGV[1])) then return 0 end
return 1
";

/// Revokes the token of `KEYS[1]` if it is subject `ARGV[2]`'s, active at
/// `ARGV[1]` (Unix seconds), revocable, and carries every label of the
/// pairs `ARGV[3]`, `ARGV[4]`, ... Replies 1 if it revoked it.
const REVOKE_IF_LABELLED_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'sub', 'exp', 'revocable', 'revoked', 'ended', 'rotated')
if f[1] ~= ARGV[2] or f[4] or f[5] or f[6] or f[3] ~= '1' then return 0 end
if f[2] and tonumber(f[2]) <= tonumber(ARGV[1]) then return 0 end
for i = 3, #ARGV, 2 do
  if redis.call('HGET', KEYS[1], 'label:' .. ARGV[i]) ~= ARGV[i + 1] then return 0 end
end
redis.call('HSET', KEYS[1], 'revoked', '1')
return 1
";

/// Sets `KEYS[1]` to `ARGV[1]` unless it holds a larger number already
/// (a subject's JWT cutoff: raised, never lowered).
const RAISE_LUA: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
";

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

/// [`REVOKE_LUA`]: step 1 of a revocation, on the token's slot.
pub(crate) static REVOKE: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_LUA));
/// [`END_GRANT_LUA`]: step 2, on the grant's slot.
pub(crate) static END_GRANT: LazyLock<Script> = LazyLock::new(|| Script::new(END_GRANT_LUA));
/// [`MARK_ENDED_LUA`]: step 3, on each other token's slot.
pub(crate) static MARK_ENDED: LazyLock<Script> = LazyLock::new(|| Script::new(MARK_ENDED_LUA));
/// [`REVOKE_IF_LABELLED_LUA`]: bulk revocation, one token at a time.
pub(crate) static REVOKE_IF_LABELLED: LazyLock<Script> =
    LazyLock::new(|| Script::new(REVOKE_IF_LABELLED_LUA));
/// [`RAISE_LUA`]: a subject's JWT cutoff.
pub(crate) static RAISE: LazyLock<Script> = LazyLock::new(|| Script::new(RAISE_LUA));
/// [`INSERT_LUA`]: storing a token.
pub(crate) static INSERT: LazyLock<Script> = LazyLock::new(|| Script::new(INSERT_LUA));
/// [`ADD_MEMBER_LUA`]: indexing a stored token in its grant and subject.
pub(crate) static ADD_MEMBER: LazyLock<Script> = LazyLock::new(|| Script::new(ADD_MEMBER_LUA));
