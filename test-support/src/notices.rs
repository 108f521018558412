//! A cache stand-in that records what a revocation-notice listener tells
//! it, for the store crates' listener tests.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tower_revoke::store::{Invalidate, TokenDigest};

/// One call a listener made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// `invalidate_all`: a flush.
    All,
    /// `invalidate` with these digests.
    Some(Vec<TokenDigest>),
}

/// An [`Invalidate`] sink that records every call, in order. Clones share
/// the record.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Event>>>);

impl Invalidate for Recorder {
    fn invalidate(&self, digests: &[TokenDigest]) {
        self.0.lock().unwrap().push(Event::Some(digests.to_vec()));
    }

    fn invalidate_all(&self) {
        self.0.lock().unwrap().push(Event::All);
    }
}

impl Recorder {
    /// Every call so far.
    pub fn events(&self) -> Vec<Event> {
        self.0.lock().unwrap().clone()
    }

    /// How many flushes so far.
    pub fn flushes(&self) -> usize {
        self.events().iter().filter(|e| **e == Event::All).count()
    }

    /// Every digest received so far.
    pub fn digests(&self) -> BTreeSet<TokenDigest> {
        let events = self.events();
        let each = events.iter().filter_map(|e| match e {
            Event::Some(digests) => Some(digests.clone()),
            Event::All => None,
        });
        each.flatten().collect()
    }

    /// Waits up to `within` for `done(self)`, looking every 10 ms; panics
    /// naming `what`, with what was recorded.
    pub async fn wait(&self, what: &str, within: Duration, done: impl Fn(&Self) -> bool) {
        let start = Instant::now();
        while !done(self) {
            assert!(
                start.elapsed() < within,
                "waited {within:?} for {what}: {:?}",
                self.events()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
