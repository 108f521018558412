//! [`Answers`]: the bounded map of introspection answers behind
//! [`CachedStore`](super::CachedStore), keyed by [`TokenDigest`], each entry
//! with its own time to live.
//!
//! # Why a time to live over quick_cache, not moka's `Expiry`
//! The per-entry time to live is a few lines over `quick_cache` (the
//! deadline kept in the entry, checked on read). A first version on moka,
//! whose `Expiry` does the same, cost 300-410 ns per warm hit (its read log
//! and TinyLFU bookkeeping on every `get`) and the guard missed its target
//! (1.20-1.28 of the hand-written middleware); on quick_cache a warm hit
//! costs 167-193 ns, of which 68-73 ns is the SHA-256 digest, and the guard
//! is 0.76-0.83 of that middleware (`cargo bench --bench guard_cache`,
//! benches/README.md). The layer stays.

use super::flushes::{Flushes, Scope};
use crate::store::{ActiveToken, StoreError, TokenDigest};
use quick_cache::sync::Cache;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// What the cache is told when it is built.
#[derive(Debug, Clone, Copy)]
pub(super) struct Settings {
    /// How long an "active" answer may be served.
    pub(super) max_staleness: Duration,
    /// How long a "not active" answer may be served.
    pub(super) inactive_ttl: Duration,
    /// How many answers are kept at most.
    pub(super) max_entries: u64,
    /// Whether a revocation that may have ended tokens it cannot name
    /// flushes its client's (or subject's) answers.
    pub(super) flush_on_cascade: bool,
}

impl Settings {
    pub(super) const DEFAULT_MAX_ENTRIES: u64 = 100_000;

    pub(super) fn new(max_staleness: Duration) -> Self {
        Self {
            max_staleness,
            inactive_ttl: max_staleness,
            max_entries: Self::DEFAULT_MAX_ENTRIES,
            flush_on_cascade: true,
        }
    }

    /// How long `answer` may be served, counted from `now` (the wall clock,
    /// which `exp` is counted in, when the lookup began): "active" at most
    /// `max_staleness` and never past the token's `exp`; "not active" for
    /// `inactive_ttl`.
    fn ttl(&self, answer: &Option<ActiveToken>, now: SystemTime) -> Duration {
        let Some(active) = answer else {
            return self.inactive_ttl;
        };
        let Some(exp) = active.exp() else {
            return self.max_staleness;
        };
        let now = now.duration_since(UNIX_EPOCH).unwrap_or_default();
        let left = Duration::from_secs(exp).saturating_sub(now);
        self.max_staleness.min(left)
    }
}

/// One cached answer and how long it may be served: `ttl` counted from
/// `asked`, when the lookup began (before the store read it), so that the
/// time the store took to answer is served from the `ttl` too.
#[derive(Clone)]
struct Entry {
    answer: Option<ActiveToken>,
    asked: Instant,
    ttl: Duration,
}

impl Entry {
    /// How long the entry may still be served at `now`.
    fn left(&self, now: Instant) -> Duration {
        let spent = now.saturating_duration_since(self.asked);
        self.ttl.saturating_sub(spent)
    }
}

/// The answers, and an epoch that every invalidation advances.
///
/// # Why the epoch
/// A lookup that read the store before a revocation committed may finish
/// after the revocation's invalidation: inserting its "active" answer then
/// would undo the invalidation until the entry expires. So a lookup notes
/// the epoch before asking the store, inserts, then compares: if an
/// invalidation ran meanwhile, it removes what it inserted. An invalidation
/// advances the epoch before removing, so one of the two removals always
/// comes after the insert.
pub(super) struct Answers {
    map: Cache<TokenDigest, Entry>,
    epoch: AtomicU64,
    flushes: Flushes,
    pub(super) settings: Settings,
}

/// When a lookup began, and in which epoch, for [`Answers::record`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Lookup {
    epoch: u64,
    asked: Instant,
    wall: SystemTime,
}

impl Answers {
    pub(super) fn new(settings: Settings) -> Self {
        let capacity = usize::try_from(settings.max_entries).unwrap_or(usize::MAX);
        let map = Cache::new(capacity);
        Self {
            map,
            epoch: AtomicU64::new(0),
            flushes: Flushes::new(),
            settings,
        }
    }

    /// The cached answer for `digest`, if one is fresh and no flush of its
    /// client or subject came after it.
    pub(super) fn get(&self, digest: &TokenDigest) -> Option<Option<ActiveToken>> {
        let entry = self.map.get(digest)?;
        // Expired entries are dropped when read (or evicted by the bound).
        if entry.left(Instant::now()).is_zero() {
            self.map.remove(digest);
            return None;
        }
        match &entry.answer {
            Some(active) if self.flushes.is_stale(entry.asked, active) => None,
            _ => Some(entry.answer),
        }
    }

    /// Call before asking the store; pass to [`record`](Self::record).
    pub(super) fn start(&self) -> Lookup {
        Lookup {
            epoch: self.epoch.load(Ordering::SeqCst),
            asked: Instant::now(),
            wall: SystemTime::now(),
        }
    }

    /// Caches the store's answer for `digest`, to the lookup that began at
    /// `lookup`: an error never, an answer with no time left never.
    pub(super) fn record(
        &self,
        digest: TokenDigest,
        lookup: Lookup,
        answer: &Result<Option<ActiveToken>, StoreError>,
    ) {
        let Ok(answer) = answer else { return };
        let ttl = self.settings.ttl(answer, lookup.wall);
        let answer = answer.clone();
        let entry = Entry {
            answer,
            asked: lookup.asked,
            ttl,
        };
        if entry.left(Instant::now()).is_zero() {
            return;
        }
        self.map.insert(digest, entry);
        if self.epoch.load(Ordering::SeqCst) != lookup.epoch {
            self.map.remove(&digest);
        }
    }

    /// Forgets the answers for `digests`, at once.
    pub(super) fn forget(&self, digests: &[TokenDigest]) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        for digest in digests {
            self.map.remove(digest);
        }
    }

    /// Makes every "active" answer of `scope` fetched until now stale, at
    /// once (a lookup in flight began before, so its answer is stale too).
    pub(super) fn flush(&self, scope: Scope<'_>) {
        self.flushes.flush(scope, self.settings.max_staleness);
    }

    /// Forgets every answer, at once.
    pub(super) fn forget_all(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.map.clear();
    }

    /// How many answers are cached (expired ones included until they are
    /// read or evicted).
    pub(super) fn len(&self) -> u64 {
        self.map.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientId;
    use crate::request::Token;
    use crate::store::TokenKind;

    fn active(exp: Option<u64>) -> Option<ActiveToken> {
        let token = ActiveToken::new(ClientId::new("app1").unwrap(), TokenKind::AccessToken);
        Some(match exp {
            Some(exp) => token.with_exp(exp),
            None => token,
        })
    }

    fn digest(token: &str) -> TokenDigest {
        TokenDigest::of(&Token::new(token).unwrap())
    }

    const NOW: u64 = 1_700_000_000;

    fn at(unix_millis: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(unix_millis)
    }

    #[test]
    fn active_answer_lives_max_staleness_and_never_past_exp() {
        let settings = Settings::new(Duration::from_secs(2));
        let now = at(NOW * 1000);
        assert_eq!(settings.ttl(&active(None), now), Duration::from_secs(2));
        assert_eq!(
            settings.ttl(&active(Some(NOW + 60)), now),
            Duration::from_secs(2)
        );
        let half_a_second_left = at(NOW * 1000 + 500);
        assert_eq!(
            settings.ttl(&active(Some(NOW + 1)), half_a_second_left),
            Duration::from_millis(500)
        );
        assert_eq!(settings.ttl(&active(Some(NOW)), now), Duration::ZERO);
        assert_eq!(settings.ttl(&active(Some(NOW - 5)), now), Duration::ZERO);
        assert_eq!(
            settings.ttl(&active(Some(u64::MAX)), now),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn inactive_answer_lives_inactive_ttl() {
        let mut settings = Settings::new(Duration::from_secs(2));
        assert_eq!(settings.ttl(&None, at(0)), Duration::from_secs(2));
        settings.inactive_ttl = Duration::from_secs(30);
        assert_eq!(settings.ttl(&None, at(0)), Duration::from_secs(30));
    }

    #[test]
    fn errors_and_expired_tokens_are_not_cached() {
        let answers = Answers::new(Settings::new(Duration::from_secs(60)));
        let lookup = answers.start();
        answers.record(digest("E"), lookup, &Err(StoreError::new("down")));
        answers.record(digest("X"), lookup, &Ok(active(Some(1))));
        assert!(answers.get(&digest("E")).is_none());
        assert!(answers.get(&digest("X")).is_none());
        answers.record(digest("A"), lookup, &Ok(active(None)));
        answers.record(digest("U"), lookup, &Ok(None));
        assert_eq!(answers.get(&digest("A")), Some(active(None)));
        assert_eq!(answers.get(&digest("U")), Some(None));
    }

    #[test]
    fn answer_read_before_an_invalidation_is_not_kept() {
        let answers = Answers::new(Settings::new(Duration::from_secs(60)));
        let before = answers.start();
        answers.forget(&[digest("OTHER")]);
        answers.record(digest("AT1"), before, &Ok(active(None)));
        assert!(answers.get(&digest("AT1")).is_none());
        let before = answers.start();
        answers.forget_all();
        answers.record(digest("AT1"), before, &Ok(active(None)));
        assert!(answers.get(&digest("AT1")).is_none());
        answers.record(digest("AT1"), answers.start(), &Ok(active(None)));
        assert!(answers.get(&digest("AT1")).is_some());
    }

    #[test]
    fn time_the_store_took_is_served_from_the_ttl() {
        let answers = Answers::new(Settings::new(Duration::from_secs(60)));
        let asked_ago = |secs| {
            let mut lookup = answers.start();
            lookup.asked = Instant::now().checked_sub(Duration::from_secs(secs))?;
            Some(lookup)
        };
        let (Some(late), Some(slow)) = (asked_ago(61), asked_ago(59)) else {
            return; // the monotonic clock started less than a minute ago
        };
        answers.record(digest("LATE"), late, &Ok(active(None)));
        assert!(answers.get(&digest("LATE")).is_none());
        answers.record(digest("SLOW"), slow, &Ok(active(None)));
        let entry = answers.map.get(&digest("SLOW")).unwrap();
        assert!(entry.left(Instant::now()) <= Duration::from_secs(1));
    }

    #[test]
    fn entry_count_stays_within_max_entries() {
        let mut settings = Settings::new(Duration::from_secs(60));
        settings.max_entries = 100;
        let answers = Answers::new(settings);
        for round in 0..3 {
            for i in 0..1_000 {
                let lookup = answers.start();
                answers.record(digest(&format!("T{round}-{i}")), lookup, &Ok(None));
            }
        }
        assert!(answers.len() <= 100, "{} entries", answers.len());
        assert!(answers.len() > 0);
    }
}
