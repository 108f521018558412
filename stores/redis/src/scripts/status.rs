//! The Lua of the status lists: [`SETTLE_LUA`], which every script that
//! may make a status INVALID starts with, and the scripts of allocating,
//! binding and reading statuses. Statuses are named by
//! [`status_member`](crate::record::status_member)s.
//!
//! A settled script takes its own keys, then, on standalone Redis, the
//! lists' hash `P:sl:{P}` and the INVALID set `P:sl:{P}:invalid`: it makes
//! the statuses INVALID itself, in the same atomic step as the revocation
//! that decides them. On Redis Cluster (those keys are in another slot) it
//! is given only its own keys and replies the statuses, which the store
//! then makes INVALID with [`INVALIDATE`] before it answers. Either way it
//! replies `{reply, statuses}`: `statuses` is empty when nothing is left
//! to do.

use redis::Script;
use std::sync::LazyLock;

/// `settle(at, statuses)`: when `KEYS[at]` (the lists' hash) and
/// `KEYS[at + 1]` (the INVALID set) are given, adds `statuses` to the
/// INVALID set, moves the version of each list that changed, and returns
/// `{}`; otherwise returns `statuses`.
///
/// `settle_token(at)`: for a script on a token's slot (`KEYS[1]` its hash,
/// `KEYS[2]` its statuses, `P:ts:`): when the hash says the token was
/// revoked (`revoked`), ended with its grant (`ended`) or ends it
/// (`cascade`), settles the statuses bound to it. So whatever a script
/// did to a token, its statuses follow its record; a script that finds a
/// token revoked by an earlier call settles them again (nothing changes if
/// they are INVALID already), which finishes what a call interrupted
/// between its two steps on Redis Cluster left undone.
const SETTLE_LUA: &str = r"
local function settle(at, statuses)
  if not KEYS[at] then return statuses end
  local moved = {}
  for _, status in ipairs(statuses) do
    local list = string.match(status, '^0*(%d+):%d+$')
    if list and redis.call('ZADD', KEYS[at + 1], 'NX', '0', status) == 1 then moved[list] = true end
  end
  for list in pairs(moved) do redis.call('HINCRBY', KEYS[at], 'version:' .. list, 1) end
  return {}
end
local function settle_token(at)
  local f = redis.call('HMGET', KEYS[1], 'revoked', 'ended', 'cascade')
  if not (f[1] or f[2] or f[3]) then return {} end
  return settle(at, redis.call('SMEMBERS', KEYS[2]))
end
";

/// Allocates a status, on the lists' slot: `KEYS[1]` the lists' hash,
/// `KEYS[2]` the allocated bitmap of list `ARGV[1]`, `KEYS[3]` that of list
/// `ARGV[4]` (one past it). `ARGV[1]` and `ARGV[2]` are the newest list and
/// its capacity as the caller believes them (`0` for none): when they are
/// not, replies `{'moved', newest, capacity}` and changes nothing.
/// Otherwise takes the first of the indices `ARGV[6]`, ... not allocated
/// yet in the newest list; when all are taken (or there is no list),
/// opens list `ARGV[4]` with capacity `ARGV[3]` and takes its index
/// `ARGV[5]`. Replies `{'allocated', list, index}`. A bit once set is never
/// cleared: an index is allocated once.
const ALLOCATE_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'newest', 'capacity')
local newest, capacity = f[1] or '0', f[2] or '0'
if newest ~= ARGV[1] or capacity ~= ARGV[2] then return {'moved', newest, capacity} end
if newest ~= '0' then
  for i = 6, #ARGV do
    if redis.call('SETBIT', KEYS[2], ARGV[i], 1) == 0 then return {'allocated', newest, ARGV[i]} end
  end
end
redis.call('HSET', KEYS[1], 'newest', ARGV[4], 'capacity', ARGV[3],
  'capacity:' .. ARGV[4], ARGV[3], 'version:' .. ARGV[4], '0')
redis.call('SETBIT', KEYS[3], ARGV[5], 1)
return {'allocated', ARGV[4], ARGV[5]}
";

/// Indexes the status `ARGV[1]` under its JWT, on the JWT's slot: adds it
/// to `KEYS[1]` (`P:sj:`), which expires at `ARGV[2]` (Unix milliseconds)
/// or later; settles it when the JWT is denied (`KEYS[2]`, `P:jd:`, exists).
/// Replies `{denied, statuses}`.
const INDEX_JTI_LUA: &str = r"
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('PEXPIRETIME', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('PEXPIREAT', KEYS[1], ARGV[2])
end
if redis.call('EXISTS', KEYS[2]) == 0 then return {0, {}} end
return {1, settle(3, {ARGV[1]})}
";

/// Indexes the status `ARGV[1]` of a JWT issued at `ARGV[2]` (Unix
/// seconds) under its subject, on the subject's slot: `KEYS[1]` (`P:ss:`)
/// scores it by `ARGV[2]`, `KEYS[2]` (`P:sx:`) by when it expires,
/// `ARGV[3]` (Unix milliseconds). Drops the members expired before
/// `ARGV[4]` (now) from both, which expire with their last member. Settles
/// the status when the subject's cutoff (`KEYS[3]`, `P:jc:`) reaches
/// `ARGV[2]`. Replies `{covered, statuses}`.
const INDEX_SUBJECT_LUA: &str = r"
for _, gone in ipairs(redis.call('ZRANGE', KEYS[2], '-inf', '(' .. ARGV[4], 'BYSCORE')) do
  redis.call('ZREM', KEYS[1], gone)
  redis.call('ZREM', KEYS[2], gone)
end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')[2]
redis.call('PEXPIREAT', KEYS[1], last)
redis.call('PEXPIREAT', KEYS[2], last)
local cutoff = redis.call('GET', KEYS[3])
if not cutoff or tonumber(cutoff) < tonumber(ARGV[2]) then return {0, {}} end
return {1, settle(4, {ARGV[1]})}
";

/// Marks index `ARGV[2]` of list `ARGV[1]` bound, on the lists' slot
/// (`KEYS[1]` the lists' hash, `KEYS[2]` and `KEYS[3]` the list's allocated
/// and bound bitmaps). Replies 1 when it did, 0 when the list or the index
/// was never allocated or the index is bound already.
const BIND_LUA: &str = r"
local capacity = redis.call('HGET', KEYS[1], 'capacity:' .. ARGV[1])
if not capacity or tonumber(ARGV[2]) >= tonumber(capacity) then return 0 end
if redis.call('GETBIT', KEYS[2], ARGV[2]) == 0 then return 0 end
return 1 - redis.call('SETBIT', KEYS[3], ARGV[2], 1)
";

/// Ties the status `ARGV[1]` to the token of `KEYS[1]`, on the token's
/// slot: adds it to the token's statuses `KEYS[2]` (`P:ts:`), which expire
/// with the token's hash (at `ARGV[2]`, Unix milliseconds, when there is
/// no hash: a token not recorded), and settles them when the token was
/// revoked already ([`settled_token`]). Replies 1.
const TIE_LUA: &str = r"
redis.call('SADD', KEYS[2], ARGV[1])
local expiry = redis.call('PEXPIRETIME', KEYS[1])
if expiry == -1 then
  redis.call('PERSIST', KEYS[2])
elseif expiry == -2 then
  redis.call('PEXPIREAT', KEYS[2], ARGV[2])
else
  redis.call('PEXPIREAT', KEYS[2], string.format('%d', expiry))
end
return 1
";

/// Reads list `ARGV[1]` in one step, on the lists' slot: its capacity and
/// version from `KEYS[1]`, and its INVALID statuses, the members of
/// `KEYS[2]` from `ARGV[2]` to `ARGV[3]` (by name, so by index). Replies
/// `{capacity, version, statuses}`, or nil for a list never opened.
const READ_LIST_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'capacity:' .. ARGV[1], 'version:' .. ARGV[1])
if not f[1] then return false end
return {f[1], f[2] or '0', redis.call('ZRANGE', KEYS[2], ARGV[2], ARGV[3], 'BYLEX')}
";

/// Settles the statuses `ARGV[1]`, ... on the lists' slot (`KEYS[1]` the
/// lists' hash, `KEYS[2]` the INVALID set): the second step of a settled
/// script on Redis Cluster. Replies `{}`.
const INVALIDATE_LUA: &str = r"
return settle(1, ARGV)
";

/// `body` after [`SETTLE_LUA`].
pub(crate) fn settled(body: &str) -> Script {
    Script::new(&format!("{SETTLE_LUA}{body}"))
}

/// `body`, a script on a token's slot replying `reply`, run as a function
/// after [`SETTLE_LUA`], then `settle_token(3)`: the script replies
/// `{reply, statuses}`, takes the token's statuses (`P:ts:`) as `KEYS[2]`
/// and, on standalone Redis, the status keys as `KEYS[3]` and `KEYS[4]`.
pub(crate) fn settled_token(body: &str) -> Script {
    let body = format!("local function body(){body}end\nreturn {{body(), settle_token(3)}}\n");
    settled(&body)
}

/// [`ALLOCATE_LUA`].
pub(crate) static ALLOCATE: LazyLock<Script> = LazyLock::new(|| Script::new(ALLOCATE_LUA));
/// [`INDEX_JTI_LUA`], settled.
pub(crate) static INDEX_JTI: LazyLock<Script> = LazyLock::new(|| settled(INDEX_JTI_LUA));
/// [`INDEX_SUBJECT_LUA`], settled.
pub(crate) static INDEX_SUBJECT: LazyLock<Script> = LazyLock::new(|| settled(INDEX_SUBJECT_LUA));
/// [`BIND_LUA`].
pub(crate) static BIND: LazyLock<Script> = LazyLock::new(|| Script::new(BIND_LUA));
/// [`TIE_LUA`], settled on the token.
pub(crate) static TIE: LazyLock<Script> = LazyLock::new(|| settled_token(TIE_LUA));
/// [`READ_LIST_LUA`].
pub(crate) static READ_LIST: LazyLock<Script> = LazyLock::new(|| Script::new(READ_LIST_LUA));
/// [`INVALIDATE_LUA`], settled.
pub(crate) static INVALIDATE: LazyLock<Script> = LazyLock::new(|| settled(INVALIDATE_LUA));
