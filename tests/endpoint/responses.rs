//! Rule 11 and the cache headers: the success response and its
//! alternatives, and `Cache-Control: no-store` / `Pragma: no-cache` on every
//! response of the endpoint (RFC 7009 §2.2, RFC 6749 §5.1).

use crate::fixture::{app, as_app1, default_app, revoke, store};
use crate::support::failing::FailingStore;
use crate::support::request::{form, get, post, Req};
use crate::support::{JSON, NO_STORE};
use axum::Router;
use tower_revoke::revocation::{RevokedResponse, UnknownTokenResponse};
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

/// A fresh store, and the app in front of it with a layer answering an
/// unknown token with 404.
fn not_found_app() -> (MemoryStore, Router) {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .unknown_token_response(UnknownTokenResponse::NotFound);
    (store, app(layer).0)
}

#[tokio::test]
async fn revoked_token_is_200_with_an_empty_json_object() {
    let (store, app, inner) = default_app();
    let reply = as_app1("token=AT1").send(&app).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(&reply.body[..], b"{}");
    reply.assert(200, b"{}", JSON);
    assert!(!store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn no_content_response_is_204_with_an_empty_body() {
    let store = store();
    let layer =
        RevocationEndpointLayer::new(store.clone()).revoked_response(RevokedResponse::NoContent);
    let (app, _) = app(layer);
    as_app1("token=AT1")
        .send(&app)
        .await
        .assert(204, b"", NO_STORE);
    assert!(!store.is_active("AT1"));
    as_app1("token=nope")
        .send(&app)
        .await
        .assert(204, b"", NO_STORE);
}

#[tokio::test]
async fn not_found_response_is_404_for_an_unknown_token() {
    let (_, app) = not_found_app();
    for token in ["nope", "old"] {
        let reply = as_app1(&format!("token={token}")).send(&app).await;
        reply.assert(404, b"", NO_STORE);
    }
    as_app1("token=AT1").send(&app).await.assert_revoked();
    as_app1("token=AT1")
        .send(&app)
        .await
        .assert(404, b"", NO_STORE);
}

#[tokio::test]
async fn not_found_response_also_hides_another_clients_token_from_a_public_client() {
    let (store, app) = not_found_app();
    let reply = revoke("token=AT1&client_id=pub1").send(&app).await;
    reply.assert(404, b"", NO_STORE);
    assert!(store.is_active("AT1"));
}

/// One request for each kind of endpoint response.
fn every_kind_of_request() -> Vec<Req> {
    vec![
        get("/revoke"),
        post("/revoke", "token=AT2"),
        revoke("token=%ZZ"),
        revoke("token=a&token=b"),
        form("/revoke?token=AT2", ""),
        revoke(&"x".repeat(20_000)),
        revoke("token=AT2"),
        revoke("token=AT2").basic("app1", "wrong"),
        as_app1(""),
        as_app1("token=OT1"),
        as_app1("token=jwt"),
        as_app1("token=nope"),
        as_app1("token=AT2"),
    ]
}

#[tokio::test]
async fn every_endpoint_response_forbids_caching() {
    let configurations = [
        RevocationEndpointLayer::new(store()),
        RevocationEndpointLayer::new(store()).revoked_response(RevokedResponse::NoContent),
        RevocationEndpointLayer::new(store())
            .unknown_token_response(UnknownTokenResponse::NotFound),
    ];
    let mut statuses = Vec::new();
    for layer in configurations {
        let (router, inner) = app(layer);
        for req in every_kind_of_request() {
            let reply = req.send(&router).await;
            assert_eq!(reply.header("cache-control"), Some("no-store"), "{reply:?}");
            assert_eq!(reply.header("pragma"), Some("no-cache"), "{reply:?}");
            statuses.push(reply.status.as_u16());
        }
        assert!(inner.seen().is_empty());
    }
    let (router, _) = app(RevocationEndpointLayer::new(FailingStore::DOWN));
    let reply = as_app1("token=AT2").send(&router).await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    statuses.push(reply.status.as_u16());
    statuses.sort_unstable();
    statuses.dedup();
    assert_eq!(statuses, [200, 204, 400, 401, 404, 405, 413, 503]);
}
