//! What the store tests share: the rule for PostgreSQL tests without a
//! server, a throwaway schema or file per test, table dumps, and the
//! scenarios both stores must pass beyond the conformance kit.
#![allow(dead_code, unreachable_pub)]

#[cfg(feature = "postgres")]
pub mod notices;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod scenarios;
#[cfg(feature = "sqlite")]
pub mod sqlite;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The variable PostgreSQL tests read their server's URL from.
pub const POSTGRES_URL: &str = "TOWER_REVOKE_TEST_POSTGRES_URL";

/// The PostgreSQL URL for `test`, or `None` with a printed reason to skip.
///
/// # Panics
/// When the URL is missing under CI (`CI` set to anything but `false`/`0`):
/// a CI run that skipped every database test would pass without testing.
pub fn postgres_url(test: &str) -> Option<String> {
    if let Some(url) = std::env::var(POSTGRES_URL).ok().filter(|u| !u.is_empty()) {
        return Some(url);
    }
    let ci = std::env::var("CI").unwrap_or_default();
    let how = "start one with: eval \"$(scripts/services start postgres)\"";
    if !matches!(ci.as_str(), "" | "false" | "0") {
        panic!("{test}: {POSTGRES_URL} is not set and CI={ci}: PostgreSQL tests must run ({how})");
    }
    eprintln!("skipping {test}: {POSTGRES_URL} is not set ({how})");
    None
}

/// A name no other test of any run uses: `prefix_<pid>_<nanos>_<n>`.
pub fn unique_name(prefix: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}
