//! [`CachedStore`]: a store wrapped with a cache of its introspection
//! answers, and its settings.

use super::answers::{Answers, Settings};
use super::flushes::Scope;
use super::CacheInvalidator;
use crate::client::ClientCredentials;
use crate::request::{RevocationRequest, Token};
use crate::store::{
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
/// [`Invalidate`](crate::store::Invalidate) for a store's notice listener; so does
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
///   may have ended tokens it cannot name does. Default: it flushes the
///   answers of the revoking client (or the subject).
///
/// Store errors are never cached.
///
/// # Security
/// Keys are [`TokenDigest`]s: the cache never holds a token. `Debug` shows
/// the settings and the number of entries only.
pub struct CachedStore<St> {
    inner: St,
    pub(super) answers: Arc<Answers>,
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

    /// How many answers the cache keeps at most (quick_cache's S3-FIFO
    /// eviction keeps a flood of one-off tokens from evicting the tokens in
    /// use). Default 100 000. An entry is a digest and the token's
    /// [`ActiveToken`] facts, about 150 bytes with the cache's bookkeeping,
    /// plus the facts' strings when the store allocates them per answer.
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

    /// Whether a revocation through this store that may have ended tokens
    /// it cannot name flushes the answers those tokens could have: a
    /// grant cascade (`Revoked { cascaded > 0 }`) and `NotFound` (an expired
    /// refresh token still ends its grant, RFC 7009 §2.1) flush every
    /// "active" answer of the revoking client, since grants are scoped to
    /// their client; [`revoke_subject_tokens`](SubjectRevocationStore::revoke_subject_tokens)
    /// that revoked any flushes the subject's. Default `true`: revocations
    /// through this store take effect on the next request.
    ///
    /// Set `false` when the store's notice channel feeds this cache (it
    /// names every token a revocation ended, and reaches the revoking
    /// instance too): the client's other tokens then stay warm. Without a
    /// channel, `false` leaves the grant's tokens admitted for up to
    /// `max_staleness`.
    ///
    /// # Security
    /// Flushing costs store lookups, never correctness. With it on, every
    /// revocation request that finds nothing flushes its client's answers;
    /// a public client authenticates with its id alone, so anyone can keep
    /// that client's tokens uncached (as if there were no cache) by sending
    /// such requests. A channel and `false` close this.
    ///
    /// # Panics
    /// When called after the store was cloned or an
    /// [`invalidator`](Self::invalidator) was taken.
    #[must_use]
    pub fn flush_on_cascade(self, enabled: bool) -> Self {
        self.configure("flush_on_cascade", |s| s.flush_on_cascade = enabled)
    }

    /// A handle on this cache, for a store's notice listener: it implements
    /// [`Invalidate`](crate::store::Invalidate) and holds no store.
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

    /// Forgets what `client`'s revocation of `token` ended, after
    /// `outcome`: the token itself when it was (or, after an error, may have
    /// been) revoked, or found inactive; the client's answers when a grant
    /// may have gone with it.
    fn forget_revoked(
        &self,
        client: &AuthenticatedClient,
        token: &Token,
        outcome: &Result<RevocationOutcome, StoreError>,
    ) {
        let (forget_token, may_cascade) = match outcome {
            Ok(RevocationOutcome::Revoked { cascaded, .. }) => (true, *cascaded > 0),
            Ok(RevocationOutcome::NotFound) => (true, true),
            Err(_) => (true, false),
            Ok(_) => (false, false),
        };
        if forget_token {
            self.answers.forget(&[TokenDigest::of(token)]);
        }
        if may_cascade && self.answers.settings.flush_on_cascade {
            self.answers.flush(Scope::Client(client.client_id.as_str()));
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

    /// Forwarded; then the cache forgets the token when it was revoked, may
    /// have been (a store error) or was not found, and, when a grant may
    /// have gone with it (a cascade, or `NotFound`) and
    /// [`flush_on_cascade`](CachedStore::flush_on_cascade) is on, every
    /// "active" answer of `client`. An error flushes nothing more: during
    /// an outage the cache is what still answers, and `max_staleness`
    /// bounds what the failed revocation may have ended.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let outcome = self.inner.revoke(client, request).await;
        self.forget_revoked(client, request.token(), &outcome);
        outcome
    }
}

impl<St: SubjectRevocationStore> SubjectRevocationStore for CachedStore<St> {
    /// Forwarded; then, when tokens were revoked and
    /// [`flush_on_cascade`](CachedStore::flush_on_cascade) is on, every
    /// "active" answer of `subject` is flushed (labels aside: the cache
    /// cannot name the tokens). An error flushes nothing: the store's
    /// notices and `max_staleness` bound what it may have revoked.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let revoked = self.inner.revoke_subject_tokens(subject, labels).await;
        if matches!(revoked, Ok(n) if n > 0) && self.answers.settings.flush_on_cascade {
            self.answers.flush(Scope::Subject(subject));
        }
        revoked
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientId;
    use crate::store::{ClientType, MemoryStore, TokenKind};

    /// Which of AT1 and AT2 (app1's) and OT1 (app2's) stay cached active
    /// after app1's revocation of AT1 ends with `outcome`.
    fn left_cached(flush: bool, outcome: Result<RevocationOutcome, StoreError>) -> [bool; 3] {
        let cache =
            CachedStore::new(MemoryStore::new(), Duration::from_secs(60)).flush_on_cascade(flush);
        let token = |value: &str| Token::new(value).unwrap();
        let client = |id: &str| ClientId::new(id).unwrap();
        let lookup = cache.answers.start();
        for (value, id) in [("AT1", "app1"), ("AT2", "app1"), ("OT1", "app2")] {
            let active = ActiveToken::new(client(id), TokenKind::AccessToken);
            let digest = TokenDigest::of(&token(value));
            cache.answers.record(digest, lookup, &Ok(Some(active)));
        }
        let app1 = AuthenticatedClient {
            client_id: client("app1"),
            client_type: ClientType::Confidential,
        };
        cache.forget_revoked(&app1, &token("AT1"), &outcome);
        ["AT1", "AT2", "OT1"].map(|value| {
            let answer = cache.answers.get(&TokenDigest::of(&token(value)));
            answer.is_some_and(|answer| answer.is_some())
        })
    }

    #[test]
    fn revocation_outcomes_forget_what_they_may_have_ended() {
        let kind = TokenKind::RefreshToken;
        let revoked = |cascaded| Ok(RevocationOutcome::Revoked { kind, cascaded });
        let not_found = || Ok(RevocationOutcome::NotFound);
        assert_eq!(left_cached(true, revoked(0)), [false, true, true]);
        assert_eq!(left_cached(true, revoked(2)), [false, false, true]);
        assert_eq!(left_cached(false, revoked(2)), [false, true, true]);
        assert_eq!(left_cached(true, not_found()), [false, false, true]);
        assert_eq!(left_cached(false, not_found()), [false, true, true]);
        let error = || Err(StoreError::new("timeout"));
        assert_eq!(left_cached(true, error()), [false, true, true]);
        for nothing in [
            RevocationOutcome::IssuedToAnotherClient,
            RevocationOutcome::UnsupportedTokenType,
        ] {
            assert_eq!(left_cached(true, Ok(nothing)), [true, true, true]);
        }
    }
}
