//! [`RevocationListener`]: SUBSCRIBEs to the revocation notices and feeds
//! them to a cache, flushing the cache whenever notices may have been lost.

use crate::RedisStore;
use futures_util::StreamExt;
use redis::aio::ConnectionLike;
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tower_revoke::store::{Invalidate, RevocationNotice};

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
/// ([`backoff`](Self::backoff)).
///
/// A message that is not a notice (another program publishing on the
/// channel) also flushes the cache, and is logged at WARN.
///
/// # Example
/// ```no_run
/// use tower_revoke::store::{Invalidate, TokenDigest};
/// use tower_revoke_redis::RedisStore;
///
/// struct Cache;
///
/// impl Invalidate for Cache {
///     fn invalidate(&self, digests: &[TokenDigest]) { /* forget them */ }
///     fn invalidate_all(&self) { /* forget everything */ }
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let store = RedisStore::connect("redis://127.0.0.1:6379/0").await?;
/// let client = redis::Client::open("redis://127.0.0.1:6379/0")?;
/// let listener = tokio::spawn(store.listen(client, Cache));
/// // ... serve; at shutdown:
/// listener.abort();
/// # Ok(())
/// # }
/// ```
#[must_use = "a listener does nothing until its `run` future is polled"]
pub struct RevocationListener<S> {
    client: redis::Client,
    sink: S,
    channel: String,
    min_backoff: Duration,
    max_backoff: Duration,
    ping_interval: Duration,
    timeout: Duration,
}

impl<S: Invalidate> RevocationListener<S> {
    /// A listener on `client`'s server (for Redis Cluster, any node: pub/sub
    /// messages reach every node) feeding `sink`, on the default channel
    /// [`RedisStore::DEFAULT_CHANNEL`], with a backoff from 100 ms to 5 s, a
    /// ping every 5 s, and 3 s to connect or answer a ping.
    pub fn new(client: redis::Client, sink: S) -> Self {
        Self {
            client,
            sink,
            channel: RedisStore::<redis::aio::ConnectionManager>::DEFAULT_CHANNEL.to_owned(),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            ping_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(3),
        }
    }

    /// The channel to SUBSCRIBE to: the stores' [`RedisStore::channel`].
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        self.channel = channel.into();
        self
    }

    /// Waits `min` after the first failed connection, doubling up to `max`
    /// after each further failure (defaults 100 ms and 5 s).
    ///
    /// # Panics
    /// When `min` is zero or greater than `max`.
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        assert!(
            !min.is_zero() && min <= max,
            "RevocationListener::backoff: expected 0 < min <= max, got {min:?} and {max:?}"
        );
        (self.min_backoff, self.max_backoff) = (min, max);
        self
    }

    /// How often to PING the server to notice a dead connection (default
    /// 5 s); a ping unanswered within the connection timeout (3 s) means
    /// reconnecting.
    ///
    /// # Panics
    /// When `interval` is zero.
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        assert!(
            !interval.is_zero(),
            "RevocationListener::ping_interval: expected a non-zero duration"
        );
        self.ping_interval = interval;
        self
    }

    /// Listens until the future is dropped (abort its task to stop it).
    pub async fn run(self) {
        let mut backoff = self.min_backoff;
        loop {
            match self.subscribe().await {
                Ok((sink, stream)) => {
                    self.sink.invalidate_all();
                    backoff = self.min_backoff;
                    let reason = self.receive(sink, stream).await;
                    tracing::warn!(channel = %self.channel, "tower-revoke-redis: revocation notices interrupted ({reason}); reconnecting");
                }
                Err(error) => {
                    tracing::warn!(channel = %self.channel, "tower-revoke-redis: cannot subscribe to revocation notices: {error}; retrying in {backoff:?}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(self.max_backoff);
                }
            }
        }
    }

    async fn subscribe(
        &self,
    ) -> Result<(redis::aio::PubSubSink, redis::aio::PubSubStream), String> {
        let connect = async {
            let mut pubsub = self.client.get_async_pubsub().await?;
            pubsub.subscribe(&self.channel).await?;
            Ok::<_, redis::RedisError>(pubsub.split())
        };
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(split)) => Ok(split),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    /// Feeds messages to the sink until the connection fails; returns why.
    async fn receive(
        &self,
        mut sink: redis::aio::PubSubSink,
        mut stream: redis::aio::PubSubStream,
    ) -> String {
        let mut ping = tokio::time::interval(self.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        loop {
            tokio::select! {
                message = stream.next() => {
                    let Some(message) = message else {
                        return "connection closed".to_owned();
                    };
                    self.deliver(message.get_payload_bytes());
                }
                _ = ping.tick() => {
                    let pong = sink.ping::<redis::Value>();
                    match tokio::time::timeout(self.timeout, pong).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => return format!("ping failed: {error}"),
                        Err(_) => return format!("no pong within {:?}", self.timeout),
                    }
                }
            }
        }
    }

    fn deliver(&self, payload: &[u8]) {
        let notice = std::str::from_utf8(payload)
            .ok()
            .and_then(RevocationNotice::parse);
        match notice {
            Some(notice) => self.sink.invalidate(notice.digests()),
            None => {
                tracing::warn!(channel = %self.channel, bytes = payload.len(), "tower-revoke-redis: a message that is not a revocation notice; flushing the cache");
                self.sink.invalidate_all();
            }
        }
    }
}

impl<S> fmt::Debug for RevocationListener<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RevocationListener")
            .field("channel", &self.channel)
            .field("min_backoff", &self.min_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("ping_interval", &self.ping_interval)
            .finish_non_exhaustive()
    }
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// A [`RevocationListener`] on `client`'s server, on this store's
    /// channel, feeding `sink`, with its defaults; the future runs until
    /// dropped. Spawn it: `tokio::spawn(store.listen(client, cache))`.
    pub fn listen<S: Invalidate>(
        &self,
        client: redis::Client,
        sink: S,
    ) -> impl Future<Output = ()> + Send + 'static {
        RevocationListener::new(client, sink)
            .channel(self.channel.clone())
            .run()
    }
}
