//! [`JwtDenyList`] for [`MemoryStore`]: denied JWTs by the fingerprint of
//! (issuer, jti), subject cutoffs by the fingerprint of (issuer, subject),
//! lapsed entries swept at most once a minute.

use super::fingerprint::{Fingerprint, Fingerprinter, Prehashed};
use super::record::now;
use super::shard::ShardedMap;
use super::MemoryStore;
use crate::store::{JwtDenyList, JwtRecord, StoreError};
use std::sync::atomic::{AtomicU64, Ordering};

/// How often, at most, lapsed entries are swept (seconds).
const SWEEP_EVERY: u64 = 60;

/// The deny-list's state inside [`MemoryStore`].
pub(super) struct DeniedJwts {
    /// Denied (issuer, jti) pairs, each with the second it lapses at.
    denied: ShardedMap<Fingerprint, u64, Prehashed>,
    /// Subject cutoffs: JWTs issued at or before them are refused.
    cutoffs: ShardedMap<Fingerprint, u64, Prehashed>,
    /// When lapsed entries were last swept.
    swept_at: AtomicU64,
}

impl Default for DeniedJwts {
    fn default() -> Self {
        Self {
            denied: ShardedMap::new(),
            cutoffs: ShardedMap::new(),
            swept_at: AtomicU64::new(0),
        }
    }
}

/// The fingerprint of a pair, length-prefixed so that no two pairs share
/// an input.
pub(super) fn pair(fingerprinter: &Fingerprinter, first: &str, second: &str) -> Fingerprint {
    fingerprinter.of(&format!("{}:{first}{second}", first.len()))
}

impl MemoryStore {
    /// How many denied JWTs the store holds, lapsed ones not yet swept
    /// included.
    pub fn denied_jwts(&self) -> usize {
        self.shared.jwts.denied.len()
    }

    fn deny(&self, jwt: &JwtRecord<'_>, until: u64) -> bool {
        let (now, shared) = (now(), &*self.shared);
        let jwts = &shared.jwts;
        let swept_at = jwts.swept_at.load(Ordering::Relaxed);
        let due = now >= swept_at.saturating_add(SWEEP_EVERY);
        if due
            && jwts
                .swept_at
                .compare_exchange(swept_at, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            jwts.denied.retain(|&lapses| lapses > now);
        }
        let key = pair(&shared.fingerprinter, jwt.issuer, jwt.jti);
        jwts.denied
            .insert_unless(key, until, |&lapses| lapses <= now)
    }

    pub(super) fn denied(&self, jwt: &JwtRecord<'_>) -> bool {
        let (now, shared) = (now(), &*self.shared);
        let key = pair(&shared.fingerprinter, jwt.issuer, jwt.jti);
        let denied = shared.jwts.denied.with(&key, |&lapses| lapses > now);
        let key = pair(&shared.fingerprinter, jwt.issuer, jwt.subject);
        let cut = shared
            .jwts
            .cutoffs
            .with(&key, |&cutoff| cutoff >= jwt.issued_at);
        denied == Some(true) || cut == Some(true)
    }
}

impl JwtDenyList for MemoryStore {
    /// Sweeps lapsed entries first, at most once a minute, so the list
    /// holds the live denied JWTs and at most a minute's lapsed ones.
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        let denied = self.deny(jwt, until);
        // Denied now or before: either way, its status is INVALID once
        // this call answers.
        let key = || pair(&self.shared.fingerprinter, jwt.issuer, jwt.jti);
        self.shared.statuses.jti_denied(key);
        Ok(denied)
    }

    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        Ok(self.denied(jwt))
    }

    /// Always answers: the whole list is in this process.
    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        Some(Ok(self.denied(jwt)))
    }

    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let key = pair(&self.shared.fingerprinter, issuer, subject);
        let cutoffs = &self.shared.jwts.cutoffs;
        cutoffs.insert_unless(key, cutoff, |&earlier| earlier < cutoff);
        self.shared.statuses.subject_cut_off(key, cutoff);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt<'a>(jti: &'a str, subject: &'a str) -> JwtRecord<'a> {
        JwtRecord {
            issuer: "https://as",
            jti,
            subject,
            issued_at: 100,
        }
    }

    #[test]
    fn lapsed_entries_are_swept_and_do_not_deny() {
        let store = MemoryStore::new();
        assert!(store.deny(&jwt("old", "alice"), 1));
        assert!(!store.denied(&jwt("old", "alice")), "lapsed");
        assert!(
            store.deny(&jwt("old", "alice"), u64::MAX),
            "lapsed counts as absent"
        );
        assert!(!store.deny(&jwt("old", "alice"), u64::MAX));
        store.shared.jwts.swept_at.store(0, Ordering::Relaxed);
        assert!(store.deny(&jwt("gone", "alice"), 1));
        store.shared.jwts.swept_at.store(0, Ordering::Relaxed);
        assert!(store.deny(&jwt("new", "alice"), u64::MAX));
        assert_eq!(store.denied_jwts(), 2, "the lapsed entry was swept");
    }

    #[test]
    fn pairs_do_not_collide_across_the_boundary() {
        let fingerprinter = Fingerprinter::new();
        assert!(pair(&fingerprinter, "ab", "c") != pair(&fingerprinter, "a", "bc"));
    }
}
