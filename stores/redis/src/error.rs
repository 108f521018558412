//! How Redis failures become [`StoreError`]s.

use std::time::Duration;
use tower_revoke::StoreError;

/// A Redis error (connection refused or dropped, a response timeout, a
/// script error) as a store error. Redis errors name commands and keys
/// (which hold digests only), never a token or a secret.
pub(crate) fn store_error(error: redis::RedisError) -> StoreError {
    StoreError::new(format!("redis: {error}"))
}

/// A store call that did not finish within `timeout`.
pub(crate) fn timed_out(timeout: Duration) -> StoreError {
    StoreError::new(format!("redis: no answer within {timeout:?}"))
}

/// A reply the store did not write (another program changed the keys).
pub(crate) fn unexpected(what: &str) -> StoreError {
    StoreError::new(format!("redis: unexpected reply: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_where_they_come_from() {
        let error = timed_out(Duration::from_secs(3));
        assert_eq!(error.to_string(), "redis: no answer within 3s");
    }
}
