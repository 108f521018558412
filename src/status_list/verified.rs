//! The JWTs a [`StatusCheckedStore`](super::StatusCheckedStore) verified
//! lately, so that a token presented again is not verified again: its
//! signature and claims do not change, only its status does, which is
//! still read from its list on every request.

use super::StatusReference;
use crate::jwt::VerifiedJwt;
use crate::store::ActiveToken;
use quick_cache::sync::Cache;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Arc;

/// What a verification established about one token, while it holds.
pub(super) struct Verified {
    /// The token itself, compared on every hit: a hash collision is a
    /// miss, never another token's answer.
    token: Box<str>,
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
    pub(super) fn new(token: &str, jwt: &VerifiedJwt, leeway: u64) -> Self {
        Self {
            token: token.into(),
            active: jwt.to_active_token(),
            status: jwt.status().map(|_| jwt.status_reference()),
            valid_through: jwt.expires_at().saturating_add(leeway),
        }
    }
}

/// At most `capacity` verified tokens (S3-FIFO eviction), by a keyed hash
/// of the token (SipHash under a random per-cache key).
pub(super) struct VerifiedTokens {
    cache: Cache<u64, Arc<Verified>>,
    keys: RandomState,
}

impl VerifiedTokens {
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            cache: Cache::new(capacity.max(1)),
            keys: RandomState::new(),
        }
    }

    /// `token`'s verification, if it was verified and is still valid at
    /// `now` (Unix seconds).
    pub(super) fn get(&self, token: &str, now: u64) -> Option<Arc<Verified>> {
        let found = self.cache.get(&self.keys.hash_one(token))?;
        (*found.token == *token && now <= found.valid_through).then_some(found)
    }

    /// Keeps `verified` for its token.
    pub(super) fn insert(&self, verified: Arc<Verified>) {
        let key = self.keys.hash_one(&*verified.token);
        self.cache.insert(key, verified);
    }
}
