//! A hash map split into independently locked shards, so that threads
//! touching different keys rarely meet on the same lock.

use std::borrow::Borrow;
use std::collections::hash_map::{Entry, HashMap, RandomState};
use std::hash::{BuildHasher, Hash};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// Each map has `2^SHARD_BITS` shards: comfortably more than the cores a
/// revocation endpoint usually runs on.
const SHARD_BITS: u32 = 6;
const SHARDS: usize = 1 << SHARD_BITS;

/// One shard, aligned to its own pair of cache lines so that two shards never
/// share one (no false sharing between the lock words of neighbours).
#[repr(align(128))]
struct Shard<K, V, S>(RwLock<HashMap<K, V, S>>);

/// A concurrent map: `SHARDS` `RwLock<HashMap<K, V, S>>`s, the shard chosen
/// by the top bits of the key's hash under `P`.
///
/// `P` and `S` must hash independently (two `RandomState`s do), or every key
/// of a shard would share the top bits `hashbrown` uses as its tag.
///
/// # Lock order
/// [`MemoryStore`](crate::MemoryStore) nests locks in one order only: an
/// index shard (`grants`, `subjects`), then a `tokens` shard. Nothing holds
/// a `tokens` lock while taking another lock, and no thread takes a lock it
/// already holds, so nesting cannot deadlock.
///
/// No method panics while a lock is held except on allocation failure, and
/// the values it stores stay consistent at every step, so a poisoned lock is
/// simply taken over.
pub(super) struct ShardedMap<K, V, P = RandomState, S = RandomState> {
    shards: Box<[Shard<K, V, S>]>,
    pick: P,
}

impl<K: Hash + Eq, V, P: BuildHasher + Default, S: BuildHasher + Default> ShardedMap<K, V, P, S> {
    /// An empty map.
    pub(super) fn new() -> Self {
        let shard = || Shard(RwLock::new(HashMap::with_hasher(S::default())));
        Self {
            shards: (0..SHARDS).map(|_| shard()).collect(),
            pick: P::default(),
        }
    }
}

impl<K: Hash + Eq, V, P: BuildHasher, S: BuildHasher> ShardedMap<K, V, P, S> {
    fn shard<Q: Hash + ?Sized>(&self, key: &Q) -> &RwLock<HashMap<K, V, S>> {
        let hash = self.pick.hash_one(key);
        &self.shards[(hash >> (u64::BITS - SHARD_BITS)) as usize].0
    }

    fn read<Q: Hash + ?Sized>(&self, key: &Q) -> RwLockReadGuard<'_, HashMap<K, V, S>> {
        self.shard(key)
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write<Q: Hash + ?Sized>(&self, key: &Q) -> RwLockWriteGuard<'_, HashMap<K, V, S>> {
        self.shard(key)
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the value of `key`, under the shard's read lock; `None`
    /// when the key is absent.
    pub(super) fn with<Q, R>(&self, key: &Q, f: impl FnOnce(&V) -> R) -> Option<R>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.read(key).get(key).map(f)
    }

    /// Inserts `value` unless `key` is present. Returns whether it did.
    pub(super) fn insert_new(&self, key: K, value: V) -> bool {
        match self.write(&key).entry(key) {
            Entry::Occupied(_) => false,
            Entry::Vacant(slot) => {
                slot.insert(value);
                true
            }
        }
    }

    /// Inserts `value` at `key` unless the value there is to be kept
    /// (`replace` says `false` for it). Returns whether it wrote `value`.
    pub(super) fn insert_unless(&self, key: K, value: V, replace: impl FnOnce(&V) -> bool) -> bool {
        match self.write(&key).entry(key) {
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
        for shard in self.shards.iter() {
            let mut shard = shard.0.write().unwrap_or_else(PoisonError::into_inner);
            shard.retain(|_, value| keep(value));
        }
    }

    /// Runs `f` on the value of `key`, inserting `V::default()` first if the
    /// key is absent, under the shard's write lock.
    pub(super) fn upsert<Q, R>(&self, key: &Q, f: impl FnOnce(&mut V) -> R) -> R
    where
        K: Borrow<Q> + for<'q> From<&'q Q>,
        Q: Hash + Eq + ?Sized,
        V: Default,
    {
        let mut shard = self.write(key);
        match shard.get_mut(key) {
            Some(value) => f(value),
            None => f(shard.entry(K::from(key)).or_default()),
        }
    }

    /// How many keys the map holds (takes every shard's read lock in turn,
    /// so concurrent inserts may or may not be counted).
    pub(super) fn len(&self) -> usize {
        let len = |s: &Shard<K, V, S>| s.0.read().unwrap_or_else(PoisonError::into_inner).len();
        self.shards.iter().map(len).sum()
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
    fn len_counts_keys_across_shards() {
        let map = ShardedMap::<Box<str>, usize>::new();
        for i in 0..1000 {
            assert!(map.insert_new(i.to_string().into(), i));
        }
        assert_eq!(map.len(), 1000);
        let used = map
            .shards
            .iter()
            .filter(|s| !s.0.read().unwrap().is_empty());
        assert!(used.count() > SHARDS / 2, "keys spread over few shards");
    }
}
