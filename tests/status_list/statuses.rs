//! What a token's status makes of it (§8.3, §7): VALID admits it with its
//! claims' facts; a bit the issuer flips refuses it once the list's `ttl`
//! has passed; SUSPENDED, an index past the end and a malformed reference
//! refuse it; a token without `status` is active unless it is required.

use crate::fixture::{
    assert_refused, list, lists, me_with, resource_server, resource_server_of, store, token_at,
    token_with_status, Site,
};
use crate::support::jwt::{claims, hs256, ISSUER};
use serde_json::json;
use std::time::Duration;
use tower_revoke::status_list::{Bits, Status, StatusList, MEDIA_TYPE};

#[tokio::test]
async fn a_valid_status_admits_the_token_with_its_claims() {
    let site = Site::start().await;
    site.publish(&list(&[2]), Some(300), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    let token = token_at(&site.list_uri(), 3);
    let me = me_with(&server, &token).await.ok();
    assert_eq!(me["sub"], "alice");
    assert_eq!(me["client_id"], "app1");
    assert_eq!(me["iss"], ISSUER);
    assert_eq!(me["scope"], "read");
    assert!(me["jti"].is_string());
    assert_eq!(site.accept().as_deref(), Some(MEDIA_TYPE));
    // Cached for its ttl: a second request fetches nothing.
    me_with(&server, &token).await.ok();
    assert_eq!(site.hits(), 1);
    // The revoked index of the same list is refused from the same fetch.
    assert_refused(me_with(&server, &token_at(&site.list_uri(), 2)).await);
    assert_eq!(site.hits(), 1);
}

#[tokio::test]
async fn a_bit_the_issuer_flips_refuses_the_token_after_the_ttl() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(1), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    let (token, other) = (token_at(&site.list_uri(), 5), token_at(&site.list_uri(), 6));
    me_with(&server, &token).await.ok();
    site.publish(&list(&[5]), Some(1), Some(600));
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_refused(me_with(&server, &token).await);
    me_with(&server, &other).await.ok();
    assert_eq!(site.hits(), 2);
}

#[tokio::test]
async fn suspended_and_other_statuses_refuse_the_token() {
    let site = Site::start().await;
    let mut two_bits = StatusList::new(Bits::Two, 8);
    two_bits.set(1, Status::SUSPENDED).unwrap();
    two_bits.set(2, Status(3)).unwrap();
    site.publish(&two_bits, Some(300), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    me_with(&server, &token_at(&site.list_uri(), 0)).await.ok();
    for idx in [1, 2] {
        assert_refused(me_with(&server, &token_at(&site.list_uri(), idx)).await);
    }
}

#[tokio::test]
async fn an_index_past_the_end_of_the_list_is_refused() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(300), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    me_with(&server, &token_at(&site.list_uri(), 15)).await.ok();
    assert_refused(me_with(&server, &token_at(&site.list_uri(), 16)).await);
    assert_refused(me_with(&server, &token_at(&site.list_uri(), 1 << 40)).await);
}

#[tokio::test]
async fn a_malformed_status_reference_is_refused_without_a_request() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(300), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    let uri = site.list_uri();
    for status in [
        json!({"status_list": {"idx": -1, "uri": uri}}),
        json!({"status_list": {"idx": "3", "uri": uri}}),
        json!({"status_list": {"uri": uri}}),
        json!({"other_mechanism": {}}),
        json!("revoked?"),
    ] {
        assert_refused(me_with(&server, &token_with_status(status)).await);
    }
    assert_eq!(site.hits(), 0);
}

#[tokio::test]
async fn a_token_without_status_is_active_unless_status_is_required() {
    let site = Site::start().await;
    let plain = hs256(&claims("app1", "alice"));
    let server = resource_server_of(lists(&site.base())).await;
    me_with(&server, &plain).await.ok();
    let strict = resource_server(store(lists(&site.base())).require_status(true)).await;
    assert_refused(me_with(&strict, &plain).await);
    assert_eq!(site.hits(), 0);
}

#[tokio::test]
async fn a_token_that_fails_verification_fetches_nothing() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(300), Some(600));
    let server = resource_server_of(lists(&site.base())).await;
    let token = token_at(&site.list_uri(), 0);
    let tampered = format!("{}x", &token[..token.len() - 1]);
    assert_refused(me_with(&server, &tampered).await);
    assert_eq!(site.hits(), 0, "§8.3: the token's own checks come first");
}

#[tokio::test]
async fn a_kept_verification_ends_with_the_token() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(300), Some(600));
    let key = tower_revoke::jwt::JwtKey::hs256(crate::support::jwt::SECRET).unwrap();
    let verifier = tower_revoke::jwt::JwtVerifier::new(ISSUER, [key]).leeway(Duration::ZERO);
    let server = resource_server(tower_revoke::status_list::StatusCheckedStore::new(
        verifier,
        lists(&site.base()),
    ))
    .await;
    let exp = crate::support::jwt::now() + 1;
    let status = tower_revoke::status_list::StatusReference {
        idx: 3,
        uri: site.list_uri(),
    };
    let claims = crate::support::jwt::with(claims("app1", "alice"), "exp", json!(exp));
    let token = hs256(&crate::support::jwt::with(
        claims,
        "status",
        status.to_claim(),
    ));
    assert_eq!(me_with(&server, &token).await.ok()["sub"], "alice");
    // Kept verified, the token still ends at its `exp`.
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_refused(me_with(&server, &token).await);
}
