//! Turning driver errors into [`StoreError`]s that say which operation
//! failed and never carry a token, a secret or a bound value.

use std::fmt;
use tower_revoke::StoreError;

/// A database error and the store operation it interrupted.
///
/// `Display` is `"<operation>: <sqlx error>"`. sqlx's messages never
/// include bound parameters, and this crate binds only digests, client ids,
/// grant ids, subjects, labels and times: no token or client secret is ever
/// sent to the database, so none can come back in an error.
#[derive(Debug)]
struct DatabaseError {
    operation: &'static str,
    source: sqlx::Error,
}

impl fmt::Display for DatabaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.operation, self.source)
    }
}

impl std::error::Error for DatabaseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A closure for `map_err`: `query.await.map_err(failed("revoke"))`.
pub(crate) fn failed(operation: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |source| StoreError::new(DatabaseError { operation, source })
}

/// A row that this crate could not have written (a digest of the wrong
/// length, an unknown token kind): the schema was changed by hand.
pub(crate) fn corrupt(what: &'static str) -> StoreError {
    StoreError::new(format!(
        "tower-revoke-sqlx: unexpected stored value: {what}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_the_operation() {
        let error = failed("revoke")(sqlx::Error::PoolTimedOut);
        assert_eq!(
            error.to_string(),
            "revoke: pool timed out while waiting for an open connection"
        );
    }
}
