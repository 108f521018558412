//! The JWTs a [`StatusCheckedStore`](super::StatusCheckedStore) verified
//! lately, so that a token presented again is not verified again: its
//! signature and claims do not change, only its status does, which is
//! still read from its list on every request.

use super::StatusReference;
use crate::jwt::VerifiedJwt;
use crate::store::memory::fingerprint::{Fingerprint, Fingerprinter};
use crate::store::ActiveToken;
use quick_cache::sync::Cache;
use std::sync::Arc;

/// What a verification established about one token, while it holds.
pub(super) struct Verified {
    /// Its facts for the guard.
    pub(super) active: ActiveToken,
    /// Whether it has a `status` claim, and the reference when well formed.
    pub(super) status: Option<Option<StatusReference>>,
    /// The last Unix second it is valid in: `exp` plus the leeway, as the
    /// verifier counts it.
    valid_through: u64,
}

impl Verified {
    /// What verifying `token` established, with the verifier's `leeway`.
    pub(super) fn new(jwt: &VerifiedJwt, leeway: u64) -> Self {
        Self {
            active: jwt.to_active_token(),
            status: jwt.status().map(|_| jwt.status_reference()),
            valid_through: jwt.expires_at().saturating_add(leeway),
        }
    }
}

/// At most `capacity` verified tokens (S3-FIFO eviction), by the 128-bit
/// keyed fingerprint of the token ([`MemoryStore`](crate::MemoryStore)'s:
/// SipHash-1-3 under a random per-cache key), so the token itself is
/// never kept, and nobody outside the process can aim at a collision.
pub(super) struct VerifiedTokens {
    cache: Cache<Fingerprint, Arc<Verified>>,
    fingerprinter: Fingerprinter,
}

impl VerifiedTokens {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            cache: Cache::new(capacity.max(1)),
            fingerprinter: Fingerprinter::new(),
        }
    }

    /// `token`'s verification, if it was verified and is still valid at
    /// `now` (Unix seconds).
    pub(super) fn get(&self, token: &str, now: u64) -> Option<Arc<Verified>> {
        let found = self.cache.get(&self.fingerprinter.of(token))?;
        (now <= found.valid_through).then_some(found)
    }

    /// Keeps `verified` for `token`.
    pub(super) fn insert(&self, token: &str, verified: Arc<Verified>) {
        self.cache.insert(self.fingerprinter.of(token), verified);
    }
}
