//! Rule 2: the revocation request itself — media type, form encoding,
//! repeated parameters, secrets in the query (RFC 7009 §2.1, RFC 6749 §3.2,
//! §2.3.1). Each refusal leaves the token active.

use crate::fixture::{as_app1, default_app, revoke, send_fresh};
use crate::support::desc;
use crate::support::request::{form, post, Req};
use tower_revoke::MemoryStore;

/// Asserts that the default app refuses each of `requests` with 400
/// `invalid_request` and `description`, and revokes nothing.
async fn assert_refused(description: &str, requests: impl IntoIterator<Item = Req>) {
    let (store, app, _) = default_app();
    for request in requests {
        request.send(&app).await.assert_invalid_request(description);
    }
    assert!(store.is_active("AT1") && store.is_active("RT1"));
}

/// Asserts that the default app revokes `AT1` for `request`; returns the
/// store.
async fn assert_revokes_at1(request: Req) -> MemoryStore {
    let (store, reply) = send_fresh(request).await;
    reply.assert_revoked();
    assert!(!store.is_active("AT1"));
    store
}

/// `token=AT1` for `app1`, with this `Content-Type`.
fn with_content_type(content_type: &str) -> Req {
    let request = post("/revoke", "token=AT1").basic("app1", "s3cr3t");
    request.header("content-type", content_type)
}

#[tokio::test]
async fn missing_content_type_is_invalid_request() {
    let request = post("/revoke", "token=AT1").basic("app1", "s3cr3t");
    assert_refused(desc::CONTENT_TYPE, [request]).await;
}

#[tokio::test]
async fn wrong_content_type_is_invalid_request() {
    let requests = [
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/x-www-form-urlencodedx",
        "",
    ]
    .map(with_content_type);
    assert_refused(desc::CONTENT_TYPE, requests).await;
}

#[tokio::test]
async fn repeated_content_type_is_invalid_request() {
    let request = as_app1("token=AT1").header("content-type", "application/x-www-form-urlencoded");
    assert_refused(desc::CONTENT_TYPE, [request]).await;
}

#[tokio::test]
async fn content_type_parameters_and_case_are_accepted() {
    let content_type = "Application/X-WWW-Form-URLEncoded; charset=UTF-8";
    assert_revokes_at1(with_content_type(content_type)).await;
}

#[tokio::test]
async fn invalid_form_encoding_is_invalid_request() {
    let requests = [
        &b"token=AT1%ZZ"[..],
        b"token=AT1%",
        b"token=%FF",
        b"token=AT\xff1",
        b"token=AT1&x=%ZZ",
        b"%FF=1&token=AT1",
    ]
    .map(|body| as_app1("").body(body));
    assert_refused(desc::FORM_ENCODING, requests).await;
}

#[tokio::test]
async fn duplicate_token_is_invalid_request() {
    let requests = [
        "token=AT1&token=AT1",
        "token=AT1&token=",
        "token=AT1&t%6Fken=RT1",
    ]
    .map(as_app1);
    assert_refused(desc::DUPLICATE, requests).await;
}

#[tokio::test]
async fn duplicate_hint_or_client_parameters_are_invalid_request() {
    let requests = [
        "token=AT1&token_type_hint=access_token&token_type_hint=access_token",
        "token=AT1&client_id=app1&client_id=app1&client_secret=s3cr3t",
        "token=AT1&client_id=app1&client_secret=s3cr3t&client_secret=s3cr3t",
    ]
    .map(revoke);
    assert_refused(desc::DUPLICATE, requests).await;
}

#[tokio::test]
async fn token_in_the_query_is_invalid_request() {
    let in_query_and_body = [
        "/revoke?token=AT1",
        "/revoke?t%6Fken=AT1",
        "/revoke?a=1&token=",
    ]
    .map(|uri| form(uri, "token=AT1"));
    let only_in_query = form("/revoke?token=AT1", "");
    let requests = in_query_and_body.into_iter().chain([only_in_query]);
    let requests = requests.map(|request| request.basic("app1", "s3cr3t"));
    assert_refused(desc::IN_QUERY, requests).await;
}

#[tokio::test]
async fn client_secret_in_the_query_is_invalid_request() {
    let request = form("/revoke?client_id=app1&client_secret=s3cr3t", "token=AT1");
    assert_refused(desc::IN_QUERY, [request]).await;
}

#[tokio::test]
async fn other_query_parameters_are_ignored() {
    let request = form("/revoke?client_id=app2&lang=en", "token=AT1");
    assert_revokes_at1(request.basic("app1", "s3cr3t")).await;
}

#[tokio::test]
async fn unknown_body_parameters_are_ignored() {
    let store = assert_revokes_at1(as_app1("foo=1&foo=2&token=AT1&scope=x;token=RT1")).await;
    assert!(store.is_active("RT1"), "`;` does not separate parameters");
}

#[tokio::test]
async fn malformed_request_is_refused_before_client_authentication() {
    let request = post("/revoke", "token=AT1").basic("nobody", "wrong");
    assert_refused(desc::CONTENT_TYPE, [request]).await;
    let request = revoke("token=AT1&token=AT1").basic("nobody", "wrong");
    assert_refused(desc::DUPLICATE, [request]).await;
}
