//! Every Lua script the store runs, each on the keys of one Redis Cluster
//! slot and so atomic: what it reads, writes and replies. `KEYS[i]` are
//! built by [`Keys`](crate::keys::Keys); hash fields are those of
//! [`field`](crate::record::field).
//!
//! The scripts that revoke are *settled* ([`status`]): on standalone Redis
//! they make the statuses of what they revoke INVALID themselves, and they
//! reply `{reply, statuses}` (below, "replies" is the `reply`). A script
//! on a token's slot is run as [`settled_token`]: it takes the token's
//! statuses (`P:ts:`) as `KEYS[2]`, and settles them after its body when
//! the token's record says it was revoked.

use redis::Script;
use std::sync::LazyLock;

pub(crate) mod status;

use status::{settled, settled_token};

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
/// kept as long as the set, and at least until `ARGV[2]`, Unix
/// milliseconds or `inf`, when not empty). Drops members whose keys are
/// gone (score before `ARGV[1]`, Unix milliseconds) and replies the others
/// with their scores: `{member, score, ...}`. An empty set without
/// `ARGV[2]` is not flagged (nothing is left to end).
const END_GRANT_LUA: &str = r"
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
local keep = last[2]
local floor = ARGV[2]
if floor ~= '' and keep ~= 'inf' then
  if floor == 'inf' or not keep or tonumber(floor) > tonumber(keep) then keep = floor end
end
if not keep then return {} end
redis.call('SET', KEYS[2], '1')
if keep == 'inf' then
  redis.call('PERSIST', KEYS[2])
else
  redis.call('PEXPIREAT', KEYS[2], keep)
end
return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
";

/// Marks the token of `KEYS[1]` as ended with its grant (`ended`), if it
/// belongs to client `ARGV[2]`'s grant `ARGV[3]`. Replies 1 when this
/// ended a token active at `ARGV[1]` (Unix seconds), 2 when it ended a
/// rotated refresh token that was not expired or revoked, 0 when it ended
/// nothing live, -1 when the token is another grant's or not written yet.
///
/// A member whose hash does not exist yet is a token being recorded (its
/// grant admitted it before it is written): this leaves a tombstone, a hash
/// holding only `ended`, expiring with the member (`ARGV[4]`, Unix
/// milliseconds or `inf`), and [`INSERT_LUA`] writes the token onto it,
/// ended.
const MARK_ENDED_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'grant', 'exp', 'revoked', 'ended', 'rotated',
  'cascade')
if not f[1] and redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'ended', '1')
  if ARGV[4] ~= 'inf' then redis.call('PEXPIREAT', KEYS[1], ARGV[4]) end
  return -1
end
if f[1] ~= ARGV[2] or f[2] ~= ARGV[3] then return -1 end
if f[5] then return 0 end
redis.call('HSET', KEYS[1], 'ended', '1')
if f[4] or f[7] or (f[3] and tonumber(f[3]) <= tonumber(ARGV[1])) then return 0 end
if f[6] then return 2 end
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

/// Sets `KEYS[1]`, a subject's JWT cutoff, to `ARGV[1]` unless it holds a
/// larger number already (raised, never lowered); settles the statuses of
/// the subject's JWTs issued at or before the cutoff (`KEYS[2]`, `P:ss:`,
/// scored by `iat`). Replies 1.
const RAISE_CUTOFF_LUA: &str = r"
local current = redis.call('GET', KEYS[1])
if not current or tonumber(ARGV[1]) > tonumber(current) then
  redis.call('SET', KEYS[1], ARGV[1])
  current = ARGV[1]
end
return {1, settle(3, redis.call('ZRANGE', KEYS[2], '-inf', current, 'BYSCORE'))}
";

/// Denies a JWT: `SET KEYS[1] 1 NX PXAT ARGV[1]`; while the denial lasts
/// (an `ARGV[1]` already past leaves no key), settles the JWT's statuses
/// (`KEYS[2]`, `P:sj:`). Replies 1 when it set the key, 0 when the JWT was
/// denied already.
const DENY_JTI_LUA: &str = r"
local set = redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', ARGV[1])
local statuses = {}
if redis.call('EXISTS', KEYS[1]) == 1 then statuses = settle(3, redis.call('SMEMBERS', KEYS[2])) end
if set then return {1, statuses} end
return {0, statuses}
";

/// Writes the token hash `KEYS[1]` from the field/value pairs `ARGV[2]`,
/// ... unless a token is stored there, expiring at `ARGV[1]` (Unix
/// milliseconds; empty for never). A tombstone (a hash without `client`,
/// left by [`MARK_ENDED_LUA`]) is written over and keeps its `ended`.
/// Replies, from the stored hash, whether it wrote it (`1` or `0`), its
/// client, grant (empty when absent) and kind.
const INSERT_LUA: &str = r"
local inserted = 0
if redis.call('HEXISTS', KEYS[1], 'client') == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  if ARGV[1] ~= '' then
    redis.call('PEXPIREAT', KEYS[1], ARGV[1])
  else
    redis.call('PERSIST', KEYS[1])
  end
  inserted = 1
end
local f = redis.call('HMGET', KEYS[1], 'client', 'grant', 'kind')
return {tostring(inserted), f[1] or '', f[2] or '', f[3] or ''}
";

/// Adds tokens to the index `KEYS[1]` (a grant's or a subject's sorted
/// set): the pairs `ARGV[3]`, `ARGV[4]`, ... of a digest and when its keys
/// expire (Unix milliseconds, or `inf`); drops members gone before
/// `ARGV[1]` (now), and expires the index with its last member. For a
/// grant, `KEYS[2]` is its `ended` flag: replies 1 if the grant is ended
/// (keeping the flag as long as the index), else 0. With `ARGV[2]` = `1`
/// an ended grant admits nothing: the revocation barrier of recording.
const ADD_MEMBER_LUA: &str = r"
if ARGV[2] == '1' and KEYS[2] and redis.call('EXISTS', KEYS[2]) == 1 then return 1 end
for i = 3, #ARGV, 2 do redis.call('ZADD', KEYS[1], ARGV[i + 1], ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
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

/// Registers a client on its slot: sets `KEYS[1]`, its key, to `ARGV[1]`
/// unless it exists, and then writes `KEYS[2]`, its keys (a hash, cleared
/// first so nothing left there by hand is taken for its keys), from the
/// field `ARGV[2]` (`jwks` or `jwks_uri`, RFC 7591 §2) and its value
/// `ARGV[3]` when given. So a client is never seen without the keys it
/// registered, and an existing client keeps its value and keys. Replies
/// 1 when it registered the client, 0 when the id was taken.
const REGISTER_LUA: &str = r"
if not redis.call('SET', KEYS[1], ARGV[1], 'NX') then return 0 end
redis.call('DEL', KEYS[2])
if ARGV[2] then redis.call('HSET', KEYS[2], ARGV[2], ARGV[3]) end
return 1
";

/// Decides the rotation of the refresh token `KEYS[1]` presented by client
/// `ARGV[1]` at `ARGV[2]` (Unix seconds), with a grace period of `ARGV[3]`
/// milliseconds (empty for none, so that a grace shorter than 1 ms still
/// covers a retry within the same millisecond); `ARGV[4]` is the grant a
/// token recorded without one rotates into. A token is live unless
/// expired, revoked, ended, or `cascade` (its revocation ended its grant,
/// which a rotated token's own hash shows only so). Times of rotation are
/// the server's (`TIME`, Unix milliseconds), so every instance measures the
/// grace period on one clock. Replies:
/// - `{'invalid_grant'}`: not this client's refresh token, or dead without
///   having been rotated; nothing changed;
/// - `{'rotated', grant, subject, scope}`: live and never rotated (now
///   marked `rotated`): record the successors in `grant`, those without a
///   subject as `subject`'s and those without a scope with `scope` (the
///   presented token's; empty when it has none);
/// - `{'grace', grant, subject, scope}`: rotated within the grace period:
///   record new successors in `grant`, if it has not ended, as for
///   `rotated`;
/// - `{'reused', grant, self, expiry}`: rotated before, past the grace
///   period or since dead: end `grant`. `self` is `1` when this revoked the
///   presented token itself (a live token outside `grant`), `expiry` when
///   its key expires (`PEXPIRETIME`), which the grant's flag must outlive.
const ROTATE_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'kind', 'grant', 'exp', 'revoked', 'ended',
  'rotated', 'cascade', 'sub', 'scope')
local client, kind, grant, exp, revoked, ended, rotated = f[1], f[2], f[3], f[4], f[5], f[6], f[7]
local sub, scope = f[9] or '', f[10] or ''
if client ~= ARGV[1] or kind ~= 'refresh_token' then return {'invalid_grant'} end
local dead = revoked or ended or f[8] or (exp and tonumber(exp) <= tonumber(ARGV[2]))
local live = not dead
if not (live or rotated) then return {'invalid_grant'} end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local into = grant or ARGV[4]
if live and not rotated then
  redis.call('HSET', KEYS[1], 'rotated', string.format('%d', now))
  return {'rotated', into, sub, scope}
end
if live and ARGV[3] ~= '' and now - tonumber(rotated) <= tonumber(ARGV[3]) then
  return {'grace', into, sub, scope}
end
local revoked_self = '0'
if live and not grant then
  redis.call('HSET', KEYS[1], 'revoked', '1')
  revoked_self = '1'
end
return {'reused', into, revoked_self, string.format('%d', redis.call('PEXPIRETIME', KEYS[1]))}
";

/// [`REVOKE_LUA`]: step 1 of a revocation, on the token's slot.
pub(crate) static REVOKE: LazyLock<Script> = LazyLock::new(|| settled_token(REVOKE_LUA));
/// [`END_GRANT_LUA`]: step 2, on the grant's slot.
pub(crate) static END_GRANT: LazyLock<Script> = LazyLock::new(|| Script::new(END_GRANT_LUA));
/// [`MARK_ENDED_LUA`]: step 3, on each other token's slot.
pub(crate) static MARK_ENDED: LazyLock<Script> = LazyLock::new(|| settled_token(MARK_ENDED_LUA));
/// [`REVOKE_IF_LABELLED_LUA`]: bulk revocation, one token at a time.
pub(crate) static REVOKE_IF_LABELLED: LazyLock<Script> =
    LazyLock::new(|| settled_token(REVOKE_IF_LABELLED_LUA));
/// [`RAISE_CUTOFF_LUA`]: a subject's JWT cutoff.
pub(crate) static RAISE_CUTOFF: LazyLock<Script> = LazyLock::new(|| settled(RAISE_CUTOFF_LUA));
/// [`DENY_JTI_LUA`]: a JWT's denial.
pub(crate) static DENY_JTI: LazyLock<Script> = LazyLock::new(|| settled(DENY_JTI_LUA));
/// [`INSERT_LUA`]: storing a token.
pub(crate) static INSERT: LazyLock<Script> = LazyLock::new(|| Script::new(INSERT_LUA));
/// [`ADD_MEMBER_LUA`]: indexing a stored token in its grant and subject.
pub(crate) static ADD_MEMBER: LazyLock<Script> = LazyLock::new(|| Script::new(ADD_MEMBER_LUA));
/// [`ROTATE_LUA`]: the decision of a rotation, on the presented token's slot.
pub(crate) static ROTATE: LazyLock<Script> = LazyLock::new(|| settled_token(ROTATE_LUA));
/// [`REGISTER_LUA`]: a client's key and keys, on the client's slot.
pub(crate) static REGISTER: LazyLock<Script> = LazyLock::new(|| Script::new(REGISTER_LUA));
