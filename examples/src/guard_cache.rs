//! The guard cache, chosen at start by `TOWER_REVOKE_GUARD_CACHE`: a
//! [`CachedStore`] in front of the store, fed by the store's revocation
//! notices.
//!
//! | `TOWER_REVOKE_GUARD_CACHE` | guard |
//! |---|---|
//! | unset, empty, `off` or `0` | no cache: every Bearer check asks the store |
//! | a duration: `2s`, `500ms`, `1.5s` | [`CachedStore::new(store, duration)`](CachedStore::new): an active token's answer is reused for at most that long |
//!
//! With PostgreSQL or Redis the store's notice listener is started beside
//! the app ([`tower_revoke_sqlx::RevocationListener`] on a connection of its
//! own, [`tower_revoke_redis::RevocationListener`] on a pub/sub connection),
//! so a revocation on any instance reaches this one's cache within
//! milliseconds; each listener flushes the cache when it (re)connects and
//! reconnects by itself. With the memory store or SQLite there is no
//! channel: a revocation through another process reaches this one's cache
//! only when the answer expires, after at most the duration.

use crate::store::StoreStartError;
use std::time::Duration;
use tower_revoke::cache::{CacheInvalidator, CachedStore};
use tower_revoke::store::BoxStore;
use tower_revoke::{
    IntrospectionStore, IssuanceStore, JwtDenyList, RevocationStore, SubjectRevocationStore,
};

/// The variable the guard cache is chosen by.
pub const CACHE_VAR: &str = "TOWER_REVOKE_GUARD_CACHE";

/// The cache's maximum staleness from `TOWER_REVOKE_GUARD_CACHE`; `None`
/// for no cache.
///
/// # Errors
/// The value is neither off nor a duration.
pub fn from_env() -> Result<Option<Duration>, StoreStartError> {
    match std::env::var(CACHE_VAR) {
        Ok(value) => parse(&value),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(StoreStartError::new(format!(
            "{CACHE_VAR} is not valid UTF-8"
        ))),
    }
}

/// Reads one value of `TOWER_REVOKE_GUARD_CACHE` (see
/// [`common::parse_duration`](crate::common::parse_duration)).
///
/// # Errors
/// Any value that is neither off nor a duration.
pub fn parse(value: &str) -> Result<Option<Duration>, StoreStartError> {
    crate::common::parse_duration(CACHE_VAR, value).map_err(StoreStartError::new)
}

/// Starts a store's notice listener feeding the cache's invalidator.
pub type StartListener<'a> = Box<dyn FnOnce(CacheInvalidator) + 'a>;

/// `store` boxed, behind a [`CachedStore`] when `max_staleness` is set.
/// `listen`, when given, starts the store's notice listener feeding the
/// cache's invalidator (and then a revocation's grant cascade is left to
/// the notices: `flush_on_cascade(false)`). Returns the box and how the
/// cache is kept fresh, for the start-up line.
pub fn wrap<St>(
    store: St,
    max_staleness: Option<Duration>,
    listen: Option<(&'static str, StartListener<'_>)>,
) -> (BoxStore, String)
where
    St: RevocationStore + IntrospectionStore + SubjectRevocationStore + JwtDenyList + IssuanceStore,
{
    let Some(max_staleness) = max_staleness else {
        return (BoxStore::new(store), "off".to_owned());
    };
    let cached = CachedStore::new(store, max_staleness);
    match listen {
        Some((channel, listen)) => {
            let cached = cached.flush_on_cascade(false);
            listen(cached.invalidator());
            let how = format!("{max_staleness:?}, invalidated by {channel}");
            (BoxStore::new(cached), how)
        }
        None => {
            let how = format!("{max_staleness:?}, no notice channel (expiry only)");
            (BoxStore::new(cached), how)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_values_are_no_cache() {
        for value in ["", "off", "0", " off "] {
            assert_eq!(parse(value).unwrap(), None, "{value:?}");
        }
    }

    #[test]
    fn durations_in_seconds_and_milliseconds() {
        assert_eq!(parse("2s").unwrap(), Some(Duration::from_secs(2)));
        assert_eq!(parse("500ms").unwrap(), Some(Duration::from_millis(500)));
        assert_eq!(parse("1.5s").unwrap(), Some(Duration::from_millis(1500)));
    }

    #[test]
    fn other_values_are_refused() {
        for value in ["2", "s", "-1s", "0s", "2m", "fast", "inf s", "1e9s"] {
            let error = parse(value).unwrap_err().to_string();
            assert!(error.starts_with("TOWER_REVOKE_GUARD_CACHE="), "{error}");
        }
    }
}
