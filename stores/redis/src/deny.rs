//! The JWT deny-list's writes: a denied JWT (`P:jd:`) and a subject's
//! cutoff (`P:jc:`), one command or script each on its key's slot. They
//! end no token record and send no notice: JWTs are checked by signature,
//! then against these keys.

use crate::scripts::RAISE;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use tower_revoke::store::JwtRecord;
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One `SET key 1 NX PXAT <until>`: the key vanishes when the entry
    /// lapses, so the list never outgrows the live denied tokens.
    pub(crate) async fn deny_jti(
        &self,
        jwt: &JwtRecord<'_>,
        until: u64,
    ) -> Result<bool, StoreError> {
        self.set_until(self.keys.denied_jti(jwt.issuer, jwt.jti), until)
            .await
    }

    /// One script on the subject's cutoff key: raised, never lowered. The
    /// key never expires.
    pub(crate) async fn raise_jwt_cutoff(
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
