//! The endpoint over real HTTP/1.1 (a hyper 1 server on loopback), and
//! `tower-test`'s mock showing that an introspection request never reaches
//! the inner service.

use crate::fixture::{app, introspect, introspect_as, revoke_as_app1, store};
use crate::support::challenge;
use crate::support::desc;
use crate::support::wire::serve;
use bytes::Bytes;
use http::{Request, Response};
use http_body_util::Full;
use tokio_test::assert_ready_ok;
use tower_revoke::IntrospectionEndpointLayer;
use tower_test::mock;

#[tokio::test]
async fn introspection_and_revocation_agree_over_http() {
    let (_, app, reached) = app();
    let server = serve(app).await;
    let members = server
        .send(introspect_as("app1", "token=AT1"))
        .await
        .assert_active();
    assert_eq!(members["sub"], "alice");
    server
        .send(revoke_as_app1("token=AT1"))
        .await
        .assert_revoked();
    server
        .send(introspect_as("app1", "token=AT1"))
        .await
        .assert_inactive();
    assert_eq!(reached.count(), 0);
}

#[tokio::test]
async fn refusals_over_http_carry_their_headers() {
    let (_, app, _) = app();
    let server = serve(app).await;
    let reply = server.send(introspect("token=AT1")).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
    let get = crate::support::request::get("/introspect");
    server
        .send(get)
        .await
        .assert_introspection_method_not_allowed();
    let other = server.send(introspect_as("app2", "token=AT1")).await;
    other.assert_inactive();
}

#[tokio::test]
async fn an_introspection_request_never_reaches_inner() {
    let layer = IntrospectionEndpointLayer::new(store());
    let (mut service, mut handle) =
        mock::spawn_layer::<Request<Full<Bytes>>, Response<Full<Bytes>>, _>(layer);
    handle.allow(1);
    assert_ready_ok!(service.poll_ready());
    let request = introspect_as("app1", "token=AT1").buffered().map(Full::new);
    let response = service.call(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let waiting = tokio_test::task::spawn(handle.next_request()).poll();
    assert!(waiting.is_pending(), "inner was called");
}
