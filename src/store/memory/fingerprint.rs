//! Keyed 128-bit fingerprints of tokens and client ids. The maps are keyed
//! by them, so the store never keeps a token, and a lookup never follows a
//! pointer to compare one.

use siphasher::sip128::{Hasher128, SipHasher13};
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hash, Hasher};

/// The 128-bit SipHash-1-3 of a token (one pass, the `siphasher` crate)
/// under a random per-store key. Two tokens of one store share a
/// fingerprint with probability about `n² / 2^129` for `n` tokens, and the
/// key never leaves the process, so nobody can aim at a collision.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fingerprint {
    high: u64,
    low: u64,
}

/// Writes the two halves with `write_u64`, high first: see [`Prehashed`].
impl Hash for Fingerprint {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.high);
        state.write_u64(self.low);
    }
}

/// A copy, so that maps keyed by fingerprints can insert from a borrowed key.
impl From<&Fingerprint> for Fingerprint {
    fn from(fingerprint: &Fingerprint) -> Self {
        *fingerprint
    }
}

/// Computes the [`Fingerprint`]s of one store.
pub(crate) struct Fingerprinter(SipHasher13);

impl Fingerprinter {
    /// A fingerprinter with a fresh random key (drawn from the standard
    /// library's per-process random `RandomState` keys).
    pub(crate) fn new() -> Self {
        let random = RandomState::new();
        let key = |n: u8| random.hash_one(n);
        Self(SipHasher13::new_with_keys(key(0), key(1)))
    }

    /// The fingerprint of `value`.
    pub(crate) fn of(&self, value: &str) -> Fingerprint {
        let mut hasher = self.0;
        hasher.write(value.as_bytes());
        let hash = hasher.finish128();
        Fingerprint {
            high: hash.h1,
            low: hash.h2,
        }
    }
}

/// Hashes a [`Fingerprint`] to its high half, which is already a keyed
/// hash: the maps keyed by fingerprints hash nothing again.
#[derive(Clone, Copy, Default)]
pub(super) struct Prehashed;

impl BuildHasher for Prehashed {
    type Hasher = PrehashedHasher;

    fn build_hasher(&self) -> PrehashedHasher {
        PrehashedHasher {
            writes: 0,
            value: 0,
        }
    }
}

/// The [`Hasher`] of [`Prehashed`]: the first `u64` written.
pub(super) struct PrehashedHasher {
    writes: u8,
    value: u64,
}

impl Hasher for PrehashedHasher {
    fn write_u64(&mut self, half: u64) {
        if self.writes == 0 {
            self.value = half;
        }
        self.writes = self.writes.saturating_add(1);
    }

    /// Not used by [`Fingerprint`]; folds the bytes so the hasher stays total.
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.value = self.value.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn finish(&self) -> u64 {
        self.value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_per_store_and_differ_by_token() {
        let fingerprinter = Fingerprinter::new();
        let a = fingerprinter.of("AT1");
        assert!(a == fingerprinter.of("AT1"));
        assert!(a != fingerprinter.of("AT2"));
        assert!(a.high != a.low, "the halves differ");
        assert!(Fingerprinter::new().of("AT1") != a, "keys are per store");
    }

    #[test]
    fn a_fingerprint_hashes_to_its_high_half() {
        let fp = Fingerprint { high: 7, low: 9 };
        assert_eq!(Prehashed.hash_one(fp), 7);
    }
}
