//! [`RevocationListener`]: `LISTEN`s for the revocation notices and feeds
//! them to a cache. The loop (flushes, pings, backoff) is `tower_revoke`'s
//! [`NoticeListener`]; this module supplies only the channel.

use super::PostgresStore;
use crate::error::failed;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::PgPool;
use std::fmt;
use std::future::Future;
use std::str::FromStr;
use std::time::Duration;
use tower_revoke::store::Invalidate;
use tower_revoke::store::{NoticeListener, NoticeSource};
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
/// ([`backoff`](Self::backoff)). It stops when its pool is closed. See
/// [`NoticeListener`] for the loop.
///
/// A notice that is not a
/// [`RevocationNotice`](tower_revoke::store::RevocationNotice) (another program
/// notifying on the channel) also flushes the cache, and is logged at WARN.
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
///     .channel(store.get_channel());
/// let task = tokio::spawn(listener.run());
/// // ... serve; at shutdown:
/// task.abort();
/// # Ok(())
/// # }
/// ```
#[must_use = "a listener does nothing until its `run` future is polled"]
pub struct RevocationListener<S>(NoticeListener<Notifications, S>);

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
        let channel = PostgresStore::DEFAULT_CHANNEL.to_owned();
        Self(NoticeListener::new(Notifications { pool, channel }, sink))
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

    /// How often to `SELECT 1` the server (default 5 s), as
    /// [`NoticeListener::ping_interval`], which panics on zero.
    #[track_caller]
    pub fn ping_interval(self, interval: Duration) -> Self {
        Self(self.0.ping_interval(interval))
    }

    /// Listens until the future is dropped (abort its task to stop it) or
    /// the pool is closed.
    pub async fn run(self) {
        self.0.run().await;
    }
}

impl<S> fmt::Debug for RevocationListener<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RevocationListener").field(&self.0).finish()
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
            .channel(&*self.channel)
            .run()
    }
}

/// A PostgreSQL channel: `LISTEN` on a connection taken from the pool.
struct Notifications {
    pool: PgPool,
    channel: String,
}

impl NoticeSource for Notifications {
    type Subscription = PgListener;
    const NAME: &'static str = "tower-revoke-sqlx";

    fn channel(&self) -> &str {
        &self.channel
    }

    async fn subscribe(&self) -> Result<PgListener, StoreError> {
        let mut listener = PgListener::connect_with(&self.pool)
            .await
            .map_err(StoreError::new)?;
        // A lost connection ends the subscription: the loop reconnects and
        // flushes.
        listener.eager_reconnect(false);
        listener
            .listen(&self.channel)
            .await
            .map_err(StoreError::new)?;
        Ok(listener)
    }

    /// `try_recv` is cancel-safe: a notice half read stays buffered.
    async fn next_message(&self, listener: &mut PgListener) -> Result<Vec<u8>, StoreError> {
        match listener.try_recv().await {
            Ok(Some(notice)) => Ok(notice.payload().as_bytes().to_vec()),
            Ok(None) => Err(StoreError::new("connection lost")),
            Err(error) => Err(StoreError::new(error)),
        }
    }

    async fn ping(&self, listener: &mut PgListener) -> Result<(), StoreError> {
        let pong = sqlx::Executor::execute(listener, "SELECT 1").await;
        pong.map(drop).map_err(StoreError::new)
    }

    fn is_closed(&self) -> bool {
        self.pool.is_closed()
    }
}
