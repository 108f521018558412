//! [`Flushes`]: which clients' and subjects' cached "active" answers a
//! revocation made stale, when it cannot name the tokens it ended.

use crate::store::ActiveToken;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

/// When each client's and subject's answers were last flushed.
///
/// A grant belongs to one client, so every token a revocation by a client
/// can end through a grant cascade was issued to that client; a subject's
/// revocation ends tokens of that subject. An "active" answer fetched by a
/// lookup that began no later than its client's (or subject's) flush is
/// stale. Records older than the longest an "active" answer lives are
/// dropped, so the map holds only the flushes of the last `max_staleness`.
pub(super) struct Flushes {
    origin: Instant,
    /// Nanoseconds from `origin` to the latest flush, plus one; 0: never.
    /// Lets a hit skip the maps when its lookup began after every flush.
    latest: AtomicU64,
    scopes: RwLock<Scopes>,
}

#[derive(Default)]
struct Scopes {
    clients: HashMap<Box<str>, Instant>,
    subjects: HashMap<Box<str>, Instant>,
}

/// Whose answers a flush makes stale.
#[derive(Debug, Clone, Copy)]
pub(super) enum Scope<'a> {
    /// The tokens issued to this client id.
    Client(&'a str),
    /// The tokens of this subject.
    Subject(&'a str),
}

impl Flushes {
    pub(super) fn new() -> Self {
        Self {
            origin: Instant::now(),
            latest: AtomicU64::new(0),
            scopes: RwLock::default(),
        }
    }

    fn stamp(&self, at: Instant) -> u64 {
        let nanos = at.saturating_duration_since(self.origin).as_nanos();
        u64::try_from(nanos).unwrap_or(u64::MAX - 1) + 1
    }

    /// Makes `scope`'s answers fetched until now stale; forgets records
    /// older than `horizon`.
    pub(super) fn flush(&self, scope: Scope<'_>, horizon: Duration) {
        let now = Instant::now();
        let mut guard = self.scopes.write().unwrap_or_else(PoisonError::into_inner);
        let scopes = &mut *guard;
        for map in [&mut scopes.clients, &mut scopes.subjects] {
            map.retain(|_, at| now.saturating_duration_since(*at) <= horizon);
        }
        let (map, key) = match scope {
            Scope::Client(id) => (&mut scopes.clients, id),
            Scope::Subject(sub) => (&mut scopes.subjects, sub),
        };
        map.insert(key.into(), now);
        self.latest.store(self.stamp(now), Ordering::SeqCst);
    }

    /// Whether `active`, fetched by a lookup that began at `asked`, was
    /// made stale by a flush. One atomic load unless a flush came after.
    pub(super) fn is_stale(&self, asked: Instant, active: &ActiveToken) -> bool {
        let latest = self.latest.load(Ordering::SeqCst);
        if latest == 0 || self.stamp(asked) > latest {
            return false;
        }
        let scopes = self.scopes.read().unwrap_or_else(PoisonError::into_inner);
        let after = |map: &HashMap<Box<str>, Instant>, key: &str| {
            map.get(key).is_some_and(|at| *at >= asked)
        };
        after(&scopes.clients, active.client_id().as_str())
            || active.sub().is_some_and(|sub| after(&scopes.subjects, sub))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientId;
    use crate::store::TokenKind;

    fn active(client: &str, sub: &str) -> ActiveToken {
        ActiveToken::new(ClientId::new(client).unwrap(), TokenKind::AccessToken).with_sub(sub)
    }

    const MINUTE: Duration = Duration::from_secs(60);

    #[test]
    fn a_flush_makes_its_scopes_earlier_answers_stale() {
        let flushes = Flushes::new();
        let asked = Instant::now();
        assert!(!flushes.is_stale(asked, &active("app1", "alice")));
        flushes.flush(Scope::Client("app1"), MINUTE);
        assert!(flushes.is_stale(asked, &active("app1", "alice")));
        assert!(!flushes.is_stale(asked, &active("app2", "alice")));
        flushes.flush(Scope::Subject("alice"), MINUTE);
        assert!(flushes.is_stale(asked, &active("app2", "alice")));
        assert!(!flushes.is_stale(asked, &active("app2", "bob")));
    }

    #[test]
    fn answers_fetched_after_the_flush_are_fresh() {
        let flushes = Flushes::new();
        flushes.flush(Scope::Client("app1"), MINUTE);
        std::thread::sleep(Duration::from_millis(1));
        assert!(!flushes.is_stale(Instant::now(), &active("app1", "alice")));
    }

    #[test]
    fn records_past_the_horizon_are_dropped() {
        let flushes = Flushes::new();
        flushes.flush(Scope::Client("app1"), MINUTE);
        flushes.flush(Scope::Subject("alice"), MINUTE);
        std::thread::sleep(Duration::from_millis(5));
        flushes.flush(Scope::Client("app2"), Duration::from_millis(1));
        let scopes = flushes.scopes.read().unwrap();
        assert_eq!(scopes.clients.len(), 1);
        assert!(scopes.subjects.is_empty());
    }
}
