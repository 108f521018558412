//! [`ClientAssertionStore`] for [`MemoryStore`]: registered keys, and the
//! used client assertions until they expire.

use super::record::now;
use super::MemoryStore;
use crate::client::ClientId;
use crate::store::{AssertionDigest, AssertionUse, ClientAssertionStore, ClientKeys, StoreError};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The used client assertions: digest → expiry (Unix seconds). Expired
/// records are swept when the map has doubled since the last sweep, so it
/// holds at most about twice the live records, and a sweep's cost is paid
/// off by the insertions that preceded it.
#[derive(Default)]
pub(super) struct UsedAssertions(Mutex<Used>);

#[derive(Default)]
struct Used {
    records: HashMap<[u8; 32], u64>,
    sweep_at: usize,
}

impl UsedAssertions {
    /// See [`ClientAssertionStore::use_assertion`].
    fn record(&self, assertion: &AssertionDigest, expires_at: u64, now: u64) -> AssertionUse {
        let mut used = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if used.records.len() >= used.sweep_at {
            used.records.retain(|_, expiry| *expiry > now);
            used.sweep_at = (used.records.len() * 2).max(1024);
        }
        let expiry = used.records.entry(*assertion.as_bytes()).or_insert(0);
        match *expiry > now {
            true => AssertionUse::Replayed,
            false => {
                *expiry = expires_at;
                AssertionUse::First
            }
        }
    }

    /// How many records are held, expired ones not yet swept included.
    #[cfg(test)]
    fn len(&self) -> usize {
        let used = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        used.records.len()
    }
}

impl ClientAssertionStore for MemoryStore {
    async fn client_keys(&self, client_id: &ClientId) -> Result<Option<ClientKeys>, StoreError> {
        let key = self.shared.fingerprinter.of(client_id.as_str());
        let keys = self.shared.clients.with(&key, |client| client.keys.clone());
        Ok(keys.flatten())
    }

    async fn use_assertion(
        &self,
        assertion: &AssertionDigest,
        expires_at: u64,
    ) -> Result<AssertionUse, StoreError> {
        Ok(self.shared.assertions.record(assertion, expires_at, now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_single_use_until_it_expires_then_swept() {
        let used = UsedAssertions::default();
        let app = ClientId::new("app1").unwrap();
        let first = AssertionDigest::of(&app, "1");
        assert_eq!(used.record(&first, 110, 100), AssertionUse::First);
        assert_eq!(used.record(&first, 110, 109), AssertionUse::Replayed);
        assert_eq!(used.record(&first, 120, 110), AssertionUse::First);
        for i in 0..5000 {
            let other = AssertionDigest::of(&app, &i.to_string());
            assert_eq!(used.record(&other, 200 + i, 200 + i), AssertionUse::First);
        }
        assert!(
            used.len() < 3000,
            "expired records are swept: {}",
            used.len()
        );
    }
}
