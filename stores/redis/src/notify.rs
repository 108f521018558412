//! Publishing revocation notices, after the revocation is committed.

use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::{RevocationNotice, TokenDigest};

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// PUBLISHes the digests of the tokens a committed revocation ended on
    /// the store's channel, in messages of at most
    /// [`RevocationNotice::MAX_DIGESTS_PER_MESSAGE`] digests.
    ///
    /// Bounded by the store's timeout, on top of the revocation's own. A
    /// failure is logged at WARN and otherwise ignored: the revocation
    /// is committed, so the endpoint must still answer 200, and a cache
    /// that misses the notice serves the token at most its maximum
    /// staleness longer.
    pub(crate) async fn publish(&self, ended: &[TokenDigest]) {
        if ended.is_empty() {
            return;
        }
        let notice = RevocationNotice::new(ended.to_vec());
        let publish = async {
            for payload in notice.to_payloads() {
                let channel = self.channel.clone();
                let _: i64 = self.query(|c| c.publish(channel, payload)).await?;
            }
            Ok::<_, tower_revoke::StoreError>(())
        };
        let failure = match tokio::time::timeout(self.timeout, publish).await {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {:?}", self.timeout),
        };
        tracing::warn!(
            channel = %self.channel,
            tokens = ended.len(),
            "tower-revoke-redis: revocation committed, but its notice was not published \
             (caches stay stale up to their maximum staleness): {failure}"
        );
    }
}
