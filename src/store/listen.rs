//! The loop behind every store's notice listener: subscribe, flush the
//! cache, deliver each notice, ping, and reconnect with backoff. A store
//! supplies only its channel, as a [`NoticeSource`]; [`NoticeListener`]
//! does the rest, the same way for every store.

use super::{Invalidate, RevocationNotice, StoreError};
use std::fmt;
use std::future::Future;
use std::time::Duration;
use tokio::time::{sleep, timeout, timeout_at, Instant};

/// A store's channel of revocation notices (PostgreSQL `LISTEN`, Redis
/// `SUBSCRIBE`, ...): how to open a subscription, read its next message
/// and ping its connection. [`NoticeListener`] adds the rest: flushes,
/// pings on a schedule, timeouts, reconnection with backoff, log lines.
///
/// # Example
/// A channel that delivers one notice, then fails:
/// ```
/// use tower_revoke::store::NoticeSource;
/// use tower_revoke::StoreError;
///
/// struct OneShot(Vec<u8>);
///
/// impl NoticeSource for OneShot {
///     type Subscription = Option<Vec<u8>>;
///     const NAME: &'static str = "my-store";
///
///     fn channel(&self) -> &str {
///         "revocations"
///     }
///
///     async fn subscribe(&self) -> Result<Self::Subscription, StoreError> {
///         Ok(Some(self.0.clone()))
///     }
///
///     async fn next_message(&self, s: &mut Self::Subscription) -> Result<Vec<u8>, StoreError> {
///         s.take().ok_or_else(|| StoreError::new("connection closed"))
///     }
///
///     async fn ping(&self, _: &mut Self::Subscription) -> Result<(), StoreError> {
///         Ok(())
///     }
/// }
/// ```
pub trait NoticeSource: Send + Sync + 'static {
    /// An open subscription: a connection receiving the channel's messages.
    type Subscription: Send;

    /// Who is listening, at the start of every log line: the store's
    /// crate name, such as `tower-revoke-redis`.
    const NAME: &'static str;

    /// The channel's name, logged with every log line.
    fn channel(&self) -> &str;

    /// Opens a connection and subscribes to the channel. The listener
    /// bounds it by its timeout (3 s).
    fn subscribe(&self) -> impl Future<Output = Result<Self::Subscription, StoreError>> + Send;

    /// The payload of the next message; `Err` when the subscription is
    /// lost (the listener then subscribes again, and flushes).
    ///
    /// Must be cancel-safe: the listener drops this future to ping, and
    /// calls it again after.
    fn next_message(
        &self,
        subscription: &mut Self::Subscription,
    ) -> impl Future<Output = Result<Vec<u8>, StoreError>> + Send;

    /// Asks the server for an answer, to notice a connection that died
    /// without closing. The listener bounds it by its timeout (3 s).
    fn ping(
        &self,
        subscription: &mut Self::Subscription,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Whether to stop listening for good (for example, a pool was
    /// closed). Asked before every subscription; never, by default.
    fn is_closed(&self) -> bool {
        false
    }
}

/// Receives a store's revocation notices from a [`NoticeSource`] and
/// hands them to a cache (anything implementing [`Invalidate`]).
///
/// [`run`](Self::run) loops until its future is dropped (or the source
/// [is closed](NoticeSource::is_closed)): it subscribes, then calls
/// [`Invalidate::invalidate`] with the digests of each message. Channels
/// drop messages while a listener is disconnected, so after every
/// (re)subscription, the first included, it calls
/// [`Invalidate::invalidate_all`]: the cache's maximum staleness stays a
/// hard bound however the channel fails. A message that is not a
/// [`RevocationNotice`] also flushes the cache, and is logged at WARN
/// (its length, never its content).
///
/// It pings the server every [`ping_interval`](Self::ping_interval)
/// (default 5 s) to notice a dead connection; a subscription or a ping
/// unanswered within 3 s means reconnecting. A failed subscription is
/// retried after a backoff ([`backoff`](Self::backoff), default 100 ms
/// doubling up to 5 s), reset by every successful one. Each interruption
/// and failure is logged at WARN.
#[must_use = "a listener does nothing until its `run` future is polled"]
pub struct NoticeListener<N, S> {
    source: N,
    sink: S,
    min_backoff: Duration,
    max_backoff: Duration,
    ping_interval: Duration,
    timeout: Duration,
}

impl<N: NoticeSource, S: Invalidate> NoticeListener<N, S> {
    /// A listener on `source` feeding `sink`, with a backoff from 100 ms
    /// to 5 s, a ping every 5 s, and 3 s to subscribe or answer a ping.
    pub fn new(source: N, sink: S) -> Self {
        Self {
            source,
            sink,
            min_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            ping_interval: Duration::from_secs(5),
            timeout: Duration::from_secs(3),
        }
    }

    /// Waits `min` after the first failed subscription, doubling up to
    /// `max` after each further failure (defaults 100 ms and 5 s).
    ///
    /// # Panics
    /// When `min` is zero or greater than `max`.
    #[track_caller]
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        assert!(
            !min.is_zero() && min <= max,
            "listener backoff: expected 0 < min <= max, got {min:?} and {max:?}"
        );
        (self.min_backoff, self.max_backoff) = (min, max);
        self
    }

    /// How often to ping the server to notice a dead connection (default
    /// 5 s); a ping unanswered within 3 s means reconnecting.
    ///
    /// # Panics
    /// When `interval` is zero.
    #[track_caller]
    pub fn ping_interval(mut self, interval: Duration) -> Self {
        assert!(
            !interval.is_zero(),
            "listener ping_interval: expected a non-zero duration"
        );
        self.ping_interval = interval;
        self
    }

    /// The source, to change before [`run`](Self::run) (a store's
    /// listener sets its channel through it).
    pub fn source_mut(&mut self) -> &mut N {
        &mut self.source
    }

    /// Listens until the future is dropped (abort its task to stop it) or
    /// the source is closed.
    pub async fn run(self) {
        let mut backoff = self.min_backoff;
        while !self.source.is_closed() {
            match self.subscribe().await {
                Ok(subscription) => {
                    self.sink.invalidate_all();
                    backoff = self.min_backoff;
                    let reason = self.receive(subscription).await;
                    tracing::warn!(
                        channel = %self.source.channel(),
                        "{}: revocation notices interrupted ({reason}); reconnecting",
                        N::NAME
                    );
                }
                Err(error) => {
                    tracing::warn!(
                        channel = %self.source.channel(),
                        "{}: cannot subscribe to revocation notices: {error}; retrying in {backoff:?}",
                        N::NAME
                    );
                    sleep(backoff).await;
                    backoff = backoff.saturating_mul(2).min(self.max_backoff);
                }
            }
        }
    }

    async fn subscribe(&self) -> Result<N::Subscription, String> {
        match timeout(self.timeout, self.source.subscribe()).await {
            Ok(Ok(subscription)) => Ok(subscription),
            Ok(Err(error)) => Err(error.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    /// Feeds messages to the sink until the subscription fails; returns
    /// why.
    async fn receive(&self, mut subscription: N::Subscription) -> String {
        let mut next_ping = Instant::now() + self.ping_interval;
        loop {
            let message = self.source.next_message(&mut subscription);
            match timeout_at(next_ping, message).await {
                Ok(Ok(payload)) => self.deliver(&payload),
                Ok(Err(error)) => return error.to_string(),
                Err(_) => {
                    let pong = self.source.ping(&mut subscription);
                    match timeout(self.timeout, pong).await {
                        Ok(Ok(())) => {}
                        Ok(Err(error)) => return format!("ping failed: {error}"),
                        Err(_) => return format!("no answer to a ping within {:?}", self.timeout),
                    }
                    next_ping = Instant::now() + self.ping_interval;
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
                tracing::warn!(
                    channel = %self.source.channel(),
                    bytes = payload.len(),
                    "{}: a message that is not a revocation notice; flushing the cache",
                    N::NAME
                );
                self.sink.invalidate_all();
            }
        }
    }
}

/// Shows the channel and the timings.
impl<N: NoticeSource, S> fmt::Debug for NoticeListener<N, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NoticeListener")
            .field("channel", &self.source.channel())
            .field("min_backoff", &self.min_backoff)
            .field("max_backoff", &self.max_backoff)
            .field("ping_interval", &self.ping_interval)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::TokenDigest;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    /// What one subscription does, in order: deliver a payload, fail, or
    /// stay silent (until a ping, which fails or succeeds).
    #[derive(Debug, Clone)]
    enum Step {
        Message(String),
        Lost,
        Silent { pong: bool },
    }

    /// Subscriptions scripted one by one: `Err` refuses to subscribe.
    #[derive(Default)]
    struct Script {
        subscriptions: Mutex<VecDeque<Result<Vec<Step>, &'static str>>>,
        pings: AtomicUsize,
    }

    impl NoticeSource for Arc<Script> {
        type Subscription = VecDeque<Step>;
        const NAME: &'static str = "test";

        fn channel(&self) -> &str {
            "test-channel"
        }

        async fn subscribe(&self) -> Result<Self::Subscription, StoreError> {
            let next = self.subscriptions.lock().unwrap().pop_front();
            match next {
                Some(Ok(steps)) => Ok(steps.into()),
                Some(Err(why)) => Err(StoreError::new(why)),
                None => std::future::pending().await,
            }
        }

        async fn next_message(
            &self,
            steps: &mut Self::Subscription,
        ) -> Result<Vec<u8>, StoreError> {
            match steps.front().cloned() {
                Some(Step::Message(payload)) => {
                    steps.pop_front();
                    Ok(payload.into_bytes())
                }
                Some(Step::Silent { .. }) => std::future::pending().await,
                Some(Step::Lost) | None => Err(StoreError::new("connection closed")),
            }
        }

        async fn ping(&self, steps: &mut Self::Subscription) -> Result<(), StoreError> {
            self.pings.fetch_add(1, Ordering::SeqCst);
            match steps.pop_front() {
                Some(Step::Silent { pong: false }) => Err(StoreError::new("gone")),
                Some(Step::Silent { pong: true }) | None => Ok(()),
                Some(other) => {
                    steps.push_front(other);
                    Ok(())
                }
            }
        }
    }

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Event {
        Flush,
        Digests(usize),
    }

    #[derive(Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<Event>>>);

    impl Invalidate for Recorder {
        fn invalidate(&self, digests: &[TokenDigest]) {
            self.0.lock().unwrap().push(Event::Digests(digests.len()));
        }

        fn invalidate_all(&self) {
            self.0.lock().unwrap().push(Event::Flush);
        }
    }

    fn hex(byte: u8) -> String {
        TokenDigest::from_bytes([byte; 32]).to_hex()
    }

    async fn wait_for(recorder: &Recorder, count: usize) -> Vec<Event> {
        for _ in 0..500 {
            let events = recorder.0.lock().unwrap().clone();
            if events.len() >= count {
                return events;
            }
            sleep(Duration::from_millis(5)).await;
        }
        panic!(
            "waited for {count} events: {:?}",
            recorder.0.lock().unwrap()
        );
    }

    #[tokio::test]
    async fn every_subscription_flushes_and_garbage_flushes() {
        let two = format!("{} {}", hex(1), hex(2));
        let script = Arc::new(Script::default());
        script.subscriptions.lock().unwrap().extend([
            Err("refused"),
            Ok(vec![Step::Message(two), Step::Lost]),
            Ok(vec![
                Step::Message("not a notice".to_owned()),
                Step::Silent { pong: false },
            ]),
            Ok(vec![]),
        ]);
        let recorder = Recorder::default();
        let listener = NoticeListener::new(Arc::clone(&script), recorder.clone())
            .backoff(Duration::from_millis(1), Duration::from_millis(2))
            .ping_interval(Duration::from_millis(20));
        let task = tokio::spawn(listener.run());
        let events = wait_for(&recorder, 5).await;
        task.abort();
        use Event::{Digests, Flush};
        // Refused; flush, two digests, lost; flush, garbage (flush), no
        // pong; flush, lost.
        assert_eq!(events[..5], [Flush, Digests(2), Flush, Flush, Flush]);
        assert_eq!(script.pings.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_closed_source_stops_the_loop() {
        struct Closed;
        impl NoticeSource for Closed {
            type Subscription = ();
            const NAME: &'static str = "closed";
            fn channel(&self) -> &str {
                "c"
            }
            async fn subscribe(&self) -> Result<(), StoreError> {
                unreachable!("a closed source is never subscribed to")
            }
            async fn next_message(&self, _: &mut ()) -> Result<Vec<u8>, StoreError> {
                unreachable!()
            }
            async fn ping(&self, _: &mut ()) -> Result<(), StoreError> {
                unreachable!()
            }
            fn is_closed(&self) -> bool {
                true
            }
        }
        let listener = NoticeListener::new(Closed, Recorder::default());
        assert!(format!("{listener:?}").contains("\"c\""));
        timeout(Duration::from_secs(1), listener.run())
            .await
            .unwrap();
    }

    #[test]
    #[should_panic(expected = "listener backoff")]
    fn a_backoff_from_zero_is_refused() {
        let _ = NoticeListener::new(Arc::new(Script::default()), Recorder::default())
            .backoff(Duration::ZERO, Duration::from_secs(1));
    }
}
