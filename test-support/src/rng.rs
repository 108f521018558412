//! xorshift64*: a small deterministic generator, one per client task, so
//! that a run that failed can be replayed from its printed seed.

/// The generator's state; any value but 0.
pub struct Rng(pub u64);

impl Rng {
    /// A generator from any `seed` (0 included), spread over the state.
    pub fn seeded(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}
