//! Token Status Lists across instances: a revocation made through one
//! connection shows in the list read through another at once, and the
//! status keys hold no token.

use crate::common;
use tower_revoke::client::ClientId;
use tower_revoke::store::{JwtRecord, Recording, StatusAllocation, StatusSlot, TokenEntry};
use tower_revoke::{IssuanceStore, JwtDenyList, RevocationOutcome, StatusListStore, TokenKind};
use tower_revoke_redis::RedisStore;

const ISSUER: &str = "https://as.example";
/// 2100-01-01T00:00:00Z.
const FAR: u64 = 4_102_444_800;

async fn allocate(store: &RedisStore, jti: &str, subject: &str) -> StatusSlot {
    let allocation = StatusAllocation {
        issuer: ISSUER,
        jti,
        subject,
        issued_at: 1_000,
        expires_at: FAR,
        capacity: 1 << 10,
    };
    store.allocate_status(&allocation).await.unwrap()
}

/// Whether `slot` is INVALID in the list read through `store`, and the
/// list's version (which `status_list_version` agrees with).
async fn status(store: &RedisStore, slot: StatusSlot) -> (bool, u64) {
    let state = store.status_list(slot.list).await.unwrap().unwrap();
    let version = store.status_list_version(slot.list).await.unwrap();
    assert_eq!(version, Some(state.version));
    (state.invalid.contains(&slot.idx), state.version)
}

/// Asserts that `slot` is INVALID in the list read through `store`, at a
/// version past `version`; returns that version.
async fn invalid_since(store: &RedisStore, slot: StatusSlot, version: u64) -> u64 {
    let (invalid, now) = status(store, slot).await;
    assert!(
        invalid && now > version,
        "{slot:?}: INVALID at {now}, after {version}"
    );
    now
}

#[tokio::test]
async fn a_revocation_through_another_instance_shows_in_the_list_at_once() {
    let Some(url) =
        common::redis_url("a_revocation_through_another_instance_shows_in_the_list_at_once")
    else {
        return;
    };
    let first = common::store(&url, "status").await;
    first.seed(&common::seed(common::SEED)).await.unwrap();
    let second = RedisStore::new(common::manager(&url).await).key_prefix(first.get_key_prefix());

    let denied = allocate(&first, "j1", "alice").await;
    let cut = allocate(&first, "j2", "bob").await;
    let bound = allocate(&first, "j3", "carol").await;
    let untouched = allocate(&first, "j4", "carol").await;
    let token = "SECRET-JWT-j3";
    let app1 = ClientId::new("app1").unwrap();
    let entry = TokenEntry::new(common::token(token), TokenKind::AccessToken, app1);
    assert_eq!(
        first.record_token(&entry).await.unwrap(),
        Recording::Recorded
    );
    assert!(first
        .bind_status(bound, &common::token(token))
        .await
        .unwrap());
    let (invalid, mut version) = status(&first, denied).await;
    assert!(!invalid);

    // Each revocation through `second`, then the list through `first`.
    let j1 = JwtRecord {
        issuer: ISSUER,
        jti: "j1",
        subject: "alice",
        issued_at: 1_000,
    };
    assert!(second.deny_jwt(&j1, FAR).await.unwrap());
    version = invalid_since(&first, denied, version).await;
    second
        .deny_subject_jwts(ISSUER, "bob", 1_000)
        .await
        .unwrap();
    version = invalid_since(&first, cut, version).await;
    let outcome = common::revoke(&second, token).await;
    assert!(matches!(outcome, RevocationOutcome::Revoked { .. }));
    invalid_since(&first, bound, version).await;
    assert!(!status(&first, untouched).await.0);

    // The status keys hold jti and subjects, never the token.
    let mut conn = first.connection().clone();
    let dump = common::dump(&mut conn, first.get_key_prefix()).await;
    assert!(dump.contains(":sl:{") && dump.contains(":ts:{"), "{dump}");
    assert!(!dump.contains(token), "{dump}");
    common::clean(&mut conn, first.get_key_prefix()).await;
}
