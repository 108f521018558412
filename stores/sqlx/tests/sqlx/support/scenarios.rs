//! Behaviours of the durable stores beyond the conformance kit (seeding
//! again, purging, configuration), written once and run on both databases.

use std::future::Future;
use std::time::{Duration, Instant};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::Seed;
use tower_revoke::{
    testkit, AuthenticatedClient, ClientAssertionStore, ClientType, ExpiredDeletion,
    IntrospectionStore, IssuanceStore, RevocationOutcome, RevocationStore, SubjectRevocationStore,
    TokenKind,
};
pub use tower_revoke_test_support::store::{app1, is_active, revoke, seed_into};

/// What the scenarios need of either store: its traits, seeding and the
/// purge among them, a row count of its own database, and a dump of
/// every row (`support::postgres::dump`, `support::sqlite::dump`).
pub trait Durable:
    RevocationStore
    + IntrospectionStore
    + SubjectRevocationStore
    + IssuanceStore
    + ExpiredDeletion
    + ClientAssertionStore
    + Clone
{
    fn rows(&self, table: &str) -> impl Future<Output = i64>;

    /// Runs `sql` on the store's database directly, as an operator or
    /// another instance would.
    fn execute(&self, sql: &str) -> impl Future<Output = ()>;

    fn dump(&self) -> impl Future<Output = String>;
}

/// Implements [`Durable`] for a store with a `pool()` of its own database,
/// dumped by `$dump`.
#[cfg(any(feature = "postgres", feature = "sqlite"))]
macro_rules! durable {
    ($store:ty, $dump:path) => {
        impl Durable for $store {
            async fn rows(&self, table: &str) -> i64 {
                let query = format!("SELECT count(*) FROM {table}");
                sqlx::query_scalar(&query)
                    .fetch_one(self.pool())
                    .await
                    .expect("count")
            }

            async fn execute(&self, sql: &str) {
                sqlx::raw_sql(sql)
                    .execute(self.pool())
                    .await
                    .expect("execute");
            }

            async fn dump(&self) -> String {
                $dump(self.pool()).await
            }
        }
    };
}

#[cfg(feature = "postgres")]
durable!(tower_revoke_sqlx::PostgresStore, super::postgres::dump);
#[cfg(feature = "sqlite")]
durable!(tower_revoke_sqlx::SqliteStore, super::sqlite::dump);

async fn authenticates(store: &impl RevocationStore, secret: &str) -> bool {
    authenticates_as(store, "app1", secret).await
}

async fn authenticates_as(store: &impl RevocationStore, client_id: &str, secret: &str) -> bool {
    let credentials = ClientCredentials::new(
        ClientId::new(client_id).unwrap(),
        Some(ClientSecret::new(secret).unwrap()),
        ClientAuthMethod::ClientSecretBasic,
    );
    let found = store.authenticate_client(&credentials).await;
    found.expect("authenticate").is_some()
}

/// Seed, revoke, seed again: what was revoked stays revoked, a secret is
/// never replaced, a token never moves to another grant, and a new token
/// of a revoked grant is refused (the rules of `IssuanceStore`).
pub async fn seeding_is_idempotent(store: impl Durable) {
    let kit = testkit::seed();
    assert_eq!(seed_into(&store, &kit).await, ((3, 17), (0, 0, 0)));
    let revoked = RevocationOutcome::Revoked {
        kind: TokenKind::RefreshToken,
        cascaded: 2,
    };
    assert_eq!(revoke(&store, "RT1").await, revoked);
    assert_eq!(store.revoke_subject_tokens("bob", &[]).await.unwrap(), 1);
    assert_eq!(
        seed_into(&store, &kit).await,
        ((0, 0), (3, 17, 0)),
        "seeding again"
    );
    for token in ["RT1", "AT1", "JWT1", "PT1"] {
        assert!(!is_active(&store, token).await, "{token} stays revoked");
    }
    assert!(is_active(&store, "AT2").await);
    let changed = Seed::from_json(
        r#"{"clients": [{"client_id": "app1", "client_secret": "changed"}],
            "tokens": [
              {"token": "AT1", "type": "access_token", "client_id": "app1"},
              {"token": "AT9", "type": "access_token", "client_id": "app1", "grant_id": "G1"}
            ]}"#,
    )
    .unwrap();
    assert_eq!(
        seed_into(&store, &changed).await,
        ((0, 0), (1, 0, 2)),
        "AT1 would leave its grant, AT9 would join a revoked one"
    );
    assert!(
        authenticates(&store, "s3cr3t").await,
        "the stored secret is kept"
    );
    assert!(
        !authenticates(&store, "changed").await,
        "the seed's secret is ignored"
    );
    assert!(!is_active(&store, "AT1").await, "AT1 is left as it was");
    assert!(!is_active(&store, "AT9").await, "AT9 was not recorded");
}

/// 51 expired tokens (in grants P0..P4 and K, or none), deleted 7 at a
/// time; unexpired and revoked-but-unexpiring tokens and grant K kept.
pub async fn purge_deletes_expired_rows_in_batches(store: impl Durable) {
    let mut tokens = Vec::new();
    let token = |name: String, extra: &str| {
        format!(r#"{{"token": "{name}", "type": "access_token", "client_id": "app1"{extra}}}"#)
    };
    for i in 0..50 {
        let grant = match i < 25 {
            true => format!(r#", "grant_id": "P{}""#, i % 5),
            false => String::new(),
        };
        tokens.push(token(
            format!("e{i}"),
            &format!(r#", "expires_at": 1000{grant}"#),
        ));
    }
    tokens.push(token(
        "gone".into(),
        r#", "expires_at": 1000, "grant_id": "K""#,
    ));
    tokens.push(token("live".into(), r#", "grant_id": "K""#));
    tokens.push(token("dead".into(), ""));
    tokens.push(token("future".into(), r#", "expires_at": 4102444800"#));
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{}]}}"#,
        tokens.join(",")
    );
    let document = Seed::from_json(&json).unwrap();
    assert_eq!(seed_into(&store, &document).await, ((1, 54), (0, 0, 0)));
    assert!(matches!(
        revoke(&store, "dead").await,
        RevocationOutcome::Revoked { .. }
    ));
    assert_eq!(store.rows("tower_revoke_grants").await, 6);

    assert_eq!(store.delete_expired(7).await.unwrap(), 51);
    assert_eq!(store.rows("tower_revoke_tokens").await, 3);
    assert_eq!(
        store.rows("tower_revoke_grants").await,
        1,
        "only K has a token left"
    );
    assert!(is_active(&store, "live").await && is_active(&store, "future").await);
    assert!(!is_active(&store, "dead").await);
    assert_eq!(
        store.delete_expired(7).await.unwrap(),
        0,
        "nothing left to purge"
    );

    // Seeding again brings back only expired tokens; the revoked one stays.
    assert_eq!(seed_into(&store, &document).await, ((0, 51), (1, 3, 0)));
    assert!(!is_active(&store, "dead").await && !is_active(&store, "e1").await);
    assert_eq!(
        store.delete_expired(0).await.unwrap(),
        51,
        "a batch of 0 is a batch of 1"
    );
}

/// With `access_token_revokes_grant(true)`, an access token ends its grant.
pub async fn access_token_can_end_its_grant(store: impl Durable) {
    store.seed(&testkit::seed()).await.unwrap();
    let outcome = revoke(&store, "AT1").await;
    let expected = RevocationOutcome::Revoked {
        kind: TokenKind::AccessToken,
        cascaded: 2,
    };
    assert_eq!(outcome, expected);
    for token in ["RT1", "JWT1"] {
        assert!(!is_active(&store, token).await, "{token}");
    }
    assert!(
        is_active(&store, "OT1").await,
        "app2's grant G1 is another grant"
    );
}

/// A JWT denied by one store instance is denied by another on the same
/// database (a restart), and lapsed entries are purged.
pub async fn jwt_denials_are_durable<D: Durable + tower_revoke::JwtDenyList>(first: D, second: D) {
    use tower_revoke::store::JwtRecord;
    let jwt = JwtRecord {
        issuer: "https://as.example",
        jti: "j1",
        subject: "alice",
        issued_at: 1_000,
    };
    let lapsed = JwtRecord { jti: "j0", ..jwt };
    assert!(first.deny_jwt(&jwt, 4_102_444_800).await.unwrap());
    assert!(first.deny_jwt(&lapsed, 1_000).await.unwrap());
    first
        .deny_subject_jwts(jwt.issuer, "bob", 2_000)
        .await
        .unwrap();
    drop(first);
    assert!(second.jwt_denied(&jwt).await.unwrap(), "survives a restart");
    assert!(!second.deny_jwt(&jwt, 4_102_444_800).await.unwrap());
    let bob = JwtRecord {
        subject: "bob",
        jti: "b1",
        ..jwt
    };
    assert!(
        second.jwt_denied(&bob).await.unwrap(),
        "the cutoff survives"
    );
    assert_eq!(second.rows("tower_revoke_denied_jtis").await, 2);
    second.delete_expired(10).await.unwrap();
    assert_eq!(
        second.rows("tower_revoke_denied_jtis").await,
        1,
        "the lapsed entry is purged"
    );
    assert_eq!(
        second.rows("tower_revoke_subject_cutoffs").await,
        1,
        "cutoffs are kept"
    );
    assert!(second.jwt_denied(&jwt).await.unwrap());
}

/// JWT access tokens through `JwtStore` over `first`, then over `second`
/// on the same database (a restart): a revoked JWT stays refused, a bulk
/// revocation's cutoff too, and another client still may not revoke one.
pub async fn jwt_store_revocations_survive_a_restart<D>(first: D, second: D)
where
    D: Durable + tower_revoke::JwtDenyList,
{
    use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
    use tower_revoke_test_support::jwt;
    let verifier = || JwtVerifier::new(jwt::ISSUER, [JwtKey::hs256(jwt::SECRET).unwrap()]);
    first.seed(&testkit::seed()).await.unwrap();
    let store = JwtStore::new(first, verifier());
    let (revoked, alice, bob) = (
        jwt::token("app1", "carol"),
        jwt::token("app1", "alice"),
        jwt::token("app1", "bob"),
    );
    assert!(is_active(&store, &revoked).await);
    let outcome = revoke(&store, &revoked).await;
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { .. }),
        "{outcome:?}"
    );
    assert!(!is_active(&store, &revoked).await);
    store.revoke_subject_tokens("alice", &[]).await.unwrap();
    assert!(!is_active(&store, &alice).await);
    drop(store);

    let store = JwtStore::new(second, verifier());
    assert!(
        !is_active(&store, &revoked).await,
        "still revoked after a restart"
    );
    assert!(
        !is_active(&store, &alice).await,
        "the cutoff survives a restart"
    );
    assert!(is_active(&store, &bob).await);
    assert_eq!(revoke(&store, &revoked).await, RevocationOutcome::NotFound);
    let app2 = AuthenticatedClient {
        client_id: ClientId::new("app2").unwrap(),
        client_type: ClientType::Confidential,
    };
    let request = RevocationRequest::new(Token::new(bob.clone()).unwrap(), None);
    let outcome = store.revoke(&app2, &request).await.unwrap();
    assert_eq!(outcome, RevocationOutcome::IssuedToAnotherClient);
    assert!(is_active(&store, &bob).await);
    assert!(
        is_active(&store, "AT2").await,
        "opaque tokens are the store's as before"
    );
    assert!(
        !is_active(&store, "AT1").await,
        "alice's opaque tokens were revoked in bulk"
    );
}

/// Client rows changed in the database directly (as an operator or
/// another instance would), with the store's client cache set to
/// `max_staleness` (`Duration::ZERO`: off):
/// - a client inserted after its id was refused authenticates at once
///   (unknown ids are never held);
/// - a client whose secret changed, or whose row was deleted, after the
///   store read it is refused within `max_staleness` (at once with the
///   cache off), and only then: until it lapses the held row still
///   answers, which shows the cache is what is measured;
/// - the new secret authenticates from then on.
pub async fn changed_clients_are_seen_within_max_staleness(
    store: impl Durable,
    max_staleness: Duration,
) {
    // Time for one authentication on a loaded machine, beyond the bound.
    const SLACK: Duration = Duration::from_millis(250);
    store.seed(&testkit::seed()).await.expect("seed");

    assert!(!authenticates_as(&store, "late", "s3cr3t").await);
    store
        .execute(
            "INSERT INTO tower_revoke_clients (client_id, secret_digest)
             SELECT 'late', secret_digest FROM tower_revoke_clients WHERE client_id = 'app1'",
        )
        .await;
    assert!(
        authenticates_as(&store, "late", "s3cr3t").await,
        "a client inserted elsewhere is found at once"
    );

    assert!(authenticates(&store, "s3cr3t").await);
    store
        .execute(
            "UPDATE tower_revoke_clients SET secret_digest =
                 (SELECT secret_digest FROM tower_revoke_clients WHERE client_id = 'app2')
             WHERE client_id = 'app1'",
        )
        .await;
    let changed = refused_within(&store, "app1", "s3cr3t", max_staleness + SLACK).await;
    assert!(authenticates(&store, "s3+cr3t").await, "the new secret");

    // A client read just now (`late` was read too long ago to be sure
    // it is still held).
    store
        .execute(
            "INSERT INTO tower_revoke_clients (client_id, secret_digest)
             SELECT 'gone', secret_digest FROM tower_revoke_clients WHERE client_id = 'app2'",
        )
        .await;
    assert!(authenticates_as(&store, "gone", "s3+cr3t").await);
    store
        .execute("DELETE FROM tower_revoke_clients WHERE client_id = 'gone'")
        .await;
    let deleted = refused_within(&store, "gone", "s3+cr3t", max_staleness + SLACK).await;

    for (what, still_held) in [("changed secret", changed), ("deleted", deleted)] {
        if max_staleness.is_zero() {
            assert_eq!(still_held, 0, "{what}: refused at once with the cache off");
        } else {
            // The first check came well within the bound: the held row.
            assert!(still_held > 0, "{what}: refused before the held row lapsed");
        }
    }
}

/// Authenticates `client_id` with `secret` until it is refused, for at
/// most `bound`; returns how many times it still authenticated.
async fn refused_within(
    store: &impl RevocationStore,
    client_id: &str,
    secret: &str,
    bound: Duration,
) -> usize {
    let started = Instant::now();
    let mut accepted = 0;
    while authenticates_as(store, client_id, secret).await {
        accepted += 1;
        assert!(
            started.elapsed() < bound,
            "{client_id} still authenticates {bound:?} after its row changed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    accepted
}

/// The token [`a_failing_revocation_fails_alone`] expects the database to
/// refuse to revoke (a trigger of the caller's raises [`REFUSAL`]).
pub static REFUSED: std::sync::LazyLock<tower_revoke::store::TokenDigest> =
    std::sync::LazyLock::new(|| tower_revoke_test_support::store::digest("A3"));

/// The message of the caller's trigger that refuses [`REFUSED`].
pub const REFUSAL: &str = "refused by the test";

/// Group commit, on a store seeded with `testkit::grant_seed(16)` whose
/// database refuses to revoke `A3` and holds every revocation until
/// `release` (the caller's lock). Four revocations start one after the
/// other and wait for the lock, each taking a writer of the store's if
/// one is free; nine more queue behind them (`A3` and `A0` twice among
/// them), so they run in shared batches once `release` resolves. The
/// revocation of `A3` alone fails, with the trigger's message, and `A3`
/// stays active; every other is committed; of the two revocations of
/// `A0`, one revokes it and the later finds it revoked.
pub async fn a_failing_revocation_fails_alone<St>(store: St, release: impl Future<Output = ()>)
where
    St: RevocationStore + IntrospectionStore + Clone + Send + Sync + 'static,
{
    let spawn = |value: &'static str| {
        let store = store.clone();
        tokio::spawn(async move {
            let token = tower_revoke_test_support::store::token(value);
            let request = RevocationRequest::new(token, None);
            (value, store.revoke(&app1(), &request).await)
        })
    };
    let mut tasks = Vec::new();
    for plug in ["A12", "A13", "A14", "A15"] {
        tasks.push(spawn(plug));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let queued = ["A0", "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A0"];
    for value in queued {
        tasks.push(spawn(value));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    release.await;
    let (mut revoked, mut not_found) = (Vec::new(), Vec::new());
    for task in tasks {
        match task.await.unwrap() {
            ("A3", outcome) => {
                let error = outcome.expect_err("A3's revocation is refused");
                assert!(error.to_string().contains(REFUSAL), "{error}");
            }
            (value, Ok(RevocationOutcome::Revoked { .. })) => revoked.push(value),
            (value, Ok(RevocationOutcome::NotFound)) => not_found.push(value),
            (value, other) => panic!("{value}: {other:?}"),
        }
    }
    revoked.sort_unstable();
    let expected = [
        "A0", "A1", "A12", "A13", "A14", "A15", "A2", "A4", "A5", "A6", "A7",
    ];
    assert_eq!(revoked, expected);
    assert_eq!(
        not_found,
        ["A0"],
        "the later revocation of A0 finds it revoked"
    );
    assert!(is_active(&store, "A3").await, "A3 stays active");
    for value in revoked {
        assert!(!is_active(&store, value).await, "{value}");
    }
}
