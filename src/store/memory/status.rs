//! [`StatusListStore`] for [`MemoryStore`]: slots kept beside the tokens,
//! their statuses read from the deny-list and the token records when a
//! list is read, and one store-wide count of changes as every list's
//! version.

use super::fingerprint::Fingerprint;
use super::MemoryStore;
use crate::request::Token;
use crate::store::{
    random_indices, JwtRecord, StatusAllocation, StatusListState, StatusListStore, StatusSlot,
    StoreError,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// The status lists' state inside [`MemoryStore`].
#[derive(Default)]
pub(super) struct Statuses {
    /// List `n` at index `n - 1`.
    lists: Mutex<Vec<List>>,
    /// How many revocations (of any kind) the store has answered: every
    /// list's version. A list is read after the count, so a list read at
    /// version `v` shows every revocation counted in `v`.
    changes: AtomicU64,
}

struct List {
    capacity: u32,
    slots: HashMap<u32, Slot>,
}

/// What a status depends on. `invalid` remembers an INVALID status once
/// read, so that it stays INVALID after the deny-list entry lapses.
struct Slot {
    issuer: Arc<str>,
    jti: Box<str>,
    subject: Box<str>,
    issued_at: u64,
    bound: Option<Fingerprint>,
    invalid: bool,
}

impl Statuses {
    fn lists(&self) -> MutexGuard<'_, Vec<List>> {
        self.lists.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a revocation: called after every call that may revoke.
    pub(super) fn changed(&self) {
        self.changes.fetch_add(1, Ordering::AcqRel);
    }

    fn version(&self) -> u64 {
        self.changes.load(Ordering::Acquire)
    }
}

impl MemoryStore {
    /// Whether `slot`'s status is INVALID now (and remembers it if so).
    fn slot_is_invalid(&self, slot: &mut Slot) -> bool {
        if !slot.invalid {
            let record = JwtRecord {
                issuer: &slot.issuer,
                jti: &slot.jti,
                subject: &slot.subject,
                issued_at: slot.issued_at,
            };
            let tokens = &self.shared.tokens;
            slot.invalid = self.denied(&record)
                || slot
                    .bound
                    .and_then(|fp| tokens.with(&fp, |r| r.is_revoked()))
                    .unwrap_or(false);
        }
        slot.invalid
    }
}

impl StatusListStore for MemoryStore {
    async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        if !allocation.capacity_is_valid() {
            return Err(StoreError::new(
                "a status list's capacity must be a multiple of 8 from 8 to 2^24",
            ));
        }
        let statuses = &self.shared.statuses;
        let mut lists = statuses.lists();
        let newest = lists.len();
        let mut slot = Slot {
            issuer: lists
                .last()
                .and_then(|list| list.slots.values().next())
                .map(|slot| Arc::clone(&slot.issuer))
                .filter(|issuer| **issuer == *allocation.issuer)
                .unwrap_or_else(|| allocation.issuer.into()),
            jti: allocation.jti.into(),
            subject: allocation.subject.into(),
            issued_at: allocation.issued_at,
            bound: None,
            invalid: false,
        };
        let invalid = self.slot_is_invalid(&mut slot);
        let free = |list: &List| {
            random_indices(list.capacity)
                .into_iter()
                .find(|idx| !list.slots.contains_key(idx))
        };
        let (number, idx) = match lists.last().and_then(free) {
            Some(idx) => (newest, idx),
            None => {
                lists.push(List {
                    capacity: allocation.capacity,
                    slots: HashMap::new(),
                });
                let idx = free(&lists[newest]).expect("a new list has every index free");
                (newest + 1, idx)
            }
        };
        lists[number - 1].slots.insert(idx, slot);
        drop(lists);
        if invalid {
            statuses.changed();
        }
        Ok(StatusSlot {
            list: number as u64,
            idx,
        })
    }

    async fn bind_status(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        let statuses = &self.shared.statuses;
        let fingerprint = self.shared.fingerprinter.of(token.secret());
        let mut lists = statuses.lists();
        let Some(bound) = usize::try_from(slot.list)
            .ok()
            .and_then(|n| lists.get_mut(n.checked_sub(1)?))
            .and_then(|list| list.slots.get_mut(&slot.idx))
            .filter(|bound| bound.bound.is_none())
        else {
            return Ok(false);
        };
        bound.bound = Some(fingerprint);
        let was = bound.invalid;
        let invalid = self.slot_is_invalid(bound);
        drop(lists);
        if invalid && !was {
            statuses.changed();
        }
        Ok(true)
    }

    async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        let statuses = &self.shared.statuses;
        let opened = statuses.lists().len() as u64;
        Ok((1..=opened).contains(&list).then(|| statuses.version()))
    }

    /// Reads every slot of the list: time in proportion to the slots
    /// allocated in it.
    async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
        let statuses = &self.shared.statuses;
        let version = statuses.version();
        let mut lists = statuses.lists();
        let Some(found) = usize::try_from(list)
            .ok()
            .and_then(|n| lists.get_mut(n.checked_sub(1)?))
        else {
            return Ok(None);
        };
        let mut invalid: Vec<u32> = found
            .slots
            .iter_mut()
            .filter_map(|(&idx, slot)| self.slot_is_invalid(slot).then_some(idx))
            .collect();
        invalid.sort_unstable();
        Ok(Some(StatusListState {
            capacity: found.capacity,
            version,
            invalid,
        }))
    }

    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        let opened = self.shared.statuses.lists().len() as u64;
        Ok((1..=opened).collect())
    }
}
