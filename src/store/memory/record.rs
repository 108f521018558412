//! What the store keeps about one token: a small record with an atomic
//! revoked flag, and the rarely read details behind a pointer.

use crate::client::ClientId;
use crate::store::seed::TokenKind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// One token, stored inline in the token map: a revocation of an access
/// token reads nothing else. Everything but `revoked` is fixed at insertion.
pub(super) struct Record {
    /// Shared with the client's entry and its other tokens.
    pub(super) client_id: Arc<ClientId>,
    /// Unix seconds from which the token is expired; `u64::MAX` for never.
    pub(super) expires_at: u64,
    /// `None` when the token has no grant, subject or labels.
    pub(super) details: Option<Box<Details>>,
    pub(super) kind: TokenKind,
    pub(super) revocable: bool,
    pub(super) revoked: AtomicBool,
}

/// The parts of a token only grant, subject and Bearer lookups read.
pub(super) struct Details {
    pub(super) grant_id: Option<Arc<str>>,
    pub(super) subject: Option<Arc<str>>,
    pub(super) labels: Box<[(Box<str>, Box<str>)]>,
}

impl Record {
    /// Not revoked and not expired at `now` (Unix seconds).
    pub(super) fn is_active(&self, now: u64) -> bool {
        now < self.expires_at && !self.revoked.load(Ordering::Acquire)
    }

    /// Sets the revoked flag; `true` if this call is the one that set it.
    pub(super) fn revoke(&self) -> bool {
        !self.revoked.swap(true, Ordering::AcqRel)
    }

    pub(super) fn grant_id(&self) -> Option<&Arc<str>> {
        self.details.as_ref()?.grant_id.as_ref()
    }

    pub(super) fn subject(&self) -> Option<&str> {
        self.details.as_ref()?.subject.as_deref()
    }

    /// Whether the token carries every `(name, value)` pair of `wanted`.
    pub(super) fn has_labels(&self, wanted: &[(&str, &str)]) -> bool {
        let labels = self.details.as_ref().map_or(&[][..], |d| &d.labels[..]);
        wanted
            .iter()
            .all(|&(name, value)| labels.iter().any(|(n, v)| **n == *name && **v == *value))
    }
}

/// The current time in Unix seconds (0 if the clock is before 1970).
pub(super) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(expires_at: u64, labels: &[(&str, &str)]) -> Record {
        let labels = labels.iter().map(|&(n, v)| (n.into(), v.into())).collect();
        Record {
            client_id: Arc::new(ClientId::new("app1").unwrap()),
            expires_at,
            details: Some(Box::new(Details {
                grant_id: None,
                subject: Some("alice".into()),
                labels,
            })),
            kind: TokenKind::AccessToken,
            revocable: true,
            revoked: AtomicBool::new(false),
        }
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
    fn labels_must_all_match() {
        let r = record(u64::MAX, &[("provider", "github"), ("org", "42")]);
        assert!(r.has_labels(&[]));
        assert!(r.has_labels(&[("org", "42"), ("provider", "github")]));
        assert!(!r.has_labels(&[("provider", "github"), ("org", "43")]));
        assert!(!r.has_labels(&[("github", "provider")]));
        assert_eq!(r.subject(), Some("alice"));
        assert!(r.grant_id().is_none());
    }
}
