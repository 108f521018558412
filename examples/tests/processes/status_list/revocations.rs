//! On every store, the demo's list follows its revocations bit for bit:
//! a JWT revoked at `POST /oauth/revoke` is INVALID at its index; revoking
//! a grant's rotated refresh token makes the grant's access JWT INVALID
//! (RFC 7009 §2.1), and so does presenting a rotated refresh token again
//! (RFC 9700 §4.14.2); no other status changes. The demo's own `/me` and
//! introspection agree with each list.

use super::{client_credentials, printed_at_start, refresh, Decoder};
use crate::token::stores::{Kind, Store};
use crate::token::{self, assert_dead, assert_live, VARY_ORIGIN};
use tower_revoke_test_support::jwt::WRONG_SECRET;

on_stores!(python revoked_and_cascaded:
    memory_a_revoked_jwt_and_its_grants_cascade_are_invalid_in_the_list => Memory,
    sqlite_a_revoked_jwt_and_its_grants_cascade_are_invalid_in_the_list => Sqlite,
    postgres_a_revoked_jwt_and_its_grants_cascade_are_invalid_in_the_list => Postgres,
    redis_a_revoked_jwt_and_its_grants_cascade_are_invalid_in_the_list => Redis,
);

on_stores!(python reused:
    memory_a_reused_refresh_token_makes_its_grants_jwts_invalid_in_the_list => Memory,
    sqlite_a_reused_refresh_token_makes_its_grants_jwts_invalid_in_the_list => Sqlite,
    postgres_a_reused_refresh_token_makes_its_grants_jwts_invalid_in_the_list => Postgres,
    redis_a_reused_refresh_token_makes_its_grants_jwts_invalid_in_the_list => Redis,
);

async fn revoked_and_cascaded(store: Store, python: String) {
    let decoder = Decoder::new(python);
    let mut demo = store.demo(&super::minting("60s")).await;
    let alice = printed_at_start(&mut demo).await;
    let revoked = client_credentials(&demo).await;
    let kept = client_credentials(&demo).await;
    let (granted, rotated) = refresh(&demo, "RT1").await;
    let all = [&alice, &revoked, &kept, &granted];
    let fresh = decoder.list_of(&all).await;
    assert!(fresh.invalid.is_empty(), "a fresh store: {fresh:?}");
    assert_eq!(fresh.ttl, 60, "TOWER_REVOKE_STATUS_LIST_TTL");

    let reply = token::revoke(&demo, &revoked.token).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let one = decoder.list_of(&all).await;
    one.assert_newly_invalid(&fresh, &[&revoked]);

    // The grant's refresh token, rotated from RT1: its end ends the JWT.
    let reply = token::revoke(&demo, &rotated).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let cascaded = decoder.list_of(&all).await;
    cascaded.assert_newly_invalid(&one, &[&granted]);

    for dead in [&revoked, &granted] {
        assert_dead(&demo, &dead.token).await;
    }
    token::introspect(&demo, &rotated).await.assert_inactive();
    assert_live(&demo, &kept.token, "app1").await;
    assert_live(&demo, &alice.token, "alice").await;
}

async fn reused(store: Store, python: String) {
    let decoder = Decoder::new(python);
    let demo = store.demo(&super::minting("60s")).await;
    let (first, rotated) = refresh(&demo, "RT1").await;
    let (second, newest) = refresh(&demo, &rotated).await;
    let other = client_credentials(&demo).await;
    let all = [&first, &second, &other];
    let before = decoder.list_of(&all).await;

    // `rotated` was rotated already: presenting it again ends the grant.
    token::refused(&demo, &rotated).await;
    let after = decoder.list_of(&all).await;
    after.assert_newly_invalid(&before, &[&first, &second]);

    for dead in [&first, &second] {
        assert_dead(&demo, &dead.token).await;
    }
    token::refused(&demo, &newest).await;
    assert_live(&demo, &other.token, "app1").await;
}

/// The decoder checks the signature: with another secret it refuses the
/// demo's list, which it reads with the demo's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_decoder_refuses_a_list_signed_with_another_secret() {
    let test = "the_decoder_refuses_a_list_signed_with_another_secret";
    let Some(python) = crate::services::url(crate::authlib::PYTHON, test) else {
        return;
    };
    let Some(store) = Store::open(Kind::Memory, test).await else {
        return;
    };
    let decoder = Decoder::new(python);
    let demo = store.demo(&super::minting("60s")).await;
    let jwt = client_credentials(&demo).await;
    let wrong = std::str::from_utf8(WRONG_SECRET).unwrap();
    let refused = decoder.decode_with(&jwt.uri, wrong).await.unwrap_err();
    assert!(
        refused.contains("the Status List Token does not verify"),
        "{refused}"
    );
    assert!(decoder.list_of(&[&jwt]).await.invalid.is_empty());
}
