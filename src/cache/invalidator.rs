//! [`CacheInvalidator`], and [`Invalidate`] for the cache: how a store's
//! revocation notices reach it.

use super::answers::Answers;
use super::CachedStore;
use crate::store::{Invalidate, TokenDigest};
use std::fmt;
use std::sync::Arc;

/// A handle on a [`CachedStore`]'s cache that forgets answers, for a
/// store's notice listener (PostgreSQL `LISTEN`, Redis pub/sub). Made by
/// [`CachedStore::invalidator`]; cheap to clone; holds no store.
///
/// Both methods take effect at once: the next lookup of a forgotten token
/// asks the store, including a lookup already waiting for the store when
/// the notice arrived (its answer, possibly older than the revocation, is
/// not kept).
///
/// # Example
/// ```
/// use std::time::Duration;
/// use tower_revoke::cache::CachedStore;
/// use tower_revoke::MemoryStore;
/// use tower_revoke::store::{Invalidate, RevocationNotice};
///
/// let store = CachedStore::new(MemoryStore::new(), Duration::from_secs(2));
/// let invalidator = store.invalidator();
/// // In the store's listener, for each message:
/// let payload = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/// if let Some(notice) = RevocationNotice::parse(payload) {
///     invalidator.invalidate(notice.digests());
/// }
/// // After the listener reconnected (notices may have been lost):
/// invalidator.invalidate_all();
/// ```
#[derive(Clone)]
pub struct CacheInvalidator {
    answers: Arc<Answers>,
}

impl CacheInvalidator {
    pub(super) fn new(answers: Arc<Answers>) -> Self {
        Self { answers }
    }
}

impl Invalidate for CacheInvalidator {
    fn invalidate(&self, digests: &[TokenDigest]) {
        self.answers.forget(digests);
    }

    fn invalidate_all(&self) {
        self.answers.forget_all();
    }
}

impl<St: Send + Sync + 'static> Invalidate for CachedStore<St> {
    fn invalidate(&self, digests: &[TokenDigest]) {
        self.answers().forget(digests);
    }

    fn invalidate_all(&self) {
        self.answers().forget_all();
    }
}

/// Shows the number of entries only.
impl fmt::Debug for CacheInvalidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CacheInvalidator")
            .field("entries", &self.answers.len())
            .finish()
    }
}
