//! The request rules the introspection endpoint shares with the revocation
//! endpoint: `POST` only, form bodies, no duplicates, nothing secret in the
//! query, a body limit, a required `token` (RFC 7662 §2.1).

use crate::fixture::{app, introspect, introspect_as};
use crate::support::desc;
use crate::support::request::{get, post, request, FORM};
use http::Method;

#[tokio::test]
async fn every_method_but_post_is_method_not_allowed_with_allow_post() {
    let (_, app, reached) = app();
    for method in [Method::GET, Method::PUT, Method::DELETE, Method::OPTIONS] {
        let reply = request(method, "/introspect")
            .header("content-type", FORM)
            .basic("app1", "s3cr3t")
            .body("token=AT1")
            .send(&app)
            .await;
        reply.assert_introspection_method_not_allowed();
    }
    assert_eq!(reached.count(), 0);
}

#[tokio::test]
async fn head_is_method_not_allowed_without_content() {
    let (_, app, _) = app();
    let reply = request(Method::HEAD, "/introspect").send(&app).await;
    reply.assert_introspection_method_not_allowed();
    assert!(reply.body.is_empty());
}

#[tokio::test]
async fn a_body_that_is_not_a_form_is_invalid_request() {
    let (_, app, _) = app();
    let json = post("/introspect", r#"{"token":"AT1"}"#)
        .header("content-type", "application/json")
        .basic("app1", "s3cr3t");
    json.send(&app)
        .await
        .assert_invalid_request(desc::CONTENT_TYPE);
    let none = post("/introspect", "token=AT1").basic("app1", "s3cr3t");
    none.send(&app)
        .await
        .assert_invalid_request(desc::CONTENT_TYPE);
}

#[tokio::test]
async fn repeated_parameters_are_invalid_request() {
    let (_, app, _) = app();
    for body in [
        "token=AT1&token=AT2",
        "token=AT1&token_type_hint=access_token&token_type_hint=refresh_token",
        "token=AT1&client_id=app1&client_id=app1",
    ] {
        let reply = introspect_as("app1", body).send(&app).await;
        reply.assert_invalid_request(desc::DUPLICATE);
    }
}

#[tokio::test]
async fn a_token_or_secret_in_the_query_is_invalid_request() {
    let (_, app, _) = app();
    for uri in ["/introspect?token=AT1", "/introspect?client_secret=s3cr3t"] {
        let reply = crate::support::request::form(uri, "token=AT1")
            .basic("app1", "s3cr3t")
            .send(&app)
            .await;
        reply.assert_invalid_request(desc::IN_QUERY);
        reply.assert_hides(&["AT1", "s3cr3t"]);
    }
}

#[tokio::test]
async fn a_missing_or_empty_token_is_invalid_request() {
    let (_, app, _) = app();
    for body in ["", "token=", "token_type_hint=access_token"] {
        let reply = introspect_as("app1", body).send(&app).await;
        reply.assert_invalid_request(desc::MISSING_TOKEN);
    }
}

#[tokio::test]
async fn bad_form_encoding_is_invalid_request() {
    let (_, app, _) = app();
    let reply = introspect_as("app1", "token=%ZZ").send(&app).await;
    reply.assert_invalid_request(desc::FORM_ENCODING);
}

#[tokio::test]
async fn a_body_over_the_limit_is_payload_too_large() {
    let (_, app, _) = app();
    let body = format!("token=AT1&pad={}", "a".repeat(16 * 1024));
    let reply = introspect_as("app1", &body).send(&app).await;
    reply.assert_error(413, "invalid_request", desc::TOO_LARGE, &[]);
}

#[tokio::test]
async fn other_paths_reach_the_application() {
    let (_, app, reached) = app();
    let reply = get("/introspect/x").send(&app).await;
    assert_eq!(reply.status, 418);
    let reply = introspect("token=AT1").basic("app1", "s3cr3t");
    let reply = reply.send(&app).await;
    reply.assert_active();
    let elsewhere = crate::support::request::form("/introspection", "token=AT1");
    assert_eq!(elsewhere.send(&app).await.status, 418);
    assert_eq!(reached.count(), 2);
}
