//! A database that cannot answer makes every method return `Err`, quickly,
//! with a message that holds no token or secret: never a made-up outcome.
//! None of these tests needs a running server.

use crate::support;

use std::time::{Duration, Instant};
use support::scenarios::app1;
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    ExpiredDeletion, IntrospectionStore, IssuanceStore, RevocationStore, StoreError,
    SubjectRevocationStore,
};

const TOKEN: &str = "tok-raw-value-4711";
const SECRET: &str = "secret-raw-value-0815";

/// Calls every trait method; each must fail within `limit`, and its
/// message must not quote the token or the secret.
async fn every_call_fails<St>(store: &St, limit: Duration) -> Vec<String>
where
    St: RevocationStore + IntrospectionStore + SubjectRevocationStore,
{
    let token = Token::new(TOKEN).unwrap();
    let credentials = ClientCredentials::new(
        ClientId::new("app1").unwrap(),
        Some(ClientSecret::new(SECRET).unwrap()),
        ClientAuthMethod::ClientSecretBasic,
    );
    let request = RevocationRequest::new(token.clone(), None);
    let mut messages = Vec::new();
    let mut check = |what: &str, started: Instant, error: Option<StoreError>| {
        let error = error.unwrap_or_else(|| panic!("{what} must fail"));
        assert!(
            started.elapsed() < limit,
            "{what} took {:?}",
            started.elapsed()
        );
        let message = format!("{error} {error:?}");
        assert!(
            !message.contains(TOKEN) && !message.contains(SECRET),
            "{message}"
        );
        messages.push(format!("{what}: {error}"));
    };
    let t = Instant::now();
    check(
        "authenticate_client",
        t,
        store.authenticate_client(&credentials).await.err(),
    );
    let t = Instant::now();
    check("revoke", t, store.revoke(&app1(), &request).await.err());
    let t = Instant::now();
    check("introspect", t, store.introspect(&token).await.err());
    let t = Instant::now();
    check(
        "revoke_subject_tokens",
        t,
        store.revoke_subject_tokens("alice", &[]).await.err(),
    );
    messages
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_down_fails_every_call_within_the_acquire_timeout() {
    use sqlx::postgres::PgPoolOptions;
    use tower_revoke_sqlx::PostgresStore;

    // A port that nothing listens on.
    let url = format!(
        "postgres://postgres@127.0.0.1:{}/tower_revoke",
        tower_revoke_test_support::services::free_port()
    );
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_secs(1))
        .connect_lazy(&url)
        .unwrap();
    let store = PostgresStore::new(pool);
    let messages = every_call_fails(&store, Duration::from_secs(3)).await;
    eprintln!("{messages:#?}");
    assert!(store.migrate().await.is_err());
    assert!(store.seed(&tower_revoke::testkit::seed()).await.is_err());
    assert!(store.delete_expired(10).await.is_err());
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_file_that_cannot_be_opened_is_an_error() {
    use tower_revoke_sqlx::SqliteStore;

    let missing = std::env::temp_dir().join(support::unique_name("no-such-dir"));
    let error = SqliteStore::open(missing.join("store.db"))
        .await
        .unwrap_err();
    assert!(error.to_string().starts_with("open: "), "{error}");
}

/// Tables that are missing (no `migrate()`) are an error, not "unknown
/// token".
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_without_tables_is_an_error_not_an_outcome() {
    use tower_revoke_sqlx::SqliteStore;

    let file = support::sqlite::TestFile::new();
    let store = SqliteStore::new(file.pool(1).await);
    let messages = every_call_fails(&store, Duration::from_secs(5)).await;
    assert!(
        messages.iter().all(|m| m.contains("no such table")),
        "{messages:#?}"
    );
}
