//! Rule 11 and the cache headers: the success response and its
//! alternatives, and `Cache-Control: no-store` / `Pragma: no-cache` on every
//! response of the endpoint (RFC 7009 §2.2, RFC 6749 §5.1).

use crate::stores::FailingStore;
use crate::support::{app, default_app, form, request, revoke, store, Req, JSON, NO_STORE};
use http::Method;
use tower_revoke::{RevocationEndpointLayer, RevokedResponse, UnknownTokenResponse};

#[tokio::test]
async fn revoked_token_is_200_with_an_empty_json_object() {
    let store = store();
    let (app, inner) = default_app(&store);
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
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
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert(204, b"", NO_STORE);
    assert!(!store.is_active("AT1"));
    let unknown = revoke("token=nope")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    unknown.assert(204, b"", NO_STORE);
}

#[tokio::test]
async fn not_found_response_is_404_for_an_unknown_token() {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .unknown_token_response(UnknownTokenResponse::NotFound);
    let (app, _) = app(layer);
    for token in ["nope", "old"] {
        let reply = revoke(&format!("token={token}"))
            .basic("app1", "s3cr3t")
            .send(&app)
            .await;
        reply.assert(404, b"", NO_STORE);
    }
    let reply = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    reply.assert_revoked();
    let again = revoke("token=AT1").basic("app1", "s3cr3t").send(&app).await;
    again.assert(404, b"", NO_STORE);
}

#[tokio::test]
async fn not_found_response_also_hides_another_clients_token_from_a_public_client() {
    let store = store();
    let layer = RevocationEndpointLayer::new(store.clone())
        .unknown_token_response(UnknownTokenResponse::NotFound);
    let (app, _) = app(layer);
    let reply = revoke("token=AT1&client_id=pub1").send(&app).await;
    reply.assert(404, b"", NO_STORE);
    assert!(store.is_active("AT1"));
}

/// One request for each kind of endpoint response.
fn every_kind_of_request() -> Vec<Req> {
    vec![
        request(Method::GET, "/revoke"),
        request(Method::POST, "/revoke").body("token=AT2"),
        revoke("token=%ZZ"),
        revoke("token=a&token=b"),
        form("/revoke?token=AT2", ""),
        revoke(&"x".repeat(20_000)),
        revoke("token=AT2"),
        revoke("token=AT2").basic("app1", "wrong"),
        revoke("").basic("app1", "s3cr3t"),
        revoke("token=OT1").basic("app1", "s3cr3t"),
        revoke("token=jwt").basic("app1", "s3cr3t"),
        revoke("token=nope").basic("app1", "s3cr3t"),
        revoke("token=AT2").basic("app1", "s3cr3t"),
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
    let (router, _) = app(RevocationEndpointLayer::new(FailingStore));
    let reply = revoke("token=AT2")
        .basic("app1", "s3cr3t")
        .send(&router)
        .await;
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    statuses.push(reply.status.as_u16());
    statuses.sort_unstable();
    statuses.dedup();
    assert_eq!(statuses, [200, 204, 400, 401, 404, 405, 413, 503]);
}
