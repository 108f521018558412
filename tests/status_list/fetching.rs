//! How lists are fetched: a failed refresh (the site down, a bad
//! signature) keeps the last good list until its `exp`, then the status
//! is unknown (503 with `Retry-After`); concurrent first requests share
//! one fetch.

use crate::fixture::{list, lists, me_with, resource_server_of, signed, token_at, Answer, Site};
use crate::support::jwt::{now, SECRET, WRONG_SECRET};
use axum::http::StatusCode;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinSet;

/// Serves a list with a `ttl` of 1 s and an `exp` 3 s away, admits a
/// token with it, lets the site `fail`, and checks that the list is still
/// used past its `ttl` and no longer past its `exp`.
async fn last_good_list_until_exp(fail: impl FnOnce(&Site)) {
    let site = Site::start().await;
    let exp = site.publish(&list(&[]), Some(1), Some(3)).unwrap();
    let server = resource_server_of(lists(&site.base())).await;
    let token = token_at(&site.list_uri(), 0);
    me_with(&server, &token).await.ok();
    fail(&site);
    tokio::time::sleep(Duration::from_millis(1200)).await;
    me_with(&server, &token).await.ok();
    assert_eq!(site.hits(), 2, "refreshed after the ttl, and failed");
    while now() < exp {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    me_with(&server, &token).await.assert_unavailable("5");
    assert_eq!(site.hits(), 3);
}

#[tokio::test]
async fn the_site_down_keeps_the_last_good_list_until_its_exp_then_503() {
    last_good_list_until_exp(|site| site.answer(Answer::Status(StatusCode::SERVICE_UNAVAILABLE)))
        .await;
}

#[tokio::test]
async fn a_bad_signature_keeps_the_last_good_list_until_its_exp_then_503() {
    last_good_list_until_exp(|site| {
        let forged = signed(
            &list(&[0]),
            &site.list_uri(),
            Some(1),
            Some(600),
            WRONG_SECRET,
        );
        site.answer(Answer::Token(forged));
    })
    .await;
}

#[tokio::test]
async fn no_list_ever_is_503() {
    let site = Site::start().await;
    site.answer(Answer::Status(StatusCode::NOT_FOUND));
    let server = resource_server_of(lists(&site.base())).await;
    let token = token_at(&site.list_uri(), 0);
    me_with(&server, &token).await.assert_unavailable("5");
    // The failure is kept for the retry interval: no request meanwhile.
    me_with(&server, &token).await.assert_unavailable("5");
    assert_eq!(site.hits(), 1);
}

#[tokio::test]
async fn concurrent_first_requests_share_one_fetch() {
    let site = Site::start().await;
    let token = signed(&list(&[]), &site.list_uri(), Some(300), Some(600), SECRET);
    site.answer(Answer::After(Duration::from_millis(300), token));
    let server = Arc::new(resource_server_of(lists(&site.base())).await);
    let mut requests = JoinSet::new();
    for idx in 0..8 {
        let (server, token) = (server.clone(), token_at(&site.list_uri(), idx));
        requests.spawn(async move { me_with(&server, &token).await.status });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(site.hits(), 1);
}
