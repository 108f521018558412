//! [`RedisStore`]: the connection, the options, and the two helpers every
//! call goes through (one command on the connection; the timeout).

use crate::error::{store_error, timed_out};
use crate::keys::Keys;
use crate::record::pxat;
use crate::status::StatusMemo;
use redis::aio::{ConnectionLike, ConnectionManager, ConnectionManagerConfig};
use redis::{
    AsyncCommands, ExistenceCheck, FromRedisValue, RedisFuture, ScriptInvocation, SetExpiry,
    SetOptions,
};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::StoreError;

/// How many commands one call keeps in flight at once (a grant's tokens, a
/// subject's, a seed's); the multiplexed connection pipelines them.
pub(crate) const IN_FLIGHT: usize = 64;

/// A store in Redis implementing every store trait of `tower_revoke`
/// ([`RevocationStore`](tower_revoke::RevocationStore),
/// [`IntrospectionStore`](tower_revoke::IntrospectionStore),
/// [`SubjectRevocationStore`](tower_revoke::SubjectRevocationStore),
/// [`JwtDenyList`](tower_revoke::JwtDenyList),
/// [`IssuanceStore`](tower_revoke::IssuanceStore),
/// [`ClientAssertionStore`](tower_revoke::ClientAssertionStore),
/// [`StatusListStore`](tower_revoke::StatusListStore)) with
/// the same rules as [`MemoryStore`](tower_revoke::MemoryStore).
///
/// `C` is the connection: a [`ConnectionManager`] (standalone Redis,
/// reconnects by itself) or a
/// [`ClusterConnection`](redis::cluster_async::ClusterConnection) (Redis
/// Cluster). Cloning is cheap; clones share the connection.
///
/// Build it with [`connect`](Self::connect) (which keeps its
/// [`redis::Client`], so [`listen`](Self::listen) needs nothing more) or
/// over a connection of your own with [`new`](Self::new). Options are
/// builder methods taking `self`, in any order:
/// [`key_prefix`](Self::key_prefix), [`channel`](Self::channel),
/// [`timeout`](Self::timeout),
/// [`expired_retention`](Self::expired_retention),
/// [`access_token_revokes_grant`](Self::access_token_revokes_grant).
///
/// # Example
/// Over a connection manager of your own:
/// ```no_run
/// use tower_revoke_redis::RedisStore;
///
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// let client = redis::Client::open("redis://127.0.0.1:6379/0")?;
/// let manager = client
///     .get_connection_manager_with_config(RedisStore::connection_manager_config())
///     .await?;
/// let store = RedisStore::new(manager).key_prefix("myapp");
/// # let _ = store;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisStore<C = ConnectionManager> {
    pub(crate) conn: C,
    /// The client [`connect`](Self::connect) opened, for the listener.
    pub(crate) client: Option<redis::Client>,
    pub(crate) keys: Keys,
    pub(crate) channel: String,
    pub(crate) timeout: Duration,
    pub(crate) retention: Duration,
    pub(crate) access_token_revokes_grant: bool,
    /// What the store learned about its status lists, shared by clones.
    pub(crate) statuses: Arc<StatusMemo>,
}

impl RedisStore<ConnectionManager> {
    /// What we recommend for the [`ConnectionManager`] of a store: 2 s to
    /// connect, 2 s per response, and two quick reconnection attempts per
    /// failure (100 ms apart, at most 1 s), so that a Redis that is down
    /// fails a request within a few seconds instead of stalling it.
    pub fn connection_manager_config() -> ConnectionManagerConfig {
        ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(Duration::from_secs(2)))
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(100))
            .set_max_delay(Duration::from_secs(1))
    }

    /// Connects to `url` (`redis://HOST:PORT/DB`, `rediss://` for TLS when
    /// the `redis` crate has a TLS feature on) with
    /// [`connection_manager_config`](Self::connection_manager_config),
    /// and keeps the [`redis::Client`] for [`listen`](Self::listen).
    ///
    /// # Errors
    /// The URL is invalid, or Redis cannot be reached.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(StoreError::new)?;
        let config = Self::connection_manager_config();
        let manager = client
            .get_connection_manager_with_config(config)
            .await
            .map_err(StoreError::new)?;
        let mut store = Self::new(manager);
        store.client = Some(client);
        Ok(store)
    }
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// The default key prefix.
    pub const DEFAULT_PREFIX: &'static str = "trv";
    /// The default channel of revocation notices.
    pub const DEFAULT_CHANNEL: &'static str = "tower-revoke:revocations";
    /// The default bound on each store call: 3 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);
    /// How long an expired token's keys are kept by default: one day.
    pub const DEFAULT_EXPIRED_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

    /// A store over `conn`, with the default options: prefix `trv`, channel
    /// `tower-revoke:revocations`, a 3 s timeout per call, a day's
    /// retention of expired tokens. It has no [`redis::Client`]: start
    /// its listener with [`RevocationListener::new`](crate::RevocationListener::new).
    pub fn new(conn: C) -> Self {
        Self {
            conn,
            client: None,
            keys: Keys::new(Self::DEFAULT_PREFIX),
            channel: Self::DEFAULT_CHANNEL.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
            retention: Self::DEFAULT_EXPIRED_RETENTION,
            access_token_revokes_grant: false,
            statuses: Arc::default(),
        }
    }

    /// Every key of the store starts with `prefix` and a colon (default
    /// `trv`), so several stores (or tests) can share one database.
    ///
    /// # Panics
    /// When `prefix` is empty or holds `{` or `}` (a hash tag in the prefix
    /// would put every key in one Redis Cluster slot).
    #[must_use]
    #[track_caller]
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.keys = Keys::new(&prefix.into());
        self
    }

    /// The pub/sub channel revocation notices are published on (default
    /// `tower-revoke:revocations`); listeners must use the same.
    ///
    /// # Panics
    /// When `channel` is empty.
    #[must_use]
    #[track_caller]
    pub fn channel(mut self, channel: impl Into<String>) -> Self {
        let channel = channel.into();
        assert!(
            !channel.is_empty(),
            "RedisStore::channel: expected a non-empty channel name"
        );
        self.channel = channel;
        self
    }

    /// The bound on each store call (default 3 s): past it the call
    /// answers `Err(StoreError)`, so a Redis that is down or stalled costs
    /// a request at most this long. Bound the connection too (see
    /// [`connection_manager_config`](RedisStore::connection_manager_config)).
    ///
    /// # Panics
    /// When `timeout` is zero.
    #[must_use]
    #[track_caller]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        assert!(
            !timeout.is_zero(),
            "RedisStore::timeout: expected a non-zero duration"
        );
        self.timeout = timeout;
        self
    }

    /// How long a token's keys outlive its expiry (default one day),
    /// counted from `expires_at` or from when the token was stored,
    /// whichever is later. Within it, revoking an expired refresh token
    /// still ends its grant (RFC 7009 §2.1); after it the token is unknown.
    /// Keep it at least as long as your longest access token lifetime.
    /// Zero lets keys vanish at `expires_at` exactly.
    #[must_use]
    pub fn expired_retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Whether revoking an access token ends every token of its grant, as
    /// [`MemoryStore::access_token_revokes_grant`](tower_revoke::MemoryStore::access_token_revokes_grant)
    /// (default `false`).
    #[must_use]
    pub fn access_token_revokes_grant(mut self, enabled: bool) -> Self {
        self.access_token_revokes_grant = enabled;
        self
    }

    /// The connection the store uses.
    pub fn connection(&self) -> &C {
        &self.conn
    }

    /// The [`key_prefix`](Self::key_prefix) option: to inspect or clean
    /// the store's keys (`SCAN MATCH <prefix>:*`), for example in a
    /// conformance-kit dump that is handed only the store.
    pub fn get_key_prefix(&self) -> &str {
        self.keys.prefix()
    }

    /// The [`channel`](Self::channel) option: for a
    /// [`RevocationListener`](crate::RevocationListener) of a store built
    /// with [`new`](Self::new).
    pub fn get_channel(&self) -> &str {
        &self.channel
    }

    /// Sends one command on a clone of the connection:
    /// `self.query(|c| c.get(key))`.
    pub(crate) async fn query<T>(
        &self,
        command: impl for<'c> FnOnce(&'c mut C) -> RedisFuture<'c, T>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        command(&mut conn).await.map_err(store_error)
    }

    /// Runs one script on a clone of the connection.
    pub(crate) async fn invoke<T: FromRedisValue>(
        &self,
        script: &ScriptInvocation<'_>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.clone();
        script.invoke_async(&mut conn).await.map_err(store_error)
    }

    /// One `SET key 1 NX PXAT <until>` ([`pxat`]), within the store's
    /// timeout: `true` when it set the key, `false` when the key was there.
    /// The key vanishes at `until` (Unix seconds); one already past leaves
    /// no key, and answers `true` unless the key was there.
    pub(crate) async fn set_until(&self, key: String, until: u64) -> Result<bool, StoreError> {
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PXAT(pxat(until)));
        let set = self.query(|c| c.set_options(key, "1", options));
        let stored: Option<String> = self.bounded(set).await?;
        Ok(stored.is_some())
    }

    /// Runs `call` within the store's timeout; a timeout is an error.
    pub(crate) async fn bounded<T>(
        &self,
        call: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(result) => result,
            Err(_) => Err(timed_out(self.timeout)),
        }
    }
}

/// Shows the options, never a key's content nor the client's URL.
impl<C> fmt::Debug for RedisStore<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.keys.prefix())
            .field("channel", &self.channel)
            .field("timeout", &self.timeout)
            .field("expired_retention", &self.retention)
            .field(
                "access_token_revokes_grant",
                &self.access_token_revokes_grant,
            )
            .finish_non_exhaustive()
    }
}
