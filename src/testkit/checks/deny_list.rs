//! The JWT deny-list: denied (issuer, jti) pairs that lapse, subject
//! cutoffs that only move forward, and one winner among concurrent
//! denials.

use crate::store::{JwtDenyList, JwtRecord};
use std::sync::Arc;

/// 2100-01-01T00:00:00Z: a lapse time no check outlives.
const FAR: u64 = 4_102_444_800;
const ISSUER: &str = "https://as.example";

fn jwt<'a>(issuer: &'a str, jti: &'a str, subject: &'a str, issued_at: u64) -> JwtRecord<'a> {
    JwtRecord {
        issuer,
        jti,
        subject,
        issued_at,
    }
}

/// Asserts `jwt_denied` (and `jwt_denied_now`, when it answers).
async fn assert_denied<St: JwtDenyList>(
    check: &str,
    store: &St,
    record: &JwtRecord<'_>,
    expected: bool,
) {
    let found = store.jwt_denied(record).await;
    let found = found.unwrap_or_else(|e| panic!("jwt_denied failed: {e}"));
    assert_eq!(
        found, expected,
        "conformance check {check:?}: {record:?} denied"
    );
    if let Some(now) = store.jwt_denied_now(record) {
        let now = now.unwrap_or_else(|e| panic!("jwt_denied_now failed: {e}"));
        assert_eq!(
            now, expected,
            "conformance check {check:?}: jwt_denied_now({record:?})"
        );
    }
}

async fn deny<St: JwtDenyList>(store: &St, record: &JwtRecord<'_>, until: u64) -> bool {
    let denied = store.deny_jwt(record, until).await;
    denied.unwrap_or_else(|e| panic!("deny_jwt failed: {e}"))
}

pub(in crate::testkit) async fn jwt_deny_list<St: JwtDenyList>(store: &St) {
    let check = "jwt_deny_list";
    let j1 = jwt(ISSUER, "j1", "alice", 1_000);
    assert_denied(check, store, &j1, false).await;
    assert!(
        deny(store, &j1, FAR).await,
        "conformance check {check:?}: first denial"
    );
    assert!(
        !deny(store, &j1, FAR).await,
        "conformance check {check:?}: already denied"
    );
    assert_denied(check, store, &j1, true).await;
    // The pair (issuer, jti) identifies the token, whatever else the record says.
    assert_denied(check, store, &jwt(ISSUER, "j1", "bob", 5), true).await;
    for other in [
        jwt("https://other.example", "j1", "alice", 1_000),
        jwt(ISSUER, "j2", "alice", 1_000),
        jwt(ISSUER, "J1", "alice", 1_000),
    ] {
        assert_denied(check, store, &other, false).await;
    }
    // Separators and hash-tag braces in the parts never make two pairs one.
    let odd = jwt("a:b{x}%", "c", "s", 1);
    assert!(
        deny(store, &odd, FAR).await,
        "conformance check {check:?}: odd characters"
    );
    assert_denied(check, store, &jwt("a", "b{x}%:c", "s", 1), false).await;
    assert_denied(check, store, &jwt("a:b{x}%", "c", "t", 1), true).await;
    // An entry that lapsed denies nothing, and counts as absent.
    let lapsed = jwt(ISSUER, "j3", "alice", 1_000);
    deny(store, &lapsed, 1_000).await;
    assert_denied(check, store, &lapsed, false).await;
    assert!(
        deny(store, &lapsed, FAR).await,
        "conformance check {check:?}: a lapsed entry counts as absent"
    );
    assert_denied(check, store, &lapsed, true).await;
}

pub(in crate::testkit) async fn jwt_subject_cutoff<St: JwtDenyList>(store: &St) {
    let check = "jwt_subject_cutoff";
    let cut = |issuer: &'static str, subject: &'static str, cutoff: u64| async move {
        let done = store.deny_subject_jwts(issuer, subject, cutoff).await;
        done.unwrap_or_else(|e| panic!("deny_subject_jwts failed: {e}"));
    };
    assert_denied(check, store, &jwt(ISSUER, "a1", "alice", 999), false).await;
    cut(ISSUER, "alice", 1_000).await;
    for (issued_at, denied) in [(1, true), (999, true), (1_000, true), (1_001, false)] {
        let record = jwt(ISSUER, "a1", "alice", issued_at);
        assert_denied(check, store, &record, denied).await;
    }
    assert_denied(check, store, &jwt(ISSUER, "b1", "bob", 999), false).await;
    let elsewhere = jwt("https://other.example", "a1", "alice", 999);
    assert_denied(check, store, &elsewhere, false).await;
    // An earlier cutoff changes nothing; a later one replaces it.
    cut(ISSUER, "alice", 500).await;
    assert_denied(check, store, &jwt(ISSUER, "a1", "alice", 999), true).await;
    cut(ISSUER, "alice", 2_000).await;
    assert_denied(check, store, &jwt(ISSUER, "a1", "alice", 1_500), true).await;
    assert_denied(check, store, &jwt(ISSUER, "a1", "alice", 2_001), false).await;
    // Separators never make two (issuer, subject) pairs one.
    cut("x:y", "z", 1_000).await;
    assert_denied(check, store, &jwt("x", "j", "y:z", 10), false).await;
    assert_denied(check, store, &jwt("x:y", "j", "z", 10), true).await;
}

/// 16 tasks deny one JWT at once: exactly one is first. 64 tasks deny 64
/// JWTs: each is first.
pub(in crate::testkit) async fn concurrent_jwt_denials<St: JwtDenyList>(store: Arc<St>) {
    let check = "concurrent_jwt_denials";
    let tasks: Vec<_> = (0..80)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let jti = if i < 16 {
                    "same".to_owned()
                } else {
                    format!("own{i}")
                };
                deny(&*store, &jwt(ISSUER, &jti, "alice", 1), FAR).await
            })
        })
        .collect();
    let mut firsts = (0, 0);
    for (i, task) in tasks.into_iter().enumerate() {
        let first = task.await.expect("a denial task");
        if i < 16 {
            firsts.0 += usize::from(first);
        } else {
            firsts.1 += usize::from(first);
        }
    }
    assert_eq!(firsts, (1, 64), "conformance check {check:?}: firsts");
    assert_denied(check, &*store, &jwt(ISSUER, "own79", "alice", 1), true).await;
}
