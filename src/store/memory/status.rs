//! [`StatusListStore`] for [`MemoryStore`]: each list a bitmap of its
//! allocated, bound and INVALID indices with a version of its own, and
//! three indexes from what a revocation names (a JWT's (`iss`, `jti`), a
//! subject's (`iss`, `sub`), a bound token) to the slots it ends. Every
//! revoking call of the store sets the INVALID bits of the slots it
//! reached before it returns, so a list is read in time proportional to
//! its capacity / 64, never by checking its tokens.

use super::deny::pair;
use super::fingerprint::{Fingerprint, Prehashed};
use super::MemoryStore;
use crate::request::Token;
use crate::store::{
    random_indices, JwtRecord, StatusAllocation, StatusListState, StatusListStore, StatusSlot,
    StoreError,
};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The status lists' state inside [`MemoryStore`].
#[derive(Default)]
pub(super) struct Statuses {
    state: Mutex<State>,
    /// Whether a status was ever allocated: until then, revocations skip
    /// the lock.
    any: AtomicBool,
}

#[derive(Default)]
struct State {
    /// List `n` at index `n - 1`.
    lists: Vec<List>,
    /// By the fingerprint of (issuer, jti).
    by_jti: HashMap<Fingerprint, StatusSlot, Prehashed>,
    /// By the fingerprint of (issuer, subject): each slot with its `iat`.
    by_subject: HashMap<Fingerprint, Vec<(u64, StatusSlot)>, Prehashed>,
    /// By the fingerprint of the bound token.
    by_token: HashMap<Fingerprint, StatusSlot, Prehashed>,
}

struct List {
    capacity: u32,
    version: u64,
    allocated: Bits,
    bound: Bits,
    invalid: Bits,
}

/// A fixed-size bitmap.
struct Bits(Vec<u64>);

impl Bits {
    fn new(len: u32) -> Self {
        Self(vec![0; (len as usize).div_ceil(64)])
    }

    fn get(&self, idx: u32) -> bool {
        self.0[idx as usize / 64] >> (idx % 64) & 1 == 1
    }

    /// Sets `idx`; whether it was clear.
    fn set(&mut self, idx: u32) -> bool {
        let (word, bit) = (&mut self.0[idx as usize / 64], 1 << (idx % 64));
        let was_clear = *word & bit == 0;
        *word |= bit;
        was_clear
    }

    fn ones(&self) -> impl Iterator<Item = u32> + '_ {
        self.0.iter().enumerate().flat_map(|(w, &word)| {
            (0..64)
                .filter(move |b| word >> b & 1 == 1)
                .map(move |b| (w * 64 + b) as u32)
        })
    }
}

impl State {
    fn list(&mut self, list: u64) -> Option<&mut List> {
        let n = usize::try_from(list).ok()?.checked_sub(1)?;
        self.lists.get_mut(n)
    }

    /// Sets `slot` INVALID, moving its list's version if it was not.
    fn invalidate(&mut self, slot: StatusSlot) {
        if let Some(list) = self.list(slot.list) {
            if list.invalid.set(slot.idx) {
                list.version += 1;
            }
        }
    }
}

impl Statuses {
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the state, unless no status was ever allocated.
    fn if_any(&self, f: impl FnOnce(&mut State)) {
        if self.any.load(Ordering::Acquire) {
            f(&mut self.state());
        }
    }

    /// The JWT with the deny-list key `jti_key()` is denied (the key made
    /// only when some status exists).
    pub(super) fn jti_denied(&self, jti_key: impl FnOnce() -> Fingerprint) {
        self.if_any(|state| {
            if let Some(&slot) = state.by_jti.get(&jti_key()) {
                state.invalidate(slot);
            }
        });
    }

    /// The subject with the cutoff key `subject_key` is cut off at
    /// `cutoff`.
    pub(super) fn subject_cut_off(&self, subject_key: Fingerprint, cutoff: u64) {
        self.if_any(|state| {
            let Some(slots) = state.by_subject.get(&subject_key) else {
                return;
            };
            let ended: Vec<StatusSlot> = slots
                .iter()
                .filter(|(iat, _)| *iat <= cutoff)
                .map(|&(_, slot)| slot)
                .collect();
            for slot in ended {
                state.invalidate(slot);
            }
        });
    }

    /// The tokens of `fingerprints` are revoked (or found revoked).
    pub(super) fn tokens_revoked<'a>(
        &self,
        fingerprints: impl IntoIterator<Item = &'a Fingerprint>,
    ) {
        self.if_any(|state| {
            for fingerprint in fingerprints {
                if let Some(&slot) = state.by_token.get(fingerprint) {
                    state.invalidate(slot);
                }
            }
        });
    }
}

impl MemoryStore {
    /// The slot `slot`, INVALID now.
    fn invalidate(&self, slot: StatusSlot) {
        self.shared.statuses.state().invalidate(slot);
    }
}

impl StatusListStore for MemoryStore {
    async fn allocate_status(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        if !allocation.capacity_is_valid() {
            let why = "a status list's capacity must be a multiple of 8 from 8 to 2^24";
            return Err(StoreError::new(why));
        }
        let shared = &*self.shared;
        let jti_key = pair(&shared.fingerprinter, allocation.issuer, allocation.jti);
        let subject_key = pair(&shared.fingerprinter, allocation.issuer, allocation.subject);
        let slot = {
            let mut state = shared.statuses.state();
            let free = |list: &List| {
                let draws = random_indices(list.capacity).into_iter();
                draws.into_iter().find(|&idx| !list.allocated.get(idx))
            };
            let (list, idx) = match state.lists.last().and_then(free) {
                Some(idx) => (state.lists.len(), idx),
                None => {
                    let capacity = allocation.capacity;
                    let (allocated, bound, invalid) = (
                        Bits::new(capacity),
                        Bits::new(capacity),
                        Bits::new(capacity),
                    );
                    let list = List {
                        capacity,
                        version: 0,
                        allocated,
                        bound,
                        invalid,
                    };
                    let idx = free(&list).expect("a new list has every index free");
                    state.lists.push(list);
                    (state.lists.len(), idx)
                }
            };
            let slot = StatusSlot {
                list: list as u64,
                idx,
            };
            state.lists[list - 1].allocated.set(idx);
            state.by_jti.insert(jti_key, slot);
            let of_subject = state.by_subject.entry(subject_key).or_default();
            of_subject.push((allocation.issued_at, slot));
            shared.statuses.any.store(true, Ordering::Release);
            slot
        };
        // A cutoff set before this allocation was indexed found nothing:
        // its JWT is INVALID from the start.
        let record = JwtRecord {
            issuer: allocation.issuer,
            jti: allocation.jti,
            subject: allocation.subject,
            issued_at: allocation.issued_at,
        };
        if self.denied(&record) {
            self.invalidate(slot);
        }
        Ok(slot)
    }

    async fn bind_status(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        let shared = &*self.shared;
        let fingerprint = shared.fingerprinter.of(token.secret());
        {
            let mut state = shared.statuses.state();
            let Some(list) = state.list(slot.list) else {
                return Ok(false);
            };
            let known = slot.idx < list.capacity && list.allocated.get(slot.idx);
            if !known || !list.bound.set(slot.idx) {
                return Ok(false);
            }
            state.by_token.insert(fingerprint, slot);
        }
        // A revocation before the binding found no slot: read the record.
        let revoked = shared
            .tokens
            .with(&fingerprint, |record| record.is_revoked());
        if revoked == Some(true) {
            self.invalidate(slot);
        }
        Ok(true)
    }

    async fn status_list_version(&self, list: u64) -> Result<Option<u64>, StoreError> {
        let mut state = self.shared.statuses.state();
        Ok(state.list(list).map(|list| list.version))
    }

    /// Reads the list's bitmap: time in proportion to its capacity / 64.
    async fn status_list(&self, list: u64) -> Result<Option<StatusListState>, StoreError> {
        let mut state = self.shared.statuses.state();
        Ok(state.list(list).map(|list| StatusListState {
            capacity: list.capacity,
            version: list.version,
            invalid: list.invalid.ones().collect(),
        }))
    }

    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        let opened = self.shared.statuses.state().lists.len() as u64;
        Ok((1..=opened).collect())
    }
}
