//! Rule 1: the revocation endpoint accepts only `POST` (RFC 7009 §2.1).

use crate::support::{default_app, desc, form, request, revoke, store, Req, FORM};
use http::Method;

/// A request that would revoke `AT1` if its method were `POST`.
fn would_revoke(method: Method, uri: &str) -> Req {
    request(method, uri)
        .header("content-type", FORM)
        .basic("app1", "s3cr3t")
        .body("token=AT1")
}

#[tokio::test]
async fn get_on_the_endpoint_path_is_method_not_allowed() {
    let store = store();
    let (app, inner) = default_app(&store);
    let reply = would_revoke(Method::GET, "/revoke").send(&app).await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    assert!(store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn every_method_but_post_is_method_not_allowed() {
    let store = store();
    let (app, inner) = default_app(&store);
    let purge = Method::from_bytes(b"PURGE").unwrap();
    for method in [
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
        purge,
    ] {
        let reply = would_revoke(method, "/revoke").send(&app).await;
        reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    }
    assert!(store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn head_on_the_endpoint_path_is_method_not_allowed_without_a_body() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = would_revoke(Method::HEAD, "/revoke").send(&app).await;
    // `assert` checks that a HEAD response has an empty body and the
    // Content-Length of the JSON error it would have sent.
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
    assert!(reply.body.is_empty());
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn method_is_checked_before_content_type_and_client_authentication() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::GET, "/revoke").send(&app).await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);
}

#[tokio::test]
async fn callback_query_parameter_never_yields_jsonp() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::GET, "/revoke?callback=steal")
        .send(&app)
        .await;
    reply.assert_error(405, "invalid_request", desc::METHOD, &[("allow", "POST")]);

    let in_query = form("/revoke?callback=steal", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    in_query.assert_revoked();
    let in_body = revoke("token=RT1&callback=steal")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    in_body.assert_revoked();
    assert!(!store.is_active("AT1") && !store.is_active("RT1"));
}
