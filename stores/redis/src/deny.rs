//! The JWT deny-list's writes: a denied JWT (`P:jd:`) and a subject's
//! cutoff (`P:jc:`), one script each on its key's slot, which also makes
//! the statuses it reaches INVALID. They end no token record and send no
//! notice: JWTs are checked by signature, then against these keys.

use crate::record::pxat;
use crate::scripts::{DENY_JTI, RAISE_CUTOFF};
use crate::RedisStore;
use redis::aio::ConnectionLike;
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// One script on the JWT's slot: `SET key 1 NX PXAT <until>` (the key
    /// vanishes when the entry lapses, so the list never outgrows the live
    /// denied tokens), and, while the denial lasts, the JWT's statuses
    /// made INVALID. `true` when it set the key.
    pub(crate) async fn deny_jti(
        &self,
        issuer: &str,
        jti: &str,
        until: u64,
    ) -> Result<bool, StoreError> {
        let mut deny = DENY_JTI.key(self.keys.denied_jti(issuer, jti));
        deny.key(self.keys.jti_statuses(issuer, jti));
        deny.arg(pxat(until));
        let denied: i64 = self.bounded(self.invoke_settled(&mut deny)).await?;
        Ok(denied == 1)
    }

    /// One script on the subject's cutoff key: raised, never lowered (the
    /// key never expires), and the statuses of the subject's JWTs it
    /// reaches made INVALID.
    pub(crate) async fn raise_jwt_cutoff(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let mut raise = RAISE_CUTOFF.key(self.keys.subject_cutoff(issuer, subject));
        raise.key(self.keys.subject_statuses(issuer, subject));
        raise.arg(cutoff);
        let _: i64 = self.bounded(self.invoke_settled(&mut raise)).await?;
        Ok(())
    }
}
