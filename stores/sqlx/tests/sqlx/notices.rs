//! PostgreSQL revocation notices: sent by the revoking statement with the
//! digests of every token it ended, received by a `RevocationListener` on
//! another connection, which flushes its cache on every (re)connection and
//! reconnects by itself when its backend is terminated.
#![cfg(feature = "postgres")]

use crate::support;

use std::collections::BTreeSet;
use std::time::Duration;
use support::postgres::TestSchema;
use support::scenarios::{is_active, revoke};
use support::{postgres_url, unique_name};
use tower_revoke::store::Seed;
use tower_revoke::{IssuanceStore, RevocationOutcome, SubjectRevocationStore};
use tower_revoke_sqlx::{PostgresStore, RevocationListener};
use tower_revoke_test_support::notices::{Event, Recorder};
use tower_revoke_test_support::store::{cascade, digest, SEED};

const WAIT: Duration = Duration::from_secs(10);

/// `bob`'s access tokens `BT1` and `BT2` of client `app1`, outside any
/// grant.
const BOB: &str = r#"{
  "clients": [{"client_id": "app1"}],
  "tokens": [
    {"token": "BT1", "type": "access_token", "client_id": "app1", "subject": "bob"},
    {"token": "BT2", "type": "access_token", "client_id": "app1", "subject": "bob"}
  ]
}"#;

/// A store in a fresh schema, seeded with test-support's seed (grant `G1`
/// of `app1`: `AT1`, `RT1`) and [`BOB`], on a channel of its own (notices
/// are per database, so each test needs its own channel), and a listener
/// on a connection of its own feeding a recorder, connected.
async fn listening(
    url: &str,
) -> (
    PostgresStore,
    TestSchema,
    Recorder,
    tokio::task::JoinHandle<()>,
) {
    let schema = TestSchema::create(url, 4).await;
    let store = PostgresStore::new(schema.pool.clone()).channel(unique_name("n"));
    store.migrate().await.unwrap();
    store.seed(&Seed::from_json(SEED).unwrap()).await.unwrap();
    store.seed(&Seed::from_json(BOB).unwrap()).await.unwrap();
    let recorder = Recorder::default();
    let listener = RevocationListener::connect_lazy(url, recorder.clone())
        .unwrap()
        .channel(store.get_channel())
        .backoff(Duration::from_millis(50), Duration::from_millis(200))
        // No ping in the test: the backend's last query stays the LISTEN.
        .ping_interval(Duration::from_secs(3600));
    let task = tokio::spawn(listener.run());
    recorder
        .wait("the first flush", WAIT, |r| r.flushes() == 1)
        .await;
    (store, schema, recorder, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revocations_notify_every_token_they_ended() {
    let Some(url) = postgres_url("revocations_notify_every_token_they_ended") else {
        return;
    };
    let (store, _schema, recorder, listener) = listening(&url).await;

    // Refused and unknown revocations send nothing; notices arrive in
    // commit order, so the next event is AT1's.
    assert_eq!(revoke(&store, "nope").await, RevocationOutcome::NotFound);
    assert!(matches!(
        revoke(&store, "AT1").await,
        RevocationOutcome::Revoked { .. }
    ));
    recorder.wait("AT1", WAIT, |r| r.events().len() == 2).await;
    assert_eq!(recorder.events()[1], Event::Some(vec![digest("AT1")]));

    // A refresh token ends its grant: RT1 (AT1 was already revoked).
    revoke(&store, "RT1").await;
    let mut expected: BTreeSet<_> = [digest("AT1"), digest("RT1")].into();
    recorder
        .wait("RT1", WAIT, |r| r.digests() == expected)
        .await;

    // A cascade of 250 tokens arrives in messages of at most 120 digests.
    store.seed(&cascade("G2", 250)).await.unwrap();
    let outcome = revoke(&store, "R").await;
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { cascaded: 250, .. }),
        "{outcome:?}"
    );
    expected.insert(digest("R"));
    expected.extend((0..250).map(|i| digest(&format!("A{i}"))));
    recorder
        .wait("the cascade of G2", WAIT, |r| r.digests() == expected)
        .await;
    let sizes: Vec<usize> = recorder.events()[3..]
        .iter()
        .map(|e| match e {
            Event::Some(digests) => digests.len(),
            Event::All => panic!("an unexpected flush"),
        })
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 251);
    assert_eq!(sizes.len(), 3, "{sizes:?}");
    assert!(sizes.iter().all(|n| *n <= 120), "{sizes:?}");

    // Bulk revocation is announced too.
    assert_eq!(store.revoke_subject_tokens("bob", &[]).await.unwrap(), 2);
    expected.extend([digest("BT1"), digest("BT2")]);
    recorder
        .wait("bob's tokens", WAIT, |r| r.digests() == expected)
        .await;
    assert_eq!(recorder.flushes(), 1, "no reconnection happened");
    listener.abort();
}

/// Revocations that commit together (the group commit) send their notices
/// together: one notification for the batch, not one per revocation.
/// `T0` and `T1` take the store's two writers and wait behind a lock on
/// the tokens table; `T2` to `T9` queue meanwhile and, once the lock is
/// released, run as two batches (each writer takes its share of what
/// waits): two notices for those eight revocations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_revocations_sends_its_notices_together() {
    let Some(url) = postgres_url("a_batch_of_revocations_sends_its_notices_together") else {
        return;
    };
    let (store, schema, recorder, listener) = listening(&url).await;
    let tokens: Vec<String> = (0..10).map(|i| format!("T{i}")).collect();
    let entries: Vec<String> = tokens
        .iter()
        .map(|t| format!(r#"{{"token": "{t}", "type": "access_token", "client_id": "app1"}}"#))
        .collect();
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{}]}}"#,
        entries.join(",")
    );
    store.seed(&Seed::from_json(&json).unwrap()).await.unwrap();

    let mut blocker = schema.pool.begin().await.unwrap();
    sqlx::query("LOCK TABLE tower_revoke_tokens IN SHARE MODE")
        .execute(&mut *blocker)
        .await
        .unwrap();
    let mut revokers = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let (store, token) = (store.clone(), token.clone());
        revokers.push(tokio::spawn(async move { revoke(&store, &token).await }));
        let pause = if i < 2 { 100 } else { 5 };
        tokio::time::sleep(Duration::from_millis(pause)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    blocker.commit().await.unwrap();
    for revoker in revokers {
        assert!(matches!(
            revoker.await.unwrap(),
            RevocationOutcome::Revoked { .. }
        ));
    }

    let all: BTreeSet<_> = tokens.iter().map(|t| digest(t)).collect();
    recorder
        .wait("T0 to T9", WAIT, |r| r.digests() == all)
        .await;
    let notices: Vec<BTreeSet<_>> = recorder.events()[1..]
        .iter()
        .map(|e| match e {
            Event::Some(digests) => digests.iter().copied().collect(),
            Event::All => panic!("an unexpected flush"),
        })
        .collect();
    let alone: [BTreeSet<_>; 2] = [[digest("T0")].into(), [digest("T1")].into()];
    let (singles, batches): (Vec<_>, Vec<_>) = notices.into_iter().partition(|n| alone.contains(n));
    assert_eq!(singles.len(), 2, "one notice for T0, one for T1");
    assert_eq!(
        batches.len(),
        2,
        "one notice per batch of T2 to T9: {batches:?}"
    );
    let queued: BTreeSet<_> = tokens[2..].iter().map(|t| digest(t)).collect();
    let joined: BTreeSet<_> = batches.iter().flatten().copied().collect();
    assert_eq!(joined, queued);
    assert_eq!(
        batches.iter().map(BTreeSet::len).sum::<usize>(),
        8,
        "none twice"
    );
    listener.abort();
}

/// A notice is delivered only after its transaction committed: when it
/// arrives, every other connection already sees the token revoked. Checked
/// for each of many concurrent revocations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_arrives_only_once_the_revocation_is_visible() {
    let Some(url) = postgres_url("a_notice_arrives_only_once_the_revocation_is_visible") else {
        return;
    };
    let schema = TestSchema::create(&url, 8).await;
    let store = PostgresStore::new(schema.pool.clone()).channel(unique_name("n"));
    store.migrate().await.unwrap();
    let tokens: Vec<String> = (0..64)
        .map(|i| format!(r#"{{"token": "T{i}", "type": "access_token", "client_id": "app1"}}"#))
        .collect();
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{}]}}"#,
        tokens.join(",")
    );
    store.seed(&Seed::from_json(&json).unwrap()).await.unwrap();

    // A listener of our own, to act on each notice as it arrives.
    let mut listener = sqlx::postgres::PgListener::connect(&url).await.unwrap();
    listener.listen(store.get_channel()).await.unwrap();
    let revokers: Vec<_> = (0..64)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move { revoke(&store, &format!("T{i}")).await })
        })
        .collect();
    let by_digest: std::collections::HashMap<_, _> = (0..64)
        .map(|i| (digest(&format!("T{i}")), format!("T{i}")))
        .collect();
    let mut seen = 0;
    while seen < 64 {
        let notice = tokio::time::timeout(WAIT, listener.recv())
            .await
            .unwrap()
            .unwrap();
        let notice = tower_revoke::store::RevocationNotice::parse(notice.payload()).unwrap();
        for digest in notice.digests() {
            let token = &by_digest[digest];
            assert!(
                !is_active(&store, token).await,
                "{token} is notified, so committed"
            );
            seen += 1;
        }
    }
    for revoker in revokers {
        assert!(matches!(
            revoker.await.unwrap(),
            RevocationOutcome::Revoked { .. }
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listener_reconnects_and_flushes_after_its_backend_is_terminated() {
    let test = "listener_reconnects_and_flushes_after_its_backend_is_terminated";
    let Some(url) = postgres_url(test) else {
        return;
    };
    let (store, _schema, recorder, listener) = listening(&url).await;
    let listen = format!(r#"LISTEN "{}""#, store.get_channel());
    let terminated: Vec<bool> = sqlx::query_scalar(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1",
    )
    .bind(&listen)
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(terminated, [true], "the listener's backend");

    // It notices, reconnects by itself, and flushes: notices sent while it
    // was away are lost, so the cache must forget everything.
    recorder
        .wait("the flush after reconnecting", WAIT, |r| r.flushes() == 2)
        .await;
    revoke(&store, "AT1").await;
    recorder
        .wait("AT1", WAIT, |r| r.digests() == [digest("AT1")].into())
        .await;

    // A notice that is not one flushes too.
    sqlx::query("SELECT pg_notify($1, 'not a notice')")
        .bind(store.get_channel())
        .execute(store.pool())
        .await
        .unwrap();
    recorder
        .wait("a flush for garbage", WAIT, |r| r.flushes() == 3)
        .await;
    listener.abort();
}
