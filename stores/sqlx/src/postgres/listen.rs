//! [`RevocationListener`]: `LISTEN`s for the revocation notices and feeds
//! them to a cache, flushing the cache whenever notices may have been lost.

use super::PostgresStore;
use crate::error::failed;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;
use tower_revoke::store::{Invalidate, RevocationNotice};
use tower_revoke::StoreError;

/// Receives the revocation notices every [`PostgresStore`] sends and hands
/// them to a cache (anything implementing [`Invalidate`]).
///
/// [`run`](Self::run) loops until its future is dropped: it takes a
/// connection from its pool, `LISTEN`s on the channel, then calls
/// [`Invalidate::invalidate`] with the digests of each notice. PostgreSQL
/// drops notices for a listener that is not connected, so after every
/// (re)connection, the first included, it calls
/// [`Invalidate::invalidate_all`]: the cache's maximum staleness stays a
/// hard bound however the channel fails. It runs `SELECT 1` every
/// [`ping_interval`](Self::ping_interval) to notice a connection that died
/// without closing, and reconnects by itself with exponential backoff
/// ([`backoff`](Self::backoff)). It stops when its pool is closed.
///
/// A notice that is not a [`RevocationNotice`] (another program notifying
/// on the channel) also flushes the cache, and is logged at WARN.
///
/// The listener keeps one connection of its pool for as long as it runs:
/// give it a pool of its own ([`connect_lazy`](Self::connect_lazy)), or
/// count it in the app's pool size.
///
/// # Example
/// ```no_run
/// use tower_revoke::store::{Invalidate, TokenDigest};
/// use tower_revoke_sqlx::{PostgresStore, RevocationListener};
///
/// struct Cache;
///
/// impl Invalidate for Cache {
///     fn invalidate(&self, digests: &[TokenDigest]) { /* forget them */ }
///     fn invalidate_all(&self) { /* forget everything */ }
/// }
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let url = "postgres://app@localhost/app";
/// let store = PostgresStore::new(sqlx::PgPool::connect_lazy(url)?);
/// // On a connection of its own, not one of the store's pool:
/// let listener = RevocationListener::connect_lazy(url, Cache)?
///     .channel(store.channel_name());
/// let task = tokio::spawn(listener.run());
/// // ... serve; at shutdown:
/// task.abort();
/// # Ok(())
/// # }
/// ```
#[must_use = "a listener does nothing until its `run` future is polled"]
pub struct RevocationListener<S> {
    pool: PgPool,
    sink: S,
    channel: String,
    min_backoff: Duration,
    max_backoff: Duration,
    ping_interval: Duration,
    timeout: Duration,
}

impl<S> RevocationListener<S> {
    /// The `application_name` of the connection [`connect_lazy`](Self::connect_lazy)
    /// opens, to find it in `pg_stat_activity`.
    pub const APPLICATION_NAME: &'static str = "tower-revoke listener";
}

impl<S: Invalidate> RevocationListener<S> {
    /// A listener taking its connection from `pool`, feeding `sink`, on
    /// the default channel [`PostgresStore::DEFAULT_CHANNEL`], with a
    /// backoff from 100 ms to 5 s, a ping every 5 s, and 3 s to connect or
    /// answer a ping.
    pub fn new(pool: PgPool, sink: S) -> Self {
        Self {
            pool,
            sink,
            channel: PostgresStore::DEFAULT_CHANNEL.to_owned(),
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            ping_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(3),
        }
    }

    /// A listener on a connection of its own to `url` (a pool of one,
    /// opened when [`run`](Self::run) starts, with the `application_name`
    /// [`APPLICATION_NAME`](Self::APPLICATION_NAME)), as [`new`](Self::new).
    ///
    /// # Errors
    /// [`StoreError`] when `url` is not a PostgreSQL URL.
    pub fn connect_lazy(url: &str, sink: S) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(failed("listen"))?
            .application_name(Self::APPLICATION_NAME);
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(3))
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        Ok(Self::new(pool, sink))
    }

    /// The channel to `LISTEN` on: the stores' [`PostgresStore::channel`].
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

    /// How often to ping the server to notice a dead connection (default
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

    /// Listens until the future is dropped (abort its task to stop it) or
    /// the pool is closed.
    pub async fn run(self) {
        let mut backoff = self.min_backoff;
        while !self.pool.is_closed() {
            match self.subscribe().await {
                Ok(listener) => {
                    self.sink.invalidate_all();
                    backoff = self.min_backoff;
                    let reason = self.receive(listener).await;
                    tracing::warn!(channel = %self.channel, "tower-revoke-sqlx: revocation notices interrupted ({reason}); reconnecting");
                }
                Err(error) => {
                    tracing::warn!(channel = %self.channel, "tower-revoke-sqlx: cannot listen for revocation notices: {error}; retrying in {backoff:?}");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(self.max_backoff);
                }
            }
        }
    }

    async fn subscribe(&self) -> Result<PgListener, String> {
        let connect = async {
            let mut listener = PgListener::connect_with(&self.pool).await?;
            // A lost connection ends `receive`, which reconnects and flushes.
            listener.eager_reconnect(false);
            listener.listen(&self.channel).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(listener)) => Ok(listener),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    /// Feeds notices to the sink until the connection fails; returns why.
    async fn receive(&self, mut listener: PgListener) -> String {
        let mut ping = tokio::time::interval(self.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.tick().await;
        loop {
            // `try_recv` is cancel-safe: a notice half read stays buffered.
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notice)) => self.deliver(notice.payload()),
                    Ok(None) => return "connection lost".to_owned(),
                    Err(error) => return error.to_string(),
                },
                _ = ping.tick() => {
                    let pong = sqlx::Executor::execute(&mut listener, "SELECT 1");
                    match tokio::time::timeout(self.timeout, pong).await {
                        Ok(Ok(_)) => {}
                        Ok(Err(error)) => return format!("ping failed: {error}"),
                        Err(_) => return format!("no answer to a ping within {:?}", self.timeout),
                    }
                }
            }
        }
    }

    fn deliver(&self, payload: &str) {
        match RevocationNotice::parse(payload) {
            Some(notice) => self.sink.invalidate(notice.digests()),
            None => {
                tracing::warn!(channel = %self.channel, bytes = payload.len(), "tower-revoke-sqlx: a notice that is not a revocation notice; flushing the cache");
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

impl PostgresStore {
    /// A [`RevocationListener`] taking its connection from `pool`, on this
    /// store's channel, feeding `sink`, with its defaults; the future runs
    /// until dropped. Spawn it: `tokio::spawn(store.listen(pool, cache))`.
    ///
    /// For a connection of its own to a URL, use
    /// [`RevocationListener::connect_lazy`].
    pub fn listen<S: Invalidate>(
        &self,
        pool: PgPool,
        sink: S,
    ) -> impl Future<Output = ()> + Send + 'static {
        RevocationListener::new(pool, sink)
            .channel(self.channel.clone())
            .run()
    }
}
