//! [`JwtDenyList`]: denied JWTs as keys expiring when their entry lapses,
//! subject cutoffs as keys raised by a script.

use crate::error::{store_error, unexpected};
use crate::RedisStore;
use futures_util::future::try_join;
use redis::aio::ConnectionLike;
use redis::Script;
use std::sync::LazyLock;
use tower_revoke::store::JwtRecord;
use tower_revoke::{JwtDenyList, StoreError};

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
        let mut set = redis::cmd("SET");
        set.arg(self.keys.denied_jti(jwt.issuer, jwt.jti))
            .arg("1")
            .arg("NX")
            .arg("PXAT")
            .arg(until.saturating_mul(1000).max(1));
        let stored: Option<String> = self.bounded(self.query(&set)).await?;
        Ok(stored.is_some())
    }

    /// Two GETs sent together (the keys may live in two cluster slots).
    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        let mut denied = redis::cmd("EXISTS");
        denied.arg(self.keys.denied_jti(jwt.issuer, jwt.jti));
        let mut cutoff = redis::cmd("GET");
        cutoff.arg(self.keys.subject_cutoff(jwt.issuer, jwt.subject));
        let both = try_join(
            self.query::<i64>(&denied),
            self.query::<Option<String>>(&cutoff),
        );
        let (denied, cutoff) = self.bounded(both).await?;
        let cutoff = match cutoff {
            Some(text) => Some(text.parse::<u64>().map_err(|_| unexpected("jwt cutoff"))?),
            None => None,
        };
        Ok(denied == 1 || cutoff.is_some_and(|cutoff| cutoff >= jwt.issued_at))
    }

    /// One script on the cutoff's key: raised, never lowered. The key never
    /// expires.
    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let mut invocation = RAISE.key(self.keys.subject_cutoff(issuer, subject));
        invocation.arg(cutoff);
        let raise = async {
            let done: i64 = invocation
                .invoke_async(&mut self.conn.clone())
                .await
                .map_err(store_error)?;
            Ok::<_, StoreError>(done)
        };
        self.bounded(raise).await?;
        Ok(())
    }
}
