//! Seed documents for [`MemoryStore`](super::MemoryStore) (placeholder, being written).

/// A seed document that could not be loaded.
#[derive(Debug)]
pub struct SeedError;
