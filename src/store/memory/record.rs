//! What the store keeps about one token: a small record with an atomic
//! revoked flag, its grant's shared state, and its details (subject,
//! scope, labels) behind a pointer shared by every token with the same
//! ones.

use super::fingerprint::Fingerprint;
use crate::client::ClientId;
use crate::store::TokenKind;
use smallvec::SmallVec;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

/// One token, stored inline in the token map: a revocation of an access
/// token reads nothing else. Everything but the flags is fixed at insertion.
///
/// 48 bytes (a test holds it to that): with its 16-byte key, a bucket of
/// the token map is 64 bytes, and the map's buckets are most of what a
/// token costs.
pub(super) struct Record {
    /// The client's id, shared with the client's entry and its other
    /// tokens: one pointer, where a `ClientId` would be two words.
    pub(super) client_id: Arc<ClientId>,
    /// Unix seconds from which the token is expired; `u64::MAX` for never.
    pub(super) expires_at: u64,
    /// The authorization grant, shared by its tokens; `None` without one.
    pub(super) grant: Option<Arc<Grant>>,
    /// `None` when the token has no subject, scope or labels; else shared
    /// with every token that has the same ones (interned by the store).
    pub(super) details: Option<Arc<Details>>,
    pub(super) kind: TokenKind,
    pub(super) revocable: bool,
    revoked: AtomicBool,
    /// Unix milliseconds at which a refresh token was first rotated; 0
    /// while it has not been.
    rotated_at: AtomicU64,
}

/// An authorization grant of one client: revoking it ends every token of
/// it at once, whatever their `revocable` flag.
#[derive(Default)]
pub(super) struct Grant {
    revoked: AtomicBool,
    /// The grant's tokens, to count what a cascade ends: inline up to two
    /// (an access token and its refresh token), the common case, so most
    /// grants cost one allocation.
    pub(super) tokens: Mutex<GrantTokens>,
}

/// The tokens of one grant.
pub(super) type GrantTokens = SmallVec<[Fingerprint; 2]>;

/// The parts of a token only Bearer and subject lookups read. Compared and
/// hashed by content, so that the store keeps one copy of each.
#[derive(PartialEq, Eq, Hash)]
pub(super) struct Details {
    pub(super) subject: Option<Arc<str>>,
    /// The scope granted (RFC 6749 §3.3), as introspection reports it.
    pub(super) scope: Option<Arc<str>>,
    pub(super) labels: Box<[(Box<str>, Box<str>)]>,
}

impl Record {
    pub(super) fn new(
        client_id: Arc<ClientId>,
        kind: TokenKind,
        expires_at: u64,
        revocable: bool,
    ) -> Self {
        Self {
            client_id,
            expires_at,
            grant: None,
            details: None,
            kind,
            revocable,
            revoked: AtomicBool::new(false),
            rotated_at: AtomicU64::new(0),
        }
    }

    /// Not expired at `now` (Unix seconds), and revoked neither itself nor
    /// through its grant.
    /// Not expired, revoked or rotated: what introspection and the guard
    /// accept.
    pub(super) fn is_active(&self, now: u64) -> bool {
        self.is_live(now) && self.rotated_at.load(Ordering::Acquire) == 0
    }

    /// Not expired or revoked, rotated or not: a refresh token that may
    /// still be presented for rotation.
    pub(super) fn is_live(&self, now: u64) -> bool {
        now < self.expires_at && !self.is_revoked()
    }

    /// Whether the token has been rotated.
    pub(super) fn is_rotated(&self) -> bool {
        self.rotated_at.load(Ordering::Acquire) != 0
    }

    /// Marks the token rotated at `now_ms` (Unix milliseconds, at least 1)
    /// unless it was rotated before; `Err` with when it was.
    pub(super) fn rotate(&self, now_ms: u64) -> Result<(), u64> {
        let at = self
            .rotated_at
            .compare_exchange(0, now_ms, Ordering::AcqRel, Ordering::Acquire);
        at.map(drop)
    }

    /// Revoked itself or through its grant (expired or not).
    pub(super) fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::Acquire) || self.grant.as_ref().is_some_and(|g| g.is_revoked())
    }

    /// Sets the revoked flag; `true` if this call is the one that set it.
    pub(super) fn revoke(&self) -> bool {
        !self.revoked.swap(true, Ordering::AcqRel)
    }

    pub(super) fn subject(&self) -> Option<&Arc<str>> {
        self.details.as_ref()?.subject.as_ref()
    }

    pub(super) fn scope(&self) -> Option<&Arc<str>> {
        self.details.as_ref()?.scope.as_ref()
    }

    /// Whether the token carries every `(name, value)` pair of `wanted`.
    pub(super) fn has_labels(&self, wanted: &[(&str, &str)]) -> bool {
        let labels = self.details.as_ref().map_or(&[][..], |d| &d.labels[..]);
        wanted
            .iter()
            .all(|&(name, value)| labels.iter().any(|(n, v)| **n == *name && **v == *value))
    }
}

impl Grant {
    pub(super) fn is_revoked(&self) -> bool {
        self.revoked.load(Ordering::Acquire)
    }

    /// Sets the grant's revoked flag; `true` if this call set it.
    pub(super) fn revoke(&self) -> bool {
        !self.revoked.swap(true, Ordering::AcqRel)
    }

    pub(super) fn tokens(&self) -> std::sync::MutexGuard<'_, GrantTokens> {
        self.tokens.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Unix milliseconds, at least 1.
pub(super) fn now_ms() -> u64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.map_or(1, |elapsed| {
        u64::try_from(elapsed.as_millis())
            .unwrap_or(u64::MAX)
            .max(1)
    })
}

pub(super) use crate::clock::unix_now as now;

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_at: u64, labels: &[(&str, &str)]) -> Record {
        let labels = labels.iter().map(|&(n, v)| (n.into(), v.into())).collect();
        let mut record = Record::new(
            Arc::new(ClientId::new("app1").unwrap()),
            TokenKind::AccessToken,
            expires_at,
            true,
        );
        record.details = Some(Arc::new(Details {
            subject: Some("alice".into()),
            scope: Some("read".into()),
            labels,
        }));
        record
    }

    #[test]
    fn a_record_is_48_bytes() {
        assert_eq!(std::mem::size_of::<Record>(), 48);
    }

    #[test]
    fn expired_from_the_second_of_expiry() {
        let r = record(1000, &[]);
        assert!(r.is_active(999));
        assert!(!r.is_active(1000));
        assert!(record(u64::MAX, &[]).is_active(u64::MAX - 1));
    }

    #[test]
    fn only_the_first_revoke_counts() {
        let r = record(u64::MAX, &[]);
        assert!(r.revoke());
        assert!(!r.revoke());
        assert!(!r.is_active(0));
    }

    #[test]
    fn a_revoked_grant_ends_its_tokens() {
        let mut r = record(u64::MAX, &[]);
        let grant = Arc::new(Grant::default());
        r.grant = Some(Arc::clone(&grant));
        assert!(r.is_active(0));
        assert!(grant.revoke());
        assert!(!r.is_active(0) && r.is_revoked());
    }

    #[test]
    fn labels_must_all_match() {
        let r = record(u64::MAX, &[("provider", "github"), ("org", "42")]);
        assert!(r.has_labels(&[]));
        assert!(r.has_labels(&[("org", "42"), ("provider", "github")]));
        assert!(!r.has_labels(&[("provider", "github"), ("org", "43")]));
        assert!(!r.has_labels(&[("github", "provider")]));
        assert_eq!(r.subject().map(|s| &**s), Some("alice"));
        assert_eq!(r.scope().map(|s| &**s), Some("read"));
    }
}
