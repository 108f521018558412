//! Token Status Lists ([`StatusListStore`]): random slots never allocated
//! twice, lists of a fixed capacity, and statuses that follow every
//! revocation of the store.

use super::{app1, revoke};
use crate::client::ClientId;
use crate::request::Token;
use crate::store::{
    IssuanceStore, JwtDenyList, JwtRecord, Recording, RevocationStore, Rotation, RotationOutcome,
    StatusAllocation, StatusListState, StatusListStore, StatusSlot, SubjectRevocationStore,
    TokenEntry, TokenKind,
};
use std::collections::HashSet;
use std::sync::Arc;

/// 2100-01-01T00:00:00Z.
const FAR: u64 = 4_102_444_800;
const ISSUER: &str = "https://as.example";

fn allocation<'a>(jti: &'a str, subject: &'a str, capacity: u32) -> StatusAllocation<'a> {
    StatusAllocation {
        issuer: ISSUER,
        jti,
        subject,
        issued_at: 1_000,
        expires_at: FAR,
        capacity,
    }
}

async fn allocate<St: StatusListStore>(
    store: &St,
    allocation: &StatusAllocation<'_>,
) -> StatusSlot {
    let slot = store.allocate_status(allocation).await;
    slot.unwrap_or_else(|e| panic!("allocate_status({allocation:?}) failed: {e}"))
}

async fn list<St: StatusListStore>(check: &str, store: &St, list: u64) -> StatusListState {
    let state = store.status_list(list).await;
    let state = state.unwrap_or_else(|e| panic!("status_list failed: {e}"));
    let state =
        state.unwrap_or_else(|| panic!("conformance check {check:?}: list {list} is missing"));
    assert!(
        state.invalid.windows(2).all(|w| w[0] < w[1])
            && state.invalid.iter().all(|&idx| idx < state.capacity),
        "conformance check {check:?}: list {list}'s INVALID indices are ascending and in range: {state:?}"
    );
    state
}

async fn version<St: StatusListStore>(store: &St, list: u64) -> Option<u64> {
    let version = store.status_list_version(list).await;
    version.unwrap_or_else(|e| panic!("status_list_version failed: {e}"))
}

/// Whether `slot`'s status is INVALID; checks that `status_list_version`
/// agrees with the list's version.
async fn invalid<St: StatusListStore>(check: &str, store: &St, slot: StatusSlot) -> bool {
    let state = list(check, store, slot.list).await;
    assert_eq!(
        version(store, slot.list).await,
        Some(state.version),
        "conformance check {check:?}: status_list_version agrees with status_list"
    );
    state.invalid.binary_search(&slot.idx).is_ok()
}

/// Asserts that `slot` is INVALID, and that its list's version moved past
/// `before`, the version read before the revocation `what`.
async fn ended<St: StatusListStore>(
    check: &str,
    store: &St,
    slot: StatusSlot,
    before: u64,
    what: &str,
) {
    assert!(
        invalid(check, store, slot).await,
        "conformance check {check:?}: {what} makes the status INVALID"
    );
    let after = list(check, store, slot.list).await.version;
    assert!(
        after > before,
        "conformance check {check:?}: {what} moves the list's version ({before} -> {after})"
    );
}

/// The version of `slot`'s list now.
async fn now_at<St: StatusListStore>(check: &str, store: &St, slot: StatusSlot) -> u64 {
    list(check, store, slot.list).await.version
}

async fn bind<St: StatusListStore>(store: &St, slot: StatusSlot, token: &str) -> bool {
    let token = Token::new(token).expect("a non-empty token");
    let bound = store.bind_status(slot, &token).await;
    bound.unwrap_or_else(|e| panic!("bind_status failed: {e}"))
}

async fn record<St: IssuanceStore>(check: &str, store: &St, entry: TokenEntry) {
    let recording = store.record_token(&entry).await;
    let recording = recording.unwrap_or_else(|e| panic!("record_token failed: {e}"));
    assert_eq!(
        recording,
        Recording::Recorded,
        "conformance check {check:?}: recording {entry:?}"
    );
}

fn access(token: &str) -> TokenEntry {
    let token = Token::new(token).expect("a non-empty token");
    let app1 = ClientId::new("app1").expect("a valid id");
    TokenEntry::new(token, TokenKind::AccessToken, app1)
}

/// Slots: distinct, below their list's capacity, random (not counted up),
/// lists numbered from 1 and opened when the newest is full, each keeping
/// its capacity; capacities that are not whole bytes refused.
pub(in crate::testkit) async fn status_allocation<St: StatusListStore>(store: &St) {
    let check = "status_allocation";
    let lists = store.status_lists().await;
    let lists = lists.unwrap_or_else(|e| panic!("status_lists failed: {e}"));
    assert!(lists.is_empty(), "conformance check {check:?}: no list yet");
    assert_eq!(version(store, 1).await, None, "conformance check {check:?}");
    let missing = store.status_list(1).await;
    let missing = missing.unwrap_or_else(|e| panic!("status_list failed: {e}"));
    assert_eq!(missing, None, "conformance check {check:?}: no list 1 yet");
    for capacity in [0, 7, 12, (1 << 24) + 8] {
        let refused = store.allocate_status(&allocation("x", "s", capacity)).await;
        assert!(
            refused.is_err(),
            "conformance check {check:?}: capacity {capacity} refused"
        );
    }
    assert!(
        store
            .status_lists()
            .await
            .map(|l| l.is_empty())
            .unwrap_or(false),
        "conformance check {check:?}: a refused allocation opens no list"
    );

    let mut slots = HashSet::new();
    for n in 0..40 {
        let jti = format!("small{n}");
        let slot = allocate(store, &allocation(&jti, "s", 8)).await;
        assert!(
            slot.idx < 8 && slots.insert(slot),
            "conformance check {check:?}: {slot:?} is new and in range"
        );
    }
    let lists = store.status_lists().await;
    let lists = lists.unwrap_or_else(|e| panic!("status_lists failed: {e}"));
    let newest = *lists.last().expect("lists were opened");
    assert!(
        newest >= 5 && lists == (1..=newest).collect::<Vec<_>>(),
        "conformance check {check:?}: 40 slots of 8 fill lists 1 to {newest}: {lists:?}"
    );
    for n in 1..=newest {
        let state = list(check, store, n).await;
        assert!(
            state.capacity == 8 && state.invalid.is_empty(),
            "conformance check {check:?}: list {n} {state:?}"
        );
    }
    // The newest list keeps its capacity of 8 until it is full.
    let wide = allocate(store, &allocation("wide", "s", 1 << 16)).await;
    let state = list(check, store, wide.list).await;
    assert!(
        (wide.list == newest && state.capacity == 8)
            || (wide.list == newest + 1 && state.capacity == 1 << 16),
        "conformance check {check:?}: {wide:?} in {state:?}"
    );

    let mut random = Vec::new();
    for n in 0..8 {
        let jti = format!("wide{n}");
        random.push(allocate(store, &allocation(&jti, "s", 1 << 16)).await);
    }
    let list_of = random[7].list;
    let idx: Vec<u32> = random
        .iter()
        .filter(|s| s.list == list_of)
        .map(|s| s.idx)
        .collect();
    assert!(
        idx.windows(2).any(|w| w[1] != w[0] + 1),
        "conformance check {check:?}: indices are drawn at random, not counted: {idx:?}"
    );
}

/// Every revocation of the store reaches the statuses, and moves the
/// list's version: a denied `jti`, a subject's cutoff (before or after
/// allocation), the bound token revoked itself, by its grant's cascade
/// (an expired refresh token's too), by reuse of its grant's refresh
/// token, by a subject's revocation with labels; binding a token already
/// revoked; and nothing else.
pub(in crate::testkit) async fn status_follows_revocations<St>(store: &St)
where
    St: StatusListStore + IssuanceStore + RevocationStore + JwtDenyList + SubjectRevocationStore,
{
    let check = "status_follows_revocations";
    let cap = 1 << 12;
    let untouched = allocate(store, &allocation("j0", "alice", cap)).await;

    // A denied jti.
    let denied = allocate(store, &allocation("j1", "alice", cap)).await;
    assert!(
        !invalid(check, store, denied).await,
        "conformance check {check:?}: new is VALID"
    );
    let j1 = JwtRecord {
        issuer: ISSUER,
        jti: "j1",
        subject: "alice",
        issued_at: 1_000,
    };
    let before = now_at(check, store, denied).await;
    assert!(store
        .deny_jwt(&j1, FAR)
        .await
        .unwrap_or_else(|e| panic!("deny_jwt failed: {e}")));
    ended(check, store, denied, before, "a denied jti").await;

    // A subject's cutoff: short of the token's iat, then reaching it.
    let bob = allocate(store, &allocation("j2", "bob", cap)).await;
    let cutoff = |subject: &'static str, at: u64| async move {
        let done = store.deny_subject_jwts(ISSUER, subject, at).await;
        done.unwrap_or_else(|e| panic!("deny_subject_jwts failed: {e}"));
    };
    cutoff("bob", 999).await;
    assert!(
        !invalid(check, store, bob).await,
        "conformance check {check:?}: cutoff before iat"
    );
    let before = now_at(check, store, bob).await;
    cutoff("bob", 1_000).await;
    ended(check, store, bob, before, "a cutoff at iat").await;
    cutoff("frank", 5_000).await;
    let mut late = allocation("j3", "frank", cap);
    late.issued_at = 4_000;
    let covered = allocate(store, &late).await;
    assert!(
        invalid(check, store, covered).await,
        "conformance check {check:?}: an earlier cutoff"
    );
    late.issued_at = 6_000;
    late.jti = "j4";
    let fresh = allocate(store, &late).await;
    assert!(
        !invalid(check, store, fresh).await,
        "conformance check {check:?}: a later iat"
    );

    // The bound token: revoked itself.
    let own = allocate(store, &allocation("j5", "carol", cap)).await;
    record(check, store, access("SJ5").with_subject("carol")).await;
    assert!(
        bind(store, own, "SJ5").await,
        "conformance check {check:?}: first binding"
    );
    assert!(
        !bind(store, own, "SJ5").await,
        "conformance check {check:?}: bound once"
    );
    assert!(
        !invalid(check, store, own).await,
        "conformance check {check:?}: bound, live"
    );
    let before = now_at(check, store, own).await;
    revoke(store, &app1(), "SJ5").await;
    ended(check, store, own, before, "revoking the token").await;

    // By its grant's cascade (G2's refresh token RT2).
    let cascade = allocate(store, &allocation("j6", "carol", cap)).await;
    record(check, store, access("SJ6").with_grant_id("G2")).await;
    assert!(
        bind(store, cascade, "SJ6").await,
        "conformance check {check:?}: binding"
    );
    let before = now_at(check, store, cascade).await;
    revoke(store, &app1(), "RT2").await;
    ended(check, store, cascade, before, "a grant cascade").await;

    // By the cascade of an expired refresh token (G3's XRT), answered
    // `NotFound` (RFC 7009 §2.1).
    let expired = allocate(store, &allocation("j11", "carol", cap)).await;
    record(check, store, access("SJ11").with_grant_id("G3")).await;
    assert!(
        bind(store, expired, "SJ11").await,
        "conformance check {check:?}: binding"
    );
    let before = now_at(check, store, expired).await;
    revoke(store, &app1(), "XRT").await;
    ended(
        check,
        store,
        expired,
        before,
        "an expired refresh token's cascade",
    )
    .await;

    // By reuse of its grant's refresh token (G1's RT1).
    let reused = allocate(store, &allocation("j7", "carol", cap)).await;
    record(check, store, access("SJ7").with_grant_id("G1")).await;
    assert!(
        bind(store, reused, "SJ7").await,
        "conformance check {check:?}: binding"
    );
    let rotate = |presented: &'static str| async move {
        let app1_id = ClientId::new("app1").expect("a valid id");
        let rotation = Rotation::new(
            Token::new(presented).expect("a non-empty token"),
            TokenEntry::new(Token::generate(), TokenKind::RefreshToken, app1_id.clone()),
            Some(TokenEntry::new(
                Token::generate(),
                TokenKind::AccessToken,
                app1_id,
            )),
        );
        let outcome = store.rotate_refresh_token(&app1(), &rotation).await;
        outcome.unwrap_or_else(|e| panic!("rotate_refresh_token failed: {e}"))
    };
    assert_eq!(
        rotate("RT1").await,
        RotationOutcome::Rotated,
        "conformance check {check:?}"
    );
    assert!(
        !invalid(check, store, reused).await,
        "conformance check {check:?}: rotated"
    );
    let before = now_at(check, store, reused).await;
    assert!(
        matches!(rotate("RT1").await, RotationOutcome::Reused { .. }),
        "conformance check {check:?}: reuse"
    );
    ended(
        check,
        store,
        reused,
        before,
        "reuse of the grant's refresh token",
    )
    .await;

    // Bound once its token is revoked already: INVALID at once.
    let late_bind = allocate(store, &allocation("j8", "carol", cap)).await;
    record(check, store, access("SJ8")).await;
    revoke(store, &app1(), "SJ8").await;
    let before = now_at(check, store, late_bind).await;
    assert!(
        bind(store, late_bind, "SJ8").await,
        "conformance check {check:?}: binding"
    );
    ended(check, store, late_bind, before, "binding a revoked token").await;

    // By a subject's revocation with labels.
    let labelled = allocate(store, &allocation("j10", "erin", cap)).await;
    record(
        check,
        store,
        access("SJ10")
            .with_subject("erin")
            .with_label("provider", "github"),
    )
    .await;
    assert!(
        bind(store, labelled, "SJ10").await,
        "conformance check {check:?}: binding"
    );
    let before = now_at(check, store, labelled).await;
    let revoked = store
        .revoke_subject_tokens("erin", &[("provider", "github")])
        .await;
    revoked.unwrap_or_else(|e| panic!("revoke_subject_tokens failed: {e}"));
    ended(
        check,
        store,
        labelled,
        before,
        "a subject's revocation by labels",
    )
    .await;

    // A slot never allocated cannot be bound; nothing else changed.
    let nowhere = StatusSlot { list: 999, idx: 0 };
    assert!(
        !bind(store, nowhere, "SJ10").await,
        "conformance check {check:?}: unknown slot"
    );
    assert!(
        !invalid(check, store, untouched).await,
        "conformance check {check:?}: untouched"
    );
    assert!(
        !invalid(check, store, fresh).await,
        "conformance check {check:?}: untouched"
    );
}

/// Concurrent allocations, on one store, get distinct slots.
pub(in crate::testkit) async fn concurrent_status_allocations<St: StatusListStore>(store: Arc<St>) {
    let check = "concurrent_status_allocations";
    let tasks: Vec<_> = (0..32)
        .map(|task| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let mut slots = Vec::new();
                for n in 0..4 {
                    let jti = format!("c{task}-{n}");
                    slots.push(allocate(&*store, &allocation(&jti, "s", 64)).await);
                }
                slots
            })
        })
        .collect();
    let mut all = HashSet::new();
    for task in tasks {
        for slot in task.await.expect("an allocation task panicked") {
            assert!(
                slot.idx < 64 && all.insert(slot),
                "conformance check {check:?}: {slot:?} allocated twice"
            );
        }
    }
    assert_eq!(all.len(), 128, "conformance check {check:?}");
}
