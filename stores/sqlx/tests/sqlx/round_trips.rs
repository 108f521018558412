//! How many times the store talks to PostgreSQL per request, counted by a
//! TCP proxy between the pool and the server: every read of client bytes
//! is one message batch the client sent and then waited on (a round trip).
//! Revocation and introspection requests are counted as the endpoints
//! make them: a client check, then the store call.
#![cfg(feature = "postgres")]

use crate::support;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::postgres::TestSchema;
use support::scenarios::revoke;
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::{AssertionDigest, AssertionUse};
use tower_revoke::{
    testkit, ClientAssertionStore, IntrospectionStore, IssuanceStore, RevocationOutcome,
    RevocationStore, TokenKind,
};
use tower_revoke_sqlx::PostgresStore;
use tower_revoke_test_support::proxy::counting_proxy;

/// Round trips of `call`: on its own path (until it returns), and in all
/// (once its connection is back in `pool`, after sqlx's release ping).
async fn count<F: std::future::Future>(
    pool: &PgPool,
    sent: &AtomicUsize,
    call: F,
) -> (usize, usize) {
    let before = sent.load(Ordering::SeqCst);
    call.await;
    let on_path = sent.load(Ordering::SeqCst) - before;
    back_in_pool(pool).await;
    (on_path, sent.load(Ordering::SeqCst) - before)
}

/// Waits until every connection of `pool` is idle: sqlx returns a released
/// connection from a task of its own, after a ping, which the proxy has
/// counted by then (it forwarded the ping before the answer came back).
/// Looks every millisecond, for at most 10 s (a bound for a failing test,
/// not a pause that lets the ping happen).
async fn back_in_pool(pool: &PgPool) {
    let started = Instant::now();
    while pool.num_idle() < pool.size() as usize {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the connection is back in the pool"
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

async fn measure(
    url: &str,
    test_before_acquire: bool,
) -> Vec<(&'static str, usize, (usize, usize))> {
    let schema = TestSchema::create(url, 2).await;
    let setup = PostgresStore::new(schema.pool.clone());
    setup.migrate().await.unwrap();
    setup.seed(&testkit::seed()).await.unwrap();

    let options = PgConnectOptions::from_str(url).unwrap();
    let target = (options.get_host().to_owned(), options.get_port());
    let (port, sent) = counting_proxy(target).await;
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(test_before_acquire)
        .connect_with(options.port(port).options([("search_path", schema.name())]))
        .await
        .unwrap();
    let store = PostgresStore::new(pool);
    let credentials = ClientCredentials::new(
        ClientId::new("app1").unwrap(),
        Some(ClientSecret::new("s3cr3t").unwrap()),
        ClientAuthMethod::ClientSecretBasic,
    );
    // Warm up: connect and prepare each statement once (the client's
    // `SELECT` by a store without a client cache, so `store` has read no
    // client yet).
    let uncached = store.clone().client_cache(Duration::ZERO);
    uncached.authenticate_client(&credentials).await.unwrap();
    revoke(&store, "gh1").await;
    store.introspect(&Token::new("AT1").unwrap()).await.unwrap();
    let app1 = ClientId::new("app1").unwrap();
    let until = 4_102_444_800; // 2100-01-01
    let warm = AssertionDigest::of(&app1, "warm-up");
    let first = store.use_assertion(&warm, until).await.unwrap();
    assert_eq!(first, AssertionUse::First);
    store.client_keys(&app1).await.unwrap();
    back_in_pool(store.pool()).await;

    let authenticate = || async {
        let client = store.authenticate_client(&credentials).await.unwrap();
        client.expect("app1 authenticates")
    };
    // The store's first client check reads the row; the next ones are
    // answered by its client cache.
    let first_check = count(store.pool(), &sent, async {
        authenticate().await;
    })
    .await;
    let cached_check = count(store.pool(), &sent, async {
        authenticate().await;
    })
    .await;
    let uncached_check = count(store.pool(), &sent, async {
        let client = uncached.authenticate_client(&credentials).await.unwrap();
        assert!(client.is_some());
    })
    .await;
    // What the endpoints ask of the store per request: the client check,
    // then the revocation or the introspection.
    let revocation_request = count(store.pool(), &sent, async {
        let client = authenticate().await;
        let request = RevocationRequest::new(Token::new("RT3").unwrap(), None);
        let outcome = store.revoke(&client, &request).await.unwrap();
        assert!(matches!(outcome, RevocationOutcome::Revoked { .. }));
    })
    .await;
    let introspection_request = count(store.pool(), &sent, async {
        authenticate().await;
        let found = store.introspect(&Token::new("AT1").unwrap()).await.unwrap();
        assert!(found.is_some());
    })
    .await;
    let revoke_access = count(store.pool(), &sent, async {
        let outcome = revoke(&store, "AT2").await;
        assert!(matches!(outcome, RevocationOutcome::Revoked { .. }));
    })
    .await;
    let revoke_refresh = count(store.pool(), &sent, async {
        let outcome = revoke(&store, "RT1").await;
        let expected = RevocationOutcome::Revoked {
            kind: TokenKind::RefreshToken,
            cascaded: 2,
        };
        assert_eq!(outcome, expected);
    })
    .await;
    let introspect = count(store.pool(), &sent, async {
        let found = store.introspect(&Token::new("RT2").unwrap()).await.unwrap();
        assert!(found.is_some());
    })
    .await;
    let assertion = AssertionDigest::of(&app1, "jti-1");
    let use_first = count(store.pool(), &sent, async {
        let used = store.use_assertion(&assertion, until).await.unwrap();
        assert_eq!(used, AssertionUse::First);
    })
    .await;
    let use_replayed = count(store.pool(), &sent, async {
        let used = store.use_assertion(&assertion, until).await.unwrap();
        assert_eq!(used, AssertionUse::Replayed);
    })
    .await;
    let client_keys = count(store.pool(), &sent, async {
        assert_eq!(store.client_keys(&app1).await.unwrap(), None);
    })
    .await;
    vec![
        ("authenticate_client (first, reads the row)", 1, first_check),
        (
            "authenticate_client (row in the client cache)",
            0,
            cached_check,
        ),
        ("authenticate_client (client cache off)", 1, uncached_check),
        (
            "revocation request (client check, revoke)",
            1,
            revocation_request,
        ),
        (
            "introspection request (client check, introspect)",
            1,
            introspection_request,
        ),
        ("revoke (access token)", 1, revoke_access),
        ("revoke (refresh token, grant of 3)", 1, revoke_refresh),
        ("introspect", 1, introspect),
        ("use_assertion (first use)", 1, use_first),
        ("use_assertion (replay)", 1, use_replayed),
        ("client_keys", 1, client_keys),
    ]
}

/// Each store call is one round trip on the request's path, but a client
/// check answered by the client cache, which is none: a revocation request
/// (client check, revoke) and an introspection request (client check,
/// introspect) cost one once the client's row is held, the first client
/// check after start one, and every client check one with the cache off.
/// A client assertion's use (recording it and deleting a few expired
/// records) is one, as is reading a client's keys. sqlx adds a ping when
/// the connection goes back to the pool (off the request's path) and,
/// with `test_before_acquire(true)` (its default), one before handing it
/// out: a call that takes no connection costs neither.
#[tokio::test]
async fn each_call_is_one_round_trip() {
    let Some(url) = support::postgres_url("each_call_is_one_round_trip") else {
        return;
    };
    for test_before_acquire in [false, true] {
        let counts = measure(&url, test_before_acquire).await;
        eprintln!("test_before_acquire({test_before_acquire}): (on the request path, in all)");
        for (call, statements, (on_path, total)) in &counts {
            eprintln!("  {call}: {on_path}, {total}");
            let ping = usize::from(test_before_acquire);
            assert_eq!(
                *on_path,
                statements * (1 + ping),
                "{call}: round trips on the request path"
            );
            assert_eq!(
                *total,
                statements * (2 + ping),
                "{call}: round trips with the release ping"
            );
        }
    }
}
