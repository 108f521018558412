//! `IssuanceStore` on the durable stores beyond the conformance kit: what
//! one handle records another sees, rotations survive reopening a file,
//! successors take the presented token's subject on the grace path too,
//! reuse sends PostgreSQL's revocation notices, recordings racing a
//! revocation never revive its grant, and a database migrated before
//! rotation, scopes and client keys existed is upgraded in place.

use crate::support::scenarios::{app1, is_active, revoke, Durable};
use std::future::Future;
use std::time::Duration;
use tower_revoke::client::{ClientId, ClientSecret};
use tower_revoke::request::Token;
use tower_revoke::store::{
    ClientEntry, Recording, Registration, Rotation, RotationOutcome, TokenEntry,
};
use tower_revoke::{
    testkit, ActiveToken, IntrospectionStore, IssuanceStore, RevocationOutcome, TokenKind,
};

fn entry(token: &str, kind: TokenKind, grant: Option<&str>) -> TokenEntry {
    let client = ClientId::new("app1").unwrap();
    let entry = TokenEntry::new(Token::new(token).unwrap(), kind, client);
    match grant {
        Some(grant) => entry.with_grant_id(grant),
        None => entry,
    }
}

async fn register(store: &impl IssuanceStore) {
    let secret = Some(ClientSecret::new("s3cr3t").unwrap());
    let client = ClientEntry::new(ClientId::new("app1").unwrap(), secret);
    let registered = store.register_client(&client).await.unwrap();
    assert_eq!(registered, Registration::Registered);
}

async fn record(store: &impl IssuanceStore, token: &str, kind: TokenKind, grant: Option<&str>) {
    let recorded = store.record_token(&entry(token, kind, grant)).await;
    assert_eq!(recorded.unwrap(), Recording::Recorded, "{token}");
}

/// A rotation of `presented` to the refresh token `next` and the access
/// token `access`.
async fn rotate(
    store: &impl IssuanceStore,
    presented: &str,
    next: &str,
    access: &str,
) -> RotationOutcome {
    let rotation = Rotation::new(
        Token::new(presented).unwrap(),
        entry(next, TokenKind::RefreshToken, None),
        Some(entry(access, TokenKind::AccessToken, None)),
    );
    store
        .rotate_refresh_token(&app1(), &rotation)
        .await
        .unwrap()
}

/// `first` and `second` are two handles on one database (two pools, or a
/// file opened again), `reopen` the second's making: what `first` records
/// and rotates, `second` sees, rotates further, and detects reuse of.
async fn handles_share_rotations<S, F, Fut>(first: S, reopen: F)
where
    S: IssuanceStore + IntrospectionStore + tower_revoke::RevocationStore,
    F: FnOnce(S) -> Fut,
    Fut: Future<Output = S>,
{
    register(&first).await;
    record(&first, "RT1", TokenKind::RefreshToken, None).await;
    record(&first, "AT0", TokenKind::AccessToken, Some("G0")).await;
    record(&first, "RT0", TokenKind::RefreshToken, Some("G0")).await;
    assert_eq!(
        rotate(&first, "RT1", "RT2", "AT2").await,
        RotationOutcome::Rotated
    );
    let second = reopen(first).await;
    assert!(is_active(&second, "RT2").await, "the successor is stored");
    assert!(is_active(&second, "AT2").await);
    assert!(!is_active(&second, "RT1").await, "RT1 stays rotated");
    let revoked = revoke(&second, "RT0").await;
    assert!(
        matches!(revoked, RevocationOutcome::Revoked { cascaded: 1, .. }),
        "{revoked:?}"
    );
    assert!(!is_active(&second, "AT0").await, "AT0 ended with its grant");
    assert_eq!(
        rotate(&second, "RT2", "RT3", "AT3").await,
        RotationOutcome::Rotated
    );
    let reused = rotate(&second, "RT1", "RT4", "AT4").await;
    assert_eq!(
        reused,
        RotationOutcome::Reused { revoked: 5 },
        "RT1 itself and its grant's RT2, AT2, RT3, AT3"
    );
    for token in ["RT1", "RT2", "AT2", "RT3", "AT3", "RT4", "AT4"] {
        assert!(!is_active(&second, token).await, "{token}");
    }
}

/// The `fact` (`ActiveToken::sub`, `ActiveToken::scope`) `token`
/// introspects with.
async fn fact_of(
    store: &impl IntrospectionStore,
    token: &str,
    fact: fn(&ActiveToken) -> Option<&str>,
) -> Option<String> {
    let facts = store.introspect(&Token::new(token).unwrap()).await.unwrap();
    facts.and_then(|facts| fact(&facts).map(str::to_owned))
}

/// The subject `token` introspects with.
async fn subject_of(store: &impl IntrospectionStore, token: &str) -> Option<String> {
    fact_of(store, token, ActiveToken::sub).await
}

/// Successors sent without a subject take the presented token's, on the
/// first rotation and on a presentation again within the grace period; one
/// sent with a subject keeps its own. Revoking the subject's tokens in bulk
/// then reaches the successors that took it.
async fn successors_take_the_subject(store: impl Durable) {
    register(&store).await;
    let alice = entry("RT1", TokenKind::RefreshToken, None).with_subject("alice");
    let recorded = store.record_token(&alice).await.unwrap();
    assert_eq!(recorded, Recording::Recorded);
    let grace = Duration::from_secs(3600);
    let first = Rotation::new(
        Token::new("RT1").unwrap(),
        entry("RT2", TokenKind::RefreshToken, None),
        Some(entry("AT2", TokenKind::AccessToken, None)),
    );
    let first = first.with_grace(grace);
    let rotated = store.rotate_refresh_token(&app1(), &first).await;
    assert_eq!(rotated.unwrap(), RotationOutcome::Rotated);
    let retry = Rotation::new(
        Token::new("RT1").unwrap(),
        entry("RT3", TokenKind::RefreshToken, None),
        Some(entry("AT3", TokenKind::AccessToken, None).with_subject("bob")),
    );
    let retry = retry.with_grace(grace);
    let retried = store.rotate_refresh_token(&app1(), &retry).await;
    assert_eq!(retried.unwrap(), RotationOutcome::Rotated, "grace");
    for token in ["RT2", "AT2", "RT3"] {
        let subject = subject_of(&store, token).await;
        assert_eq!(subject.as_deref(), Some("alice"), "{token}");
    }
    let subject = subject_of(&store, "AT3").await;
    assert_eq!(subject.as_deref(), Some("bob"), "AT3 keeps its own");
    let revoked = store.revoke_subject_tokens("alice", &[]).await.unwrap();
    assert_eq!(revoked, 3, "RT2, AT2, RT3 (RT1 was rotated)");
    for token in ["RT2", "AT2", "RT3"] {
        assert!(!is_active(&store, token).await, "{token}");
    }
    assert!(is_active(&store, "AT3").await, "bob's token stays");
}

/// Takes a database migrated up to version 5 (version 6 undone by each
/// database's `undo_version_6`) back to version 2, before rotation
/// (version 3), scopes (version 4) and client keys (version 5).
async fn back_to_version_2<'e, E: sqlx::Executor<'e>>(database: E) {
    let sql = concat!(
        crate::support::undo_version_5!(),
        "ALTER TABLE tower_revoke_tokens DROP COLUMN rotated_at;
        ALTER TABLE tower_revoke_tokens DROP COLUMN scope;
        DELETE FROM tower_revoke_migrations WHERE version >= 3;"
    );
    sqlx::raw_sql(sql).execute(database).await.unwrap();
}

/// `store` gets the kit's seed and `AT1` revoked, then `upgrade` takes it
/// back to version 2 and migrates it again: its tokens and revocations are
/// kept, its refresh tokens rotate, the scopes of tokens recorded since
/// are kept, and its clients keep their types beside new keys-only ones.
async fn upgraded_from_version_2<S, F, Fut>(store: S, upgrade: F)
where
    S: Durable,
    F: FnOnce(S) -> Fut,
    Fut: Future<Output = ()>,
{
    store.seed(&testkit::seed()).await.unwrap();
    revoke(&store, "AT1").await;
    upgrade(store.clone()).await;
    assert!(!is_active(&store, "AT1").await, "AT1 stays revoked");
    assert_eq!(
        rotate(&store, "RT2", "RT9", "AT9").await,
        RotationOutcome::Rotated
    );
    assert!(is_active(&store, "AT2").await && is_active(&store, "RT9").await);
    assert!(!is_active(&store, "RT2").await);
    let scoped = entry("AT8", TokenKind::AccessToken, None).with_scope("read");
    let recorded = store.record_token(&scoped).await.unwrap();
    assert_eq!(recorded, Recording::Recorded);
    let scope = fact_of(&store, "AT8", ActiveToken::scope).await;
    assert_eq!(scope.as_deref(), Some("read"), "the scope is stored");
    crate::support::assertions::keys_after_an_upgrade(&store).await;
}

#[cfg(feature = "sqlite")]
mod sqlite {
    use super::*;
    use crate::support::sqlite::TestFile;
    use tower_revoke_sqlx::SqliteStore;

    /// A rotation's successor survives closing the file and opening it
    /// again, and the rotated token's reuse is still detected.
    #[tokio::test]
    async fn a_rotation_survives_reopening_the_file() {
        let file = TestFile::new();
        let first = SqliteStore::open(file.path()).await.unwrap();
        first.migrate().await.unwrap();
        let path = file.path();
        handles_share_rotations(first, |first| async move {
            first.pool().close().await;
            SqliteStore::open(path).await.expect("open again")
        })
        .await;
    }

    /// Successors without a subject take the presented token's.
    #[tokio::test]
    async fn successors_take_the_presented_subject() {
        let file = TestFile::new();
        let store = SqliteStore::open(file.path()).await.unwrap();
        store.migrate().await.unwrap();
        successors_take_the_subject(store).await;
    }

    /// A file migrated before rotation existed (version 2) gets the
    /// columns, keeps its tokens and revocations, and rotates them.
    #[tokio::test]
    async fn a_version_2_file_is_upgraded_and_rotates() {
        let file = TestFile::new();
        let store = SqliteStore::open(file.path()).await.unwrap();
        store.migrate().await.unwrap();
        upgraded_from_version_2(store, |store| async move {
            crate::support::sqlite::undo_version_6(store.pool()).await;
            back_to_version_2(store.pool()).await;
            store.migrate().await.expect("upgrade");
        })
        .await;
    }
}

#[cfg(feature = "postgres")]
mod postgres {
    use super::*;
    use crate::support::postgres::TestSchema;
    use crate::support::{postgres_url, unique_name};
    use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
    use std::collections::BTreeSet;
    use std::str::FromStr;
    use std::time::Duration;
    use tower_revoke_sqlx::{PostgresStore, RevocationListener};
    use tower_revoke_test_support::notices::Recorder;
    use tower_revoke_test_support::store::digest;

    /// A migrated store in a fresh schema.
    async fn store(url: &str) -> (PostgresStore, TestSchema) {
        let schema = TestSchema::create(url, 4).await;
        let store = PostgresStore::new(schema.pool.clone());
        store.migrate().await.expect("migrate");
        (store, schema)
    }

    /// What one pool records and rotates, a store on another pool (another
    /// instance of the app) revokes, rotates further and detects reuse of.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_one_pool_records_another_revokes() {
        let Some(url) = postgres_url("what_one_pool_records_another_revokes") else {
            return;
        };
        let (first, schema) = store(&url).await;
        handles_share_rotations(first, |_| async {
            let options = PgConnectOptions::from_str(&url).unwrap();
            let pool = PgPoolOptions::new()
                .max_connections(2)
                .connect_with(options.options([("search_path", schema.name())]))
                .await
                .expect("a second pool");
            PostgresStore::new(pool)
        })
        .await;
    }

    /// Reuse ends the grant and tells the guard caches of every instance,
    /// as a revocation does; a rotation tells them that the rotated token
    /// is no longer active.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn reuse_sends_revocation_notices() {
        let Some(url) = postgres_url("reuse_sends_revocation_notices") else {
            return;
        };
        let (store, _schema) = store(&url).await;
        let store = store.channel(unique_name("n"));
        let recorder = Recorder::default();
        let listener = RevocationListener::connect_lazy(&url, recorder.clone())
            .unwrap()
            .channel(store.get_channel());
        let listener = tokio::spawn(listener.run());
        let wait = Duration::from_secs(10);
        recorder
            .wait("the first flush", wait, |r| r.flushes() == 1)
            .await;
        register(&store).await;
        record(&store, "AT1", TokenKind::AccessToken, Some("G1")).await;
        record(&store, "RT1", TokenKind::RefreshToken, Some("G1")).await;
        assert_eq!(
            rotate(&store, "RT1", "RT2", "AT2").await,
            RotationOutcome::Rotated
        );
        let rotated: BTreeSet<_> = [digest("RT1")].into();
        recorder
            .wait("the rotated token", wait, |r| r.digests() == rotated)
            .await;
        let reused = rotate(&store, "RT1", "RT3", "AT3").await;
        assert_eq!(reused, RotationOutcome::Reused { revoked: 4 });
        let ended: BTreeSet<_> = ["RT1", "AT1", "RT2", "AT2"].map(digest).into();
        let notified = |r: &Recorder| r.digests() == ended && r.flushes() == 1;
        recorder.wait("the grant's tokens", wait, notified).await;
        listener.abort();
    }

    /// Tasks record tokens into a grant while its refresh token is revoked:
    /// every token recorded is ended with the grant, and once a task is
    /// refused, the grant stays closed to it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn recordings_racing_a_revocation_never_revive_the_grant() {
        let test = "recordings_racing_a_revocation_never_revive_the_grant";
        let Some(url) = postgres_url(test) else {
            return;
        };
        let (store, _schema) = store(&url).await;
        register(&store).await;
        record(&store, "RT", TokenKind::RefreshToken, Some("G")).await;
        let tasks: Vec<_> = (0..8)
            .map(|task| {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut recorded = Vec::new();
                    let mut refused = false;
                    for i in 0..40 {
                        let token = format!("A{task}-{i}");
                        let entry = entry(&token, TokenKind::AccessToken, Some("G"));
                        match store.record_token(&entry).await.unwrap() {
                            Recording::Recorded if !refused => recorded.push(token),
                            Recording::GrantRevoked => refused = true,
                            other => panic!("{token}: {other:?} (refused before: {refused})"),
                        }
                    }
                    recorded
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(matches!(
            revoke(&store, "RT").await,
            RevocationOutcome::Revoked { .. }
        ));
        let late = entry("late", TokenKind::AccessToken, Some("G"));
        let refused = store.record_token(&late).await.unwrap();
        assert_eq!(refused, Recording::GrantRevoked);
        for task in tasks {
            for token in task.await.unwrap() {
                assert!(!is_active(&store, &token).await, "{token} ended");
            }
        }
    }

    /// Successors without a subject take the presented token's, in `ROTATE`
    /// and in `ROTATE_LOCKED` (the grace path).
    #[tokio::test]
    async fn successors_take_the_presented_subject() {
        let Some(url) = postgres_url("successors_take_the_presented_subject") else {
            return;
        };
        let (store, _schema) = store(&url).await;
        successors_take_the_subject(store).await;
    }

    /// A database migrated before rotation existed (version 2) gets the
    /// columns, keeps its tokens and revocations, and rotates them.
    #[tokio::test]
    async fn a_version_2_database_is_upgraded_and_rotates() {
        let Some(url) = postgres_url("a_version_2_database_is_upgraded_and_rotates") else {
            return;
        };
        let (store, _schema) = store(&url).await;
        upgraded_from_version_2(store, |store| async move {
            crate::support::postgres::undo_version_6(store.pool()).await;
            back_to_version_2(store.pool()).await;
            store.migrate().await.expect("upgrade");
        })
        .await;
    }
}
