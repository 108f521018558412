//! A subject's revocation, which no HTTP route of the demo offers, done
//! the way an app does it beside the demo: on the demo's own store (its
//! SQLite file, its PostgreSQL database, its Redis), opened by the test,
//! through a [`JwtStore`] of the demo's issuer and secret that records its
//! JWTs, as the demo's is. The demo, a process that was told nothing, then
//! publishes the subject's JWTs INVALID, and only those.

use super::{client_credentials, printed_at_start, refresh, Decoder};
use crate::token::stores::Store;
use crate::token::{assert_dead, assert_live};
use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
use tower_revoke::{JwtDenyList, SubjectRevocationStore};
use tower_revoke_redis::RedisStore;
use tower_revoke_sqlx::sqlx::PgPool;
use tower_revoke_sqlx::{PostgresStore, SqliteStore};
use tower_revoke_test_support::jwt::SECRET;

on_stores!(python subject_revoked_beside_the_demo:
    sqlite_a_subject_revoked_in_the_demos_store_is_invalid_in_its_list => Sqlite,
    postgres_a_subject_revoked_in_the_demos_store_is_invalid_in_its_list => Postgres,
    redis_a_subject_revoked_in_the_demos_store_is_invalid_in_its_list => Redis,
);

async fn subject_revoked_beside_the_demo(store: Store, python: String) {
    let decoder = Decoder::new(python);
    let mut demo = store.demo(&super::minting("60s")).await;
    let at_start = printed_at_start(&mut demo).await;
    let (granted, _) = refresh(&demo, "RT1").await;
    let other = client_credentials(&demo).await;
    let all = [&at_start, &granted, &other];
    let before = decoder.list_of(&all).await;

    let issuer = format!("http://{}", demo.addr);
    let revoked = revoke_subject(store.url(), &issuer, "alice").await;
    assert!(revoked > 0, "alice's recorded tokens: {revoked}");
    let after = decoder.list_of(&all).await;
    after.assert_newly_invalid(&before, &[&at_start, &granted]);

    for dead in [&at_start, &granted] {
        assert_dead(&demo, &dead.token).await;
    }
    assert_live(&demo, &other.token, "app1").await;
}

/// `revoke_subject_tokens(subject, &[])` on the demo's store at `url` (its
/// `TOWER_REVOKE_STORE`) through a recording [`JwtStore`] for `issuer`:
/// how many of the subject's recorded tokens it revoked.
async fn revoke_subject(url: &str, issuer: &str, subject: &str) -> u64 {
    let verifier = JwtVerifier::new(issuer, [JwtKey::hs256(SECRET).unwrap()]);
    if let Some(path) = url.strip_prefix("sqlite://") {
        let store = SqliteStore::open(path).await.expect("the demo's file");
        revoke_in(store, verifier, subject).await
    } else if url.starts_with("postgres") {
        let pool = PgPool::connect(url).await.expect("the demo's database");
        revoke_in(PostgresStore::new(pool), verifier, subject).await
    } else {
        let store = RedisStore::connect(url).await.expect("the demo's Redis");
        revoke_in(store, verifier, subject).await
    }
}

async fn revoke_in<St>(store: St, verifier: JwtVerifier, subject: &str) -> u64
where
    St: SubjectRevocationStore + JwtDenyList,
{
    let store = JwtStore::new(store, verifier).recorded(true);
    let revoked = store.revoke_subject_tokens(subject, &[]).await;
    revoked.expect("the subject's revocation")
}
