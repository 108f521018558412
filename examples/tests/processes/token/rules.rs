//! The token endpoint's rules on each durable store, over HTTP to the demo
//! process: issue, use at `/me`, introspect, refresh, reuse, grace, revoke.
//! The demo prints its audit events (`TOWER_REVOKE_AUDIT=1`), so that a
//! revocation shows whether the token was still live (`revoked`) or
//! already dead (`unknown`), which its 200 `{}` does not.

use super::stores::Store;
use super::{assert_dead, assert_live, assert_me, assert_rotated_live};
use super::{client_credentials, refresh, refused};
use crate::demo::Demo;

const AUDIT: (&str, &str) = ("TOWER_REVOKE_AUDIT", "1");
/// Long enough that every presentation in the test falls within it.
const LONG_GRACE: (&str, &str) = ("TOWER_REVOKE_REFRESH_GRACE", "3600s");

on_stores!(reuse_ends_the_grant:
    sqlite_issued_tokens_work_and_a_reused_refresh_token_ends_its_grant => Sqlite,
    postgres_issued_tokens_work_and_a_reused_refresh_token_ends_its_grant => Postgres,
    redis_issued_tokens_work_and_a_reused_refresh_token_ends_its_grant => Redis,
);

on_stores!(within_grace_rotates_again:
    sqlite_a_rotated_refresh_token_within_grace_rotates_again => Sqlite,
    postgres_a_rotated_refresh_token_within_grace_rotates_again => Postgres,
    redis_a_rotated_refresh_token_within_grace_rotates_again => Redis,
);

async fn reuse_ends_the_grant(store: Store) {
    let mut demo = store.demo(&[AUDIT]).await;
    let own = client_credentials(&demo).await;
    assert_live(&demo, &own, "app1").await;
    let first = refresh(&demo, "RT1").await;
    assert_rotated_live(&demo, &first).await;
    let newest = refresh(&demo, &first.refresh).await;
    assert_rotated_live(&demo, &newest).await;

    // `first.refresh` was rotated: presenting it again is reuse.
    refused(&demo, &first.refresh).await;
    let ended = [&first.access, &newest.access, &newest.refresh].map(String::as_str);
    for dead in ["AT1"].into_iter().chain(ended) {
        assert_dead(&demo, dead).await;
        revoke_expecting(&mut demo, dead, "unknown").await;
    }
    refused(&demo, &newest.refresh).await;
    assert_me(&demo, "AT2", "bob").await;
    assert_me(&demo, &own, "app1").await;

    revoke_expecting(&mut demo, &own, "revoked").await;
    assert_dead(&demo, &own).await;
}

async fn within_grace_rotates_again(store: Store) {
    let demo = store.demo(&[LONG_GRACE]).await;
    let first = refresh(&demo, "RT1").await;
    let second = refresh(&demo, "RT1").await;
    assert_ne!(first.access, second.access);
    assert_ne!(first.refresh, second.refresh);
    for issued in [&first, &second] {
        assert_rotated_live(&demo, issued).await;
    }
    assert_me(&demo, "AT1", "alice").await;
    // The grant lives on: its newest refresh token rotates in turn.
    let next = refresh(&demo, &second.refresh).await;
    assert_rotated_live(&demo, &next).await;
}

/// Revokes `token`: 200 `{}`, and the audit event's `outcome`.
async fn revoke_expecting(demo: &mut Demo, token: &str, outcome: &str) {
    let reply = super::revoke(demo, token).await;
    reply.assert_revoked_with(&[super::VARY_ORIGIN]);
    let event = crate::audit::next_event(demo, &[token, "s3cr3t"]).await;
    assert_eq!(event["outcome"], outcome, "revoke {token}: {event}");
}
