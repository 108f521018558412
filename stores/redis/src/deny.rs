//! [`JwtDenyList`]: denied JWTs as keys expiring when their entry lapses,
//! subject cutoffs as keys raised by a script.

use crate::error::unexpected;
use crate::RedisStore;
use futures_util::future::try_join;
use redis::aio::ConnectionLike;
use redis::{AsyncCommands, ExistenceCheck, Script, SetExpiry, SetOptions};
use std::sync::LazyLock;
use tower_revoke::{JwtDenyList, JwtRecord, StoreError};

/// Sets `KEYS[1]` to `ARGV[1]` unless it holds a larger number already.
const RAISE_LUA: &str = r"
local current = tonumber(redis.call('GET', KEYS[1]) or '-1')
if tonumber(ARGV[1]) > current then redis.call('SET', KEYS[1], ARGV[1]) end
return 1
";

static RAISE: LazyLock<Script> = LazyLock::new(|| Script::new(RAISE_LUA));

impl<C> JwtDenyList for RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One `SET key 1 NX PXAT <until>`: the key vanishes when the entry
    /// lapses, so the list never outgrows the live denied tokens.
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        let key = self.keys.denied_jti(jwt.issuer, jwt.jti);
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PXAT(until.saturating_mul(1000).max(1)));
        let set = self.query(|c| c.set_options(key, "1", options));
        let stored: Option<String> = self.bounded(set).await?;
        Ok(stored.is_some())
    }

    /// An EXISTS and a GET sent together (the keys may live in two
    /// cluster slots).
    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        let denied = self.keys.denied_jti(jwt.issuer, jwt.jti);
        let cutoff = self.keys.subject_cutoff(jwt.issuer, jwt.subject);
        let both = try_join(
            self.query(|c| c.exists(denied)),
            self.query(|c| c.get(cutoff)),
        );
        let (denied, cutoff): (bool, Option<String>) = self.bounded(both).await?;
        let cutoff = match cutoff {
            Some(text) => Some(text.parse::<u64>().map_err(|_| unexpected("jwt cutoff"))?),
            None => None,
        };
        Ok(denied || cutoff.is_some_and(|cutoff| cutoff >= jwt.issued_at))
    }

    /// One script on the cutoff's key: raised, never lowered. The key never
    /// expires.
    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let mut raise = RAISE.key(self.keys.subject_cutoff(issuer, subject));
        raise.arg(cutoff);
        let _: i64 = self.bounded(self.invoke(&raise)).await?;
        Ok(())
    }
}
