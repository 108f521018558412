//! Which lists are fetched: only URIs under the configured issuers, on a
//! path boundary, so that a token cannot make the resource server fetch
//! an arbitrary URL; and http only with the loopback switch.

use crate::fixture::{
    assert_refused, list, lists, lists_with, me_with, resource_server_of, token_at, Site, LIST_PATH,
};
use tower_revoke::status_list::StatusListFetcher;

#[tokio::test]
async fn a_status_uri_outside_the_issuers_is_refused_without_a_request() {
    let (trusted, elsewhere) = (Site::start().await, Site::start().await);
    trusted.publish(&list(&[]), Some(300), Some(600));
    elsewhere.publish(&list(&[]), Some(300), Some(600));
    let issuer = format!("{}/tenant", trusted.base());
    let server = resource_server_of(lists(&issuer)).await;
    for uri in [
        elsewhere.list_uri(),
        format!("{}/tenant-evil{LIST_PATH}", trusted.base()),
        format!("{}/tenant/../admin", trusted.base()),
        trusted.list_uri(),
    ] {
        assert_refused(me_with(&server, &token_at(&uri, 0)).await);
    }
    assert_eq!((trusted.hits(), elsewhere.hits()), (0, 0));
    // Under the issuer's path, the list is fetched (and then refused for
    // its `sub`, which names another URI).
    let under = format!("{issuer}{LIST_PATH}");
    me_with(&server, &token_at(&under, 0))
        .await
        .assert_unavailable("5");
    assert_eq!((trusted.hits(), elsewhere.hits()), (1, 0));
}

#[tokio::test]
async fn http_is_refused_unless_the_loopback_switch_is_on() {
    let site = Site::start().await;
    site.publish(&list(&[]), Some(300), Some(600));
    let https_only = StatusListFetcher::new();
    let refused = https_only.fetch(&site.list_uri()).await.unwrap_err();
    assert!(refused.is_refused_uri(), "{refused}");
    assert_eq!(
        refused.to_string(),
        "the status list URI is http, allowed only to a loopback host when switched on"
    );
    // Configured with http issuers, it can give no list: the status is
    // unknown, 503, and nothing reached the site.
    let server = resource_server_of(lists_with(https_only, &site.base())).await;
    let reply = me_with(&server, &token_at(&site.list_uri(), 0)).await;
    reply.assert_unavailable("5");
    assert_eq!(site.hits(), 0);
    let loopback = StatusListFetcher::new().allow_loopback_http(true);
    assert!(loopback.fetch(&site.list_uri()).await.is_ok());
    let remote = loopback.fetch("http://192.0.2.1/statuslists/1").await;
    assert!(remote.unwrap_err().is_refused_uri());
    assert_eq!(site.hits(), 1);
}
