//! Rule 2: the revocation request itself — media type, form encoding,
//! repeated parameters, secrets in the query (RFC 7009 §2.1, RFC 6749 §3.2,
//! §2.3.1). Each refusal leaves the token active.

use crate::support::{default_app, desc, form, request, revoke, store};
use http::Method;

#[tokio::test]
async fn missing_content_type_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::POST, "/revoke")
        .basic("app1", "s3cr3t")
        .body("token=AT1")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::CONTENT_TYPE);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn wrong_content_type_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    for content_type in [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencodedx",
        "",
    ] {
        let reply = request(Method::POST, "/revoke")
            .header("content-type", content_type)
            .basic("app1", "s3cr3t")
            .body("token=AT1")
            .send(&app)
            .await;
        reply.assert_invalid_request(desc::CONTENT_TYPE);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn repeated_content_type_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = revoke("token=AT1")
        .header("content-type", "application/x-www-form-urlencoded")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::CONTENT_TYPE);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn content_type_parameters_and_case_are_accepted() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::POST, "/revoke")
        .header(
            "content-type",
            "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
        )
        .basic("app1", "s3cr3t")
        .body("token=AT1")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn invalid_form_encoding_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    for body in [
        &b"token=AT1%ZZ"[..],
        b"token=AT1%",
        b"token=%FF",
        b"token=AT\xff1",
        b"token=AT1&x=%ZZ",
        b"%FF=1&token=AT1",
    ] {
        let reply = revoke("")
            .body(body)
            .basic("app1", "s3cr3t")
            .send(&app)
            .await;
        reply.assert_invalid_request(desc::FORM_ENCODING);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn duplicate_token_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    for body in [
        "token=AT1&token=AT1",
        "token=AT1&token=",
        "token=AT1&t%6Fken=RT1",
    ] {
        let reply = revoke(body).basic("app1", "s3cr3t").send(&app).await;
        reply.assert_invalid_request(desc::DUPLICATE);
    }
    assert!(store.is_active("AT1") && store.is_active("RT1"));
}

#[tokio::test]
async fn duplicate_hint_or_client_parameters_are_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    for body in [
        "token=AT1&token_type_hint=access_token&token_type_hint=access_token",
        "token=AT1&client_id=app1&client_id=app1&client_secret=s3cr3t",
        "token=AT1&client_id=app1&client_secret=s3cr3t&client_secret=s3cr3t",
    ] {
        let reply = revoke(body).send(&app).await;
        reply.assert_invalid_request(desc::DUPLICATE);
    }
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn token_in_the_query_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    for uri in [
        "/revoke?token=AT1",
        "/revoke?t%6Fken=AT1",
        "/revoke?a=1&token=",
    ] {
        let reply = form(uri, "token=AT1")
            .basic("app1", "s3cr3t")
            .send(&app)
            .await;
        reply.assert_invalid_request(desc::IN_QUERY);
    }
    let only_in_query = form("/revoke?token=AT1", "")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    only_in_query.assert_invalid_request(desc::IN_QUERY);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn client_secret_in_the_query_is_invalid_request() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = form("/revoke?client_id=app1&client_secret=s3cr3t", "token=AT1")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::IN_QUERY);
    assert!(store.is_active("AT1"));
}

#[tokio::test]
async fn other_query_parameters_are_ignored() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = form("/revoke?client_id=app2&lang=en", "token=AT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
}

#[tokio::test]
async fn unknown_body_parameters_are_ignored() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = revoke("foo=1&foo=2&token=AT1&scope=x;token=RT1")
        .basic("app1", "s3cr3t")
        .send(&app)
        .await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
    assert!(store.is_active("RT1"), "`;` does not separate parameters");
}

#[tokio::test]
async fn malformed_request_is_refused_before_client_authentication() {
    let store = store();
    let (app, _) = default_app(&store);
    let reply = request(Method::POST, "/revoke")
        .basic("nobody", "wrong")
        .body("token=AT1")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::CONTENT_TYPE);
    let reply = revoke("token=AT1&token=AT1")
        .basic("nobody", "wrong")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::DUPLICATE);
    assert!(store.is_active("AT1"));
}
