//! PostgreSQL's locks for status lists, each interleaving made to happen:
//! one side (a revocation, a cutoff, an allocation) is written in a
//! transaction held open on a connection of its own while the store runs
//! the other side, which must wait for that commit and then see it, so
//! that the status ends INVALID whichever side came first. Without the
//! locks the store's side would finish at once, before the commit, and
//! neither side would see the other. (SQLite has one writer at a time:
//! nothing to show there.)
#![cfg(feature = "postgres")]

use crate::support::postgres::TestSchema;
use crate::support::postgres_url;
use sqlx::postgres::PgArguments;
use sqlx::{Postgres, Transaction};
use std::future::Future;
use std::time::Duration;
use tower_revoke::request::Token;
use tower_revoke::store::{StatusAllocation, StatusSlot};
use tower_revoke::{testkit, IssuanceStore, JwtDenyList, StatusListStore};
use tower_revoke_sqlx::PostgresStore;
use tower_revoke_test_support::store::digest;

const ISSUER: &str = "https://as.example";
/// 2100-01-01T00:00:00Z.
const FAR: u64 = 4_102_444_800;

type Query = sqlx::query::Query<'static, Postgres, PgArguments>;

/// A migrated store with the kit's seed, in a fresh schema.
async fn store(test: &str) -> Option<(PostgresStore, TestSchema)> {
    let url = postgres_url(test)?;
    let schema = TestSchema::create(&url, 4).await;
    let store = PostgresStore::new(schema.pool.clone());
    store.migrate().await.expect("migrate");
    store.seed(&testkit::seed()).await.expect("seed");
    Some((store, schema))
}

fn allocation<'a>(jti: &'a str, subject: &'a str) -> StatusAllocation<'a> {
    StatusAllocation {
        issuer: ISSUER,
        jti,
        subject,
        issued_at: 1_000,
        expires_at: FAR,
        capacity: 1 << 10,
    }
}

async fn allocate(store: &PostgresStore, jti: &str, subject: &str) -> StatusSlot {
    let slot = store.allocate_status(&allocation(jti, subject)).await;
    slot.expect("allocate")
}

/// Runs `held` in a transaction of its own, then `other` on the store,
/// which must still be waiting 300 ms later; commits `held`, and returns
/// what `other` answers.
async fn while_held<T: Send + 'static>(
    schema: &TestSchema,
    held: Query,
    other: impl Future<Output = T> + Send + 'static,
) -> T {
    let mut tx: Transaction<'_, Postgres> = schema.pool.begin().await.unwrap();
    held.execute(&mut *tx).await.expect("the held write");
    let other = tokio::spawn(other);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!other.is_finished(), "the store waits for the held write");
    tx.commit().await.unwrap();
    other.await.expect("the store's side panicked")
}

async fn invalid(store: &PostgresStore, slot: StatusSlot) -> bool {
    let state = store.status_list(slot.list).await.unwrap().unwrap();
    state.invalid.binary_search(&slot.idx).is_ok()
}

/// A binding waits for a revocation of its token in flight, then binds a
/// revoked token: INVALID. The same for a revocation of its grant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_binding_waits_for_a_revocation_in_flight() {
    let Some((store, schema)) = store("a_binding_waits_for_a_revocation_in_flight").await else {
        return;
    };
    let revoke_token =
        sqlx::query("UPDATE tower_revoke_tokens SET revoked_at = 1 WHERE digest = $1")
            .bind(digest("AT1").as_bytes().to_vec());
    let revoke_grant = sqlx::query(
        "UPDATE tower_revoke_grants SET revoked_at = 1 WHERE client_id = 'app1' AND grant_id = 'G2'",
    );
    for (held, token) in [(revoke_token, "AT1"), (revoke_grant, "AT2")] {
        let slot = allocate(&store, token, "x").await;
        let binding = store.clone();
        let bound = while_held(&schema, held, async move {
            let token = Token::new(token).unwrap();
            binding.bind_status(slot, &token).await.expect("bind")
        })
        .await;
        assert!(bound, "{token}");
        assert!(invalid(&store, slot).await, "{token}: bound revoked");
    }
}

/// An allocation waits for a cutoff of its subject in flight, then starts
/// INVALID.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_allocation_waits_for_a_cutoff_in_flight() {
    let Some((store, schema)) = store("an_allocation_waits_for_a_cutoff_in_flight").await else {
        return;
    };
    let cutoff = sqlx::query(
        "INSERT INTO tower_revoke_subject_cutoffs (issuer, subject, revoked_through)
         VALUES ($1, 'zed', 1000)",
    )
    .bind(ISSUER);
    let allocating = store.clone();
    let slot = while_held(&schema, cutoff, async move {
        allocate(&allocating, "j", "zed").await
    })
    .await;
    assert!(invalid(&store, slot).await, "covered by the cutoff");
}

/// A cutoff waits for an allocation of its subject in flight, then makes
/// it INVALID with the list's version.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cutoff_waits_for_an_allocation_in_flight() {
    let Some((store, schema)) = store("a_cutoff_waits_for_an_allocation_in_flight").await else {
        return;
    };
    let opened = allocate(&store, "first", "x").await;
    let slot = StatusSlot {
        list: opened.list,
        idx: (opened.idx + 1) % (1 << 10),
    };
    let version = store.status_list_version(slot.list).await.unwrap();
    let allocation = sqlx::query(
        "INSERT INTO tower_revoke_status_slots
             (list_id, idx, issuer, jti, subject, issued_at, expires_at)
         VALUES ($1, $2, $3, 'held', 'zed', 1000, 4102444800)",
    )
    .bind(slot.list as i64)
    .bind(i64::from(slot.idx))
    .bind(ISSUER);
    let cutting = store.clone();
    while_held(&schema, allocation, async move {
        let cut = cutting.deny_subject_jwts(ISSUER, "zed", 1_000).await;
        cut.expect("deny subject jwts");
    })
    .await;
    assert!(invalid(&store, slot).await, "the cutoff saw the allocation");
    let now = store.status_list_version(slot.list).await.unwrap();
    assert!(now > version, "the version moved: {version:?} to {now:?}");
}

/// A cutoff covering two slots, while a transaction holds one of them
/// INVALID and is about to make the other INVALID too: the cutoff waits
/// for the lock every such write takes before it locks a slot, instead
/// of locking the other slot first, which would be a deadlock (and one
/// of the two would fail).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidations_follow_each_other_without_deadlock() {
    let test = "invalidations_follow_each_other_without_deadlock";
    let Some((store, schema)) = store(test).await else {
        return;
    };
    let first = allocate(&store, "ja", "dee").await;
    let second = allocate(&store, "jb", "dee").await;
    for (slot, token) in [(first, "AT2"), (second, "XAT")] {
        let token = Token::new(token).unwrap();
        assert!(store.bind_status(slot, &token).await.unwrap());
    }
    let revoke = |token: &str| {
        sqlx::query("UPDATE tower_revoke_tokens SET revoked_at = 1 WHERE digest = $1")
            .bind(digest(token).as_bytes().to_vec())
    };
    let mut tx = schema.pool.begin().await.unwrap();
    revoke("XAT")
        .execute(&mut *tx)
        .await
        .expect("the held revocation");
    let cutting = store.clone();
    let cutoff = tokio::spawn(async move { cutting.deny_subject_jwts(ISSUER, "dee", 1_000).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(!cutoff.is_finished(), "the cutoff waits");
    let then = revoke("AT2").execute(&mut *tx).await;
    then.expect("the held transaction's second revocation");
    tx.commit().await.unwrap();
    cutoff.await.unwrap().expect("the cutoff");
    assert!(invalid(&store, first).await && invalid(&store, second).await);
}
