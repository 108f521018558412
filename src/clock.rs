//! The wall clock as this crate counts expiries: whole Unix seconds.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now, in whole Unix seconds; 0 if the clock is before 1970.
pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}
