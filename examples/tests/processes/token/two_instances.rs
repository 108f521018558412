//! Two demo processes on one store (PostgreSQL, Redis), without a guard
//! cache: a token issued on A works at B; after a rotation on A, the old
//! refresh token presented at B is reuse, and the grant ends on both.

use super::stores::Store;
use super::{assert_dead, assert_live, assert_me, assert_rotated_live};
use super::{client_credentials, refresh, refused};

on_stores!(second_instance:
    postgres_a_second_instance_sees_issued_tokens_and_ends_a_reused_grant => Postgres,
    redis_a_second_instance_sees_issued_tokens_and_ends_a_reused_grant => Redis,
);

async fn second_instance(store: Store) {
    let (a, b) = (store.demo(&[]).await, store.demo(&[]).await);
    let own = client_credentials(&a).await;
    assert_live(&b, &own, "app1").await;
    let first = refresh(&a, "RT1").await;
    assert_rotated_live(&b, &first).await;

    // RT1 was rotated on A: presented at B, it is reuse.
    refused(&b, "RT1").await;
    for demo in [&a, &b] {
        for dead in ["AT1", first.access.as_str(), first.refresh.as_str()] {
            assert_dead(demo, dead).await;
        }
        refused(demo, &first.refresh).await;
        assert_live(demo, &own, "app1").await;
        assert_me(demo, "AT2", "bob").await;
    }
}
