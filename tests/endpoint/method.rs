//! Rule 1: the revocation endpoint accepts only `POST` (RFC 7009 §2.1).

use crate::fixture::{as_app1, default_app};
use crate::support::request::{form, get, request, Req, FORM};
use http::Method;

/// A request that would revoke `AT1` if its method were `POST`.
fn would_revoke(method: Method) -> Req {
    request(method, "/revoke")
        .header("content-type", FORM)
        .basic("app1", "s3cr3t")
        .body("token=AT1")
}

/// Asserts that the default app answers each of `methods` at `/revoke`
/// with 405, revoking nothing and passing nothing on.
async fn assert_not_allowed(methods: impl IntoIterator<Item = Method>) {
    let (store, app, inner) = default_app();
    for method in methods {
        would_revoke(method)
            .send(&app)
            .await
            .assert_method_not_allowed();
    }
    assert!(store.is_active("AT1"));
    assert!(inner.seen().is_empty());
}

#[tokio::test]
async fn get_on_the_endpoint_path_is_method_not_allowed() {
    assert_not_allowed([Method::GET]).await;
}

#[tokio::test]
async fn every_method_but_post_is_method_not_allowed() {
    let purge = Method::from_bytes(b"PURGE").unwrap();
    assert_not_allowed([
        Method::PUT,
        Method::DELETE,
        Method::PATCH,
        Method::OPTIONS,
        Method::TRACE,
        purge,
    ])
    .await;
}

#[tokio::test]
async fn head_on_the_endpoint_path_is_method_not_allowed_without_a_body() {
    let (store, app, _) = default_app();
    let reply = would_revoke(Method::HEAD).send(&app).await;
    // `assert` checks that a HEAD response has an empty body and the
    // Content-Length of the JSON error it would have sent.
    reply.assert_method_not_allowed();
    assert!(reply.body.is_empty());
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn method_is_checked_before_content_type_and_client_authentication() {
    let (_, app, _) = default_app();
    get("/revoke").send(&app).await.assert_method_not_allowed();
}

#[tokio::test]
async fn callback_query_parameter_never_yields_jsonp() {
    let (store, app, _) = default_app();
    let reply = get("/revoke?callback=steal").send(&app).await;
    reply.assert_method_not_allowed();
    let in_query = form("/revoke?callback=steal", "token=AT1").basic("app1", "s3cr3t");
    in_query.send(&app).await.assert_revoked();
    as_app1("token=RT1&callback=steal")
        .send(&app)
        .await
        .assert_revoked();
    assert!(!store.is_active("AT1") && !store.is_active("RT1"));
}
