//! Why a store could not answer.

use std::fmt;

/// Why a store could not answer: the database is down, a query timed out,
/// a connection broke.
///
/// The endpoint answers it with 503 `temporarily_unavailable` and
/// `Retry-After` (RFC 7009 §2.2.1), never with a "revoked" it did not
/// commit, and logs its `Display` at ERROR.
///
/// # Security
/// The message is logged: build it from errors that never hold a token or
/// a secret (driver errors do not; a query's bound parameters must not be
/// formatted into it).
///
/// # Example
/// ```
/// use tower_revoke::StoreError;
///
/// let error = StoreError::new(std::io::Error::other("connection refused"));
/// assert_eq!(error.to_string(), "connection refused");
/// ```
pub struct StoreError(Box<dyn std::error::Error + Send + Sync>);

impl StoreError {
    /// Wraps the underlying error (anything that converts into a boxed
    /// error, including a `String`).
    pub fn new(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self(source.into())
    }
}

impl fmt::Debug for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoreError").field(&self.0).finish()
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_error_shows_its_source() {
        let error = StoreError::new("pool timed out");
        assert_eq!(error.to_string(), "pool timed out");
        assert!(std::error::Error::source(&error).is_some());
    }
}
