//! Revocation notices: published by one store, received by a listener on
//! another connection, with the digests of every token a revocation ended.

use crate::common;
use tower_revoke::IssuanceStore;

use common::Recorder;
use std::collections::BTreeSet;
use std::time::Duration;
use tokio::task::AbortHandle;
use tower_revoke::{RevocationOutcome, SubjectRevocationStore};
use tower_revoke_redis::RedisStore;

const WAIT: Duration = Duration::from_secs(5);

/// A store under a prefix of its own (named after `what`), seeded with
/// the shared seed, and its listener feeding a recorder, which has flushed
/// once (it is connected); `None` when `test` is skipped.
async fn listening(test: &str, what: &str) -> Option<(RedisStore, Recorder, AbortHandle)> {
    let url = common::redis_url(test)?;
    let store = common::store(&url, what).await;
    store.seed(&common::seed(common::SEED)).await.unwrap();
    let recorder = Recorder::default();
    let listener = tokio::spawn(store.listen(recorder.clone())).abort_handle();
    recorder
        .wait("the first flush", WAIT, |r| r.flushes() == 1)
        .await;
    Some((store, recorder, listener))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revocation_reaches_a_listener_on_another_connection() {
    let test = "a_revocation_reaches_a_listener_on_another_connection";
    let Some((store, recorder, listener)) = listening(test, "notices").await else {
        return;
    };

    let outcome = common::revoke(&store, "RT1").await;
    assert!(matches!(
        outcome,
        RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    let grant: BTreeSet<_> = [common::digest("RT1"), common::digest("AT1")].into();
    recorder
        .wait("RT1 and AT1", WAIT, |r| r.digests() == grant)
        .await;

    // A cascade of 250 tokens arrives in messages of at most 120 digests.
    store.seed(&common::cascade("G2", 250)).await.unwrap();
    let outcome = common::revoke(&store, "R").await;
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { cascaded: 250, .. }),
        "{outcome:?}"
    );
    let mut expected = grant.clone();
    expected.insert(common::digest("R"));
    expected.extend((0..250).map(|i| common::digest(&format!("A{i}"))));
    recorder
        .wait("the cascade of G2", WAIT, |r| r.digests() == expected)
        .await;
    let messages = recorder.events().len();
    assert_eq!(messages, 1 + 1 + 3, "one flush, RT1's notice, G2's three");

    // Bulk revocation is announced too.
    let pt = r#"{"clients": [{"client_id": "pub1"}], "tokens": [{"token": "PT1", "type": "access_token", "client_id": "pub1", "subject": "bob"}]}"#;
    store.seed(&common::seed(pt)).await.unwrap();
    assert_eq!(store.revoke_subject_tokens("bob", &[]).await.unwrap(), 1);
    expected.insert(common::digest("PT1"));
    recorder
        .wait("PT1", WAIT, |r| r.digests() == expected)
        .await;
    assert_eq!(recorder.flushes(), 1, "no reconnection happened");

    listener.abort();
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}

#[tokio::test]
async fn nothing_is_published_when_nothing_was_revoked() {
    let test = "nothing_is_published_when_nothing_was_revoked";
    let Some((store, recorder, listener)) = listening(test, "quiet").await else {
        return;
    };
    assert_eq!(
        common::revoke(&store, "nope").await,
        RevocationOutcome::NotFound
    );
    common::revoke(&store, "AT1").await;
    recorder
        .wait("AT1", WAIT, |r| !r.digests().is_empty())
        .await;
    assert_eq!(
        recorder.events(),
        [
            common::Event::All,
            common::Event::Some(vec![common::digest("AT1")])
        ]
    );
    listener.abort();
    let mut conn = store.connection().clone();
    common::clean(&mut conn, store.get_key_prefix()).await;
}
