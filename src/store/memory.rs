//! The in-memory store (placeholder, being written).

/// An in-memory [`RevocationStore`](crate::RevocationStore).
#[derive(Debug, Clone, Default)]
pub struct MemoryStore;
