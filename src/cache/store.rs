//! [`CachedStore`]: a store wrapped with a cache of its introspection
//! answers, and its settings.

use super::answers::{Answers, Settings};
use super::CacheInvalidator;
use crate::request::{ClientCredentials, RevocationRequest, Token};
use crate::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, RevocationOutcome, RevocationStore,
    StoreError, SubjectRevocationStore, TokenDigest,
};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Wraps a store with a bounded cache of its introspection answers
/// (RFC 7662 §2.2), so that the Bearer guard answers a warm token with one
/// SHA-256 and one map lookup instead of a round trip. See the
/// [module docs](crate::cache) for the staleness bound.
///
/// Implements the store traits that `St` implements:
/// [`IntrospectionStore`] through the cache,
/// [`RevocationStore`] and [`SubjectRevocationStore`] by forwarding, then
/// forgetting what the revocation ended. One value (or its clones, which
/// share the cache) serves the endpoint and the guard. It implements
/// [`Invalidate`](crate::Invalidate) for a store's notice listener; so does
/// [`invalidator`](Self::invalidator), without the store.
///
/// # Settings
/// - `max_staleness` (in [`new`](Self::new)): how long an "active" answer
///   is served, at most, and never past the token's `exp`.
/// - [`inactive_ttl`](Self::inactive_ttl): how long a "not active" answer
///   (unknown, revoked or expired: `introspect` does not tell which) is
///   served. Default `max_staleness`.
/// - [`max_entries`](Self::max_entries): the bound on memory. Default
///   100 000.
/// - [`flush_on_cascade`](Self::flush_on_cascade): what a revocation that
///   ended tokens it cannot name does. Default: flush.
///
/// Store errors are never cached.
///
/// # Security
/// Keys are [`TokenDigest`]s: the cache never holds a token. `Debug` shows
/// the settings and the number of entries only.
pub struct CachedStore<St> {
    inner: St,
    answers: Arc<Answers>,
}

impl<St> CachedStore<St> {
    /// Caches `store`'s answers: "active" for at most `max_staleness` (for
    /// example 2 s), "not active" for as long; at most 100 000 of them.
    pub fn new(store: St, max_staleness: Duration) -> Self {
        Self {
            inner: store,
            answers: Arc::new(Answers::new(Settings::new(max_staleness))),
        }
    }

    /// Rebuilds the (empty) cache with changed settings.
    ///
    /// # Panics
    /// When the cache is shared already, naming `option`.
    fn configure(mut self, option: &str, change: impl FnOnce(&mut Settings)) -> Self {
        let shared = Arc::get_mut(&mut self.answers).unwrap_or_else(|| {
            panic!(
                "CachedStore::{option}: set options before cloning the store \
                 or taking an invalidator"
            )
        });
        let mut settings = shared.settings;
        change(&mut settings);
        *shared = Answers::new(settings);
        self
    }

    /// How many answers the cache keeps at most (least valuable evicted
    /// first; moka's TinyLFU admission keeps a flood of one-off tokens from
    /// evicting the tokens in use). Default 100 000. An entry is a digest
    /// and the token's [`ActiveToken`] facts, about 150 bytes plus its
    /// strings.
    ///
    /// # Panics
    /// When called after the store was cloned or an
    /// [`invalidator`](Self::invalidator) was taken.
    #[must_use]
    pub fn max_entries(self, max_entries: u64) -> Self {
        self.configure("max_entries", |s| s.max_entries = max_entries)
    }

    /// How long a "not active" answer is served. Default: `max_staleness`.
    /// While it is served, a token issued after it was first presented
    /// stays refused; a longer time shields the store from repeated unknown
    /// tokens.
    ///
    /// # Panics
    /// When called after the store was cloned or an
    /// [`invalidator`](Self::invalidator) was taken.
    #[must_use]
    pub fn inactive_ttl(self, ttl: Duration) -> Self {
        self.configure("inactive_ttl", |s| s.inactive_ttl = ttl)
    }

    /// Whether a revocation through this store that ended tokens it cannot
    /// name flushes the whole cache: a refresh token's revocation that
    /// ended other tokens of its authorization grant
    /// (`Revoked { cascaded > 0 }`), and
    /// [`revoke_subject_tokens`](SubjectRevocationStore::revoke_subject_tokens)
    /// that revoked any. Default `true`.
    ///
    /// Set `false` when the store's notice channel feeds this cache (it
    /// names every token of the grant, and reaches the revoking instance
    /// too): the grant's tokens are then forgotten when the notice arrives,
    /// and the rest of the cache stays warm. Without a channel, `false`
    /// leaves them admitted for up to `max_staleness`.
    ///
    /// # Panics
    /// When called after the store was cloned or an
    /// [`invalidator`](Self::invalidator) was taken.
    #[must_use]
    pub fn flush_on_cascade(self, enabled: bool) -> Self {
        self.configure("flush_on_cascade", |s| s.flush_on_cascade = enabled)
    }

    /// A handle on this cache, for a store's notice listener: it implements
    /// [`Invalidate`](crate::Invalidate) and holds no store.
    pub fn invalidator(&self) -> CacheInvalidator {
        CacheInvalidator::new(Arc::clone(&self.answers))
    }

    /// The maximum staleness of an "active" answer.
    pub fn max_staleness(&self) -> Duration {
        self.answers.settings.max_staleness
    }

    /// How many answers are cached, approximately (the count settles as
    /// the cache's maintenance runs), for metrics.
    pub fn entry_count(&self) -> u64 {
        self.answers.len()
    }

    /// The wrapped store.
    pub fn get_ref(&self) -> &St {
        &self.inner
    }

    /// Unwraps the store, dropping this handle on the cache.
    pub fn into_inner(self) -> St {
        self.inner
    }

    pub(super) fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Forgets what the revocation of `token` ended, after `outcome`.
    fn forget_revoked(&self, token: &Token, outcome: &Result<RevocationOutcome, StoreError>) {
        match outcome {
            Ok(RevocationOutcome::Revoked { cascaded: 0, .. }) => {
                self.answers.forget(&[TokenDigest::of(token)]);
            }
            Ok(RevocationOutcome::Revoked { .. }) if self.answers.settings.flush_on_cascade => {
                self.answers.forget_all();
            }
            // Revoked with a cascade left to the notices, or an error after
            // which the token may be revoked: forget the token itself.
            Ok(RevocationOutcome::Revoked { .. }) | Err(_) => {
                self.answers.forget(&[TokenDigest::of(token)]);
            }
            Ok(_) => {}
        }
    }
}

impl<St: Clone> Clone for CachedStore<St> {
    /// A handle on the same cache, with a clone of the store.
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            answers: Arc::clone(&self.answers),
        }
    }
}

impl<St: fmt::Debug> fmt::Debug for CachedStore<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let settings = &self.answers.settings;
        f.debug_struct("CachedStore")
            .field("inner", &self.inner)
            .field("entries", &self.answers.len())
            .field("max_staleness", &settings.max_staleness)
            .field("inactive_ttl", &settings.inactive_ttl)
            .field("max_entries", &settings.max_entries)
            .field("flush_on_cascade", &settings.flush_on_cascade)
            .finish()
    }
}

impl<St: IntrospectionStore> IntrospectionStore for CachedStore<St> {
    /// The cached answer; otherwise the store's, cached on the way out.
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        let digest = TokenDigest::of(token);
        if let Some(answer) = self.answers.get(&digest) {
            return Ok(answer);
        }
        let lookup = self.answers.start();
        let answer = self.inner.introspect(token).await;
        self.answers.record(digest, lookup, &answer);
        answer
    }

    /// The cached answer; otherwise the store's own `introspect_now`,
    /// cached on the way out. A hit costs one SHA-256 of the token and one
    /// lookup, with no allocation.
    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        let digest = TokenDigest::of_secret(token);
        if let Some(answer) = self.answers.get(&digest) {
            return Some(Ok(answer));
        }
        let lookup = self.answers.start();
        let answer = self.inner.introspect_now(token)?;
        self.answers.record(digest, lookup, &answer);
        Some(answer)
    }
}

impl<St: RevocationStore> RevocationStore for CachedStore<St> {
    /// Forwarded.
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.inner.authenticate_client(credentials).await
    }

    /// Forwarded; then the cache forgets the token when it was revoked, or
    /// may have been (a store error), and everything when a grant cascade
    /// ended other tokens and [`flush_on_cascade`](CachedStore::flush_on_cascade)
    /// is on. `NotFound` forgets nothing, although an expired refresh token
    /// still ends its grant: those tokens are left to the store's notices
    /// and `max_staleness` (so that revoking unknown tokens cannot be used
    /// to flush the cache).
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let outcome = self.inner.revoke(client, request).await;
        self.forget_revoked(request.token(), &outcome);
        outcome
    }
}

impl<St: SubjectRevocationStore> SubjectRevocationStore for CachedStore<St> {
    /// Forwarded; then the cache is flushed when tokens were revoked and
    /// [`flush_on_cascade`](CachedStore::flush_on_cascade) is on (it cannot
    /// name them). An error flushes nothing: the store's notices and
    /// `max_staleness` bound what it may have revoked.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let revoked = self.inner.revoke_subject_tokens(subject, labels).await;
        if matches!(revoked, Ok(n) if n > 0) && self.answers.settings.flush_on_cascade {
            self.answers.forget_all();
        }
        revoked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryStore, TokenKind};

    /// Which of AT1, AT2 a revocation with `outcome` leaves cached.
    fn left_cached(
        flush_on_cascade: bool,
        outcome: Result<RevocationOutcome, StoreError>,
    ) -> [bool; 2] {
        let cache = CachedStore::new(MemoryStore::new(), Duration::from_secs(60))
            .flush_on_cascade(flush_on_cascade);
        let token = |value: &str| Token::new(value).unwrap();
        let lookup = cache.answers.start();
        for value in ["AT1", "AT2"] {
            cache
                .answers
                .record(TokenDigest::of(&token(value)), lookup, &Ok(None));
        }
        cache.forget_revoked(&token("AT1"), &outcome);
        ["AT1", "AT2"].map(|value| cache.answers.get(&TokenDigest::of(&token(value))).is_some())
    }

    #[test]
    fn revocation_outcomes_forget_what_they_ended() {
        let kind = TokenKind::RefreshToken;
        let revoked = |cascaded| Ok(RevocationOutcome::Revoked { kind, cascaded });
        assert_eq!(left_cached(true, revoked(0)), [false, true]);
        assert_eq!(left_cached(true, revoked(2)), [false, false]);
        assert_eq!(left_cached(false, revoked(2)), [false, true]);
        assert_eq!(
            left_cached(true, Err(StoreError::new("timeout"))),
            [false, true]
        );
        for nothing in [
            RevocationOutcome::NotFound,
            RevocationOutcome::IssuedToAnotherClient,
            RevocationOutcome::UnsupportedTokenType,
        ] {
            assert_eq!(left_cached(true, Ok(nothing)), [true, true]);
        }
    }
}
