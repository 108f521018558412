//! [`RevocationListener`]: SUBSCRIBEs to the revocation notices and feeds
//! them to a cache. The loop (flushes, pings, backoff) is `tower_revoke`'s
//! [`NoticeListener`]; this module supplies only the channel.

use crate::RedisStore;
use futures_util::StreamExt;
use redis::aio::{ConnectionLike, PubSubSink, PubSubStream};
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tower_revoke::store::Invalidate;
use tower_revoke::store::{NoticeListener, NoticeSource};
use tower_revoke::StoreError;

/// Receives the revocation notices every [`RedisStore`] publishes and
/// hands them to a cache (anything implementing [`Invalidate`]).
///
/// [`run`](Self::run) loops until its future is dropped: it opens a
/// dedicated pub/sub connection, SUBSCRIBEs, then calls
/// [`Invalidate::invalidate`] with the digests of each message. Redis
/// pub/sub drops messages while a subscriber is disconnected, so after
/// every (re)subscription, the first included, it calls
/// [`Invalidate::invalidate_all`]: the cache's maximum staleness stays a
/// hard bound however the channel fails. It PINGs the server every
/// [`ping_interval`](Self::ping_interval) to notice a dead connection, and
/// reconnects by itself with exponential backoff
/// ([`backoff`](Self::backoff)). See [`NoticeListener`] for the loop.
///
/// A message that is not a notice (another program publishing on the
/// channel) also flushes the cache, and is logged at WARN.
///
/// A store from [`RedisStore::connect`] starts one with
/// [`RedisStore::listen`]; build one yourself for a store over your own
/// connection (Redis Cluster: a client of any node).
///
/// # Example
/// ```no_run
/// use tower_revoke::store::{Invalidate, TokenDigest};
/// use tower_revoke_redis::{RedisStore, RevocationListener};
///
/// struct Cache;
///
/// impl Invalidate for Cache {
///     fn invalidate(&self, digests: &[TokenDigest]) { /* forget them */ }
///     fn invalidate_all(&self) { /* forget everything */ }
/// }
///
/// # async fn run(store: RedisStore) -> Result<(), Box<dyn std::error::Error>> {
/// let node = redis::Client::open("redis://127.0.0.1:7000/")?;
/// let listener = RevocationListener::new(node, Cache).channel(store.get_channel());
/// let task = tokio::spawn(listener.run());
/// // ... serve; at shutdown:
/// task.abort();
/// # Ok(())
/// # }
/// ```
#[must_use = "a listener does nothing until its `run` future is polled"]
pub struct RevocationListener<S>(NoticeListener<PubSub, S>);

impl<S: Invalidate> RevocationListener<S> {
    /// A listener on `client`'s server (for Redis Cluster, any node: pub/sub
    /// messages reach every node) feeding `sink`, on the default channel
    /// [`RedisStore::DEFAULT_CHANNEL`], with a backoff from 100 ms to 5 s, a
    /// ping every 5 s, and 3 s to connect or answer a ping.
    pub fn new(client: redis::Client, sink: S) -> Self {
        let channel = RedisStore::<redis::aio::ConnectionManager>::DEFAULT_CHANNEL.to_owned();
        Self(NoticeListener::new(PubSub { client, channel }, sink))
    }

    /// The channel to SUBSCRIBE to: the stores' [`RedisStore::channel`].
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.0.source_mut().channel = channel.into();
        self
    }

    /// The wait after a failed connection (default 100 ms, doubling up
    /// to 5 s), as [`NoticeListener::backoff`], which panics unless
    /// `0 < min <= max`.
    #[track_caller]
    pub fn backoff(self, min: Duration, max: Duration) -> Self {
        Self(self.0.backoff(min, max))
    }

    /// How often to PING the server (default 5 s), as
    /// [`NoticeListener::ping_interval`], which panics on zero.
    #[track_caller]
    pub fn ping_interval(self, interval: Duration) -> Self {
        Self(self.0.ping_interval(interval))
    }

    /// Listens until the future is dropped (abort its task to stop it).
    pub async fn run(self) {
        self.0.run().await;
    }
}

impl<S> fmt::Debug for RevocationListener<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RevocationListener").field(&self.0).finish()
    }
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// A [`RevocationListener`] on the server this store was
    /// [connected](Self::connect) to, on a pub/sub connection of its own,
    /// on this store's channel, feeding `sink`, with its defaults; the
    /// future runs until dropped. Spawn it:
    /// `tokio::spawn(store.listen(cache))`.
    ///
    /// # Panics
    /// When the store was built with [`new`](Self::new) (it has no
    /// [`redis::Client`] to connect with): use
    /// `RevocationListener::new(client, sink).channel(store.get_channel())`.
    #[track_caller]
    pub fn listen<S: Invalidate>(&self, sink: S) -> impl Future<Output = ()> + Send + 'static {
        let client = self.client.clone().expect(
            "RedisStore::listen: the store has no redis::Client (it was built with `new`): \
             use RevocationListener::new(client, sink)",
        );
        RevocationListener::new(client, sink)
            .channel(self.channel.clone())
            .run()
    }
}

/// A Redis pub/sub channel: a SUBSCRIBEd connection of its own, opened
/// from the client.
struct PubSub {
    client: redis::Client,
    channel: String,
}

impl NoticeSource for PubSub {
    type Subscription = (PubSubSink, PubSubStream);
    const NAME: &'static str = "tower-revoke-redis";

    fn channel(&self) -> &str {
        &self.channel
    }

    async fn subscribe(&self) -> Result<Self::Subscription, StoreError> {
        let mut pubsub = self
            .client
            .get_async_pubsub()
            .await
            .map_err(StoreError::new)?;
        pubsub
            .subscribe(&self.channel)
            .await
            .map_err(StoreError::new)?;
        Ok(pubsub.split())
    }

    /// `PubSubStream::next` is cancel-safe: a message half read stays
    /// buffered.
    async fn next_message(
        &self,
        (_, stream): &mut Self::Subscription,
    ) -> Result<Vec<u8>, StoreError> {
        let message = stream.next().await;
        let message = message.ok_or_else(|| StoreError::new("connection closed"))?;
        Ok(message.get_payload_bytes().to_vec())
    }

    async fn ping(&self, (sink, _): &mut Self::Subscription) -> Result<(), StoreError> {
        sink.ping::<redis::Value>().await.map_err(StoreError::new)?;
        Ok(())
    }
}
