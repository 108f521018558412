//! The header-only extractors: `ClientCredentials` (RFC 6749 §2.3.1, app-key
//! headers) and `BearerToken` (RFC 6750 §2.1), plain and optional, and the
//! realm of their challenges.

use crate::echo::{basic_creds, creds, router, router_with};
use crate::support::request::{basic, form, get, Req};
use crate::support::{challenge, desc};
use axum::Extension;
use http::HeaderName;
use serde_json::{json, Value};
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{AppKeyHeaders, RequestReader};
use tower_revoke::response::Realm;

fn app_keys() -> axum::Router {
    router_with(
        RequestReader::default()
            .app_key_headers(AppKeyHeaders::default())
            .client_auth_methods(
                ClientAuthMethods::default().with(ClientAuthMethod::AppKeyHeaders),
            ),
    )
}

/// `req` with app1's app-key headers.
fn with_app_keys(req: Req) -> Req {
    req.header("x-app-id", "app1")
        .header("x-app-token", "s3cr3t")
}

#[tokio::test]
async fn client_credentials_are_read_from_basic() {
    let reply = get("/client").basic("app1", "s3cr3t").send(&router()).await;
    assert_eq!(reply.ok(), basic_creds("app1", "s3cr3t"));
}

#[tokio::test]
async fn client_credentials_are_read_from_app_key_headers() {
    let reply = with_app_keys(get("/client")).send(&app_keys()).await;
    assert_eq!(reply.ok(), creds("app_key_headers", "app1", Some("s3cr3t")));
}

#[tokio::test]
async fn app_key_header_names_are_configurable() {
    let headers = AppKeyHeaders {
        client_id: HeaderName::from_static("x-client"),
        client_secret: HeaderName::from_static("x-client-key"),
    };
    let app = router_with(
        RequestReader::default()
            .app_key_headers(headers)
            .client_auth_methods(
                ClientAuthMethods::default().with(ClientAuthMethod::AppKeyHeaders),
            ),
    );
    let reply = get("/client")
        .header("x-client", "app1")
        .header("x-client-key", "s3cr3t")
        .send(&app)
        .await;
    assert_eq!(reply.ok(), creds("app_key_headers", "app1", Some("s3cr3t")));
}

#[tokio::test]
async fn incomplete_app_key_pair_is_invalid_client() {
    let app = app_keys();
    for (name, value) in [("x-app-id", "app1"), ("x-app-token", "s3cr3t")] {
        for request in [get("/client"), form("/revoke", "token=abc")] {
            let reply = request.header(name, value).send(&app).await;
            reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC);
        }
    }
}

#[tokio::test]
async fn repeated_app_key_header_is_invalid_request() {
    let request = with_app_keys(get("/client").header("x-app-id", "app1"));
    let reply = request.send(&app_keys()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn app_key_headers_are_ignored_unless_configured() {
    let reply = with_app_keys(get("/client")).send(&router()).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn client_credentials_without_headers_are_invalid_client() {
    let reply = get("/client?client_id=app1").send(&router()).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn client_credentials_with_another_scheme_are_invalid_client() {
    let request = get("/client").header("authorization", "Bearer mF_9.B5f-4.1JqM");
    let reply = request.send(&router()).await;
    reply.assert_invalid_client(desc::OTHER_SCHEME, challenge::BASIC_INVALID_CLIENT);
}

#[tokio::test]
async fn client_credentials_with_two_authorization_headers_are_invalid_request() {
    let request = get("/client")
        .basic("app1", "s3cr3t")
        .basic("app2", "s3cr3t");
    let reply = request.send(&router()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn optional_client_credentials_are_none_without_credential_headers() {
    let reply = get("/client-optional").send(&router()).await;
    assert_eq!(reply.ok(), Value::Null);
    let request = get("/client-optional").header("x-app-id", "app1");
    assert_eq!(
        request.send(&router()).await.ok(),
        Value::Null,
        "app-key headers are not a method by default"
    );
}

#[tokio::test]
async fn optional_client_credentials_are_read_when_present() {
    let request = get("/client-optional").basic("app1", "s3cr3t");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), basic_creds("app1", "s3cr3t"));
    let reply = with_app_keys(get("/client-optional"))
        .send(&app_keys())
        .await;
    assert_eq!(reply.ok(), creds("app_key_headers", "app1", Some("s3cr3t")));
}

#[tokio::test]
async fn optional_client_credentials_reject_malformed_credentials() {
    let optional = || get("/client-optional");
    for (app, request, description, challenge) in [
        (
            router(),
            optional().header("authorization", basic("no-colon")),
            desc::MALFORMED_CLIENT,
            challenge::BASIC_INVALID_CLIENT,
        ),
        (
            router(),
            optional().header("authorization", "Bearer abc"),
            desc::OTHER_SCHEME,
            challenge::BASIC_INVALID_CLIENT,
        ),
        (
            app_keys(),
            optional().header("x-app-token", "s3cr3t"),
            desc::MALFORMED_CLIENT,
            challenge::BASIC,
        ),
    ] {
        let reply = request.send(&app).await;
        reply.assert_invalid_client(description, challenge);
    }
}

#[tokio::test]
async fn bearer_token_is_extracted() {
    let app = router();
    for (value, token) in [
        ("Bearer mF_9.B5f-4.1JqM", "mF_9.B5f-4.1JqM"),
        ("bearer  abc+/==", "abc+/=="),
    ] {
        let reply = get("/bearer")
            .header("authorization", value)
            .send(&app)
            .await;
        assert_eq!(reply.ok(), json!({ "bearer": token }));
    }
}

#[tokio::test]
async fn missing_bearer_token_is_challenged_without_error_information() {
    let reply = get("/bearer").send(&router()).await;
    reply.assert_bearer_required(challenge::BEARER);
}

#[tokio::test]
async fn another_scheme_is_a_missing_bearer_token() {
    let reply = get("/bearer").basic("app1", "s3cr3t").send(&router()).await;
    reply.assert_bearer_required(challenge::BEARER);
}

#[tokio::test]
async fn malformed_bearer_token_is_invalid_request() {
    let app = router();
    for value in [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer =abc",
        "Bearer a=b",
        "Bearer\tabc",
        "Bearer ä",
    ] {
        let reply = get("/bearer")
            .header("authorization", value)
            .send(&app)
            .await;
        reply.assert_bearer_malformed(challenge::BEARER_INVALID_REQUEST);
    }
}

/// RFC 6750 §3: the challenge's `error` attribute names the error of the
/// response, here `invalid_request`, not `invalid_token`.
#[tokio::test]
async fn two_authorization_headers_are_an_invalid_bearer_request() {
    let request = get("/bearer").bearer("abc").bearer("def");
    request
        .send(&router())
        .await
        .assert_multiple_authorization();
}

#[tokio::test]
async fn optional_bearer_token_is_none_without_authorization() {
    let reply = get("/bearer-optional").send(&router()).await;
    assert_eq!(reply.ok(), Value::Null);
}

#[tokio::test]
async fn optional_bearer_token_is_read_when_present() {
    let request = get("/bearer-optional").bearer("mF_9.B5f-4.1JqM");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({ "bearer": "mF_9.B5f-4.1JqM" }));
}

#[tokio::test]
async fn optional_bearer_token_rejects_a_malformed_token() {
    let reply = get("/bearer-optional").bearer("a b").send(&router()).await;
    reply.assert_bearer_malformed(challenge::BEARER_INVALID_REQUEST);
}

#[tokio::test]
async fn optional_bearer_token_rejects_another_scheme() {
    let request = get("/bearer-optional").basic("app1", "s3cr3t");
    let reply = request.send(&router()).await;
    reply.assert_bearer_required(challenge::BEARER);
}

#[tokio::test]
async fn configured_realm_appears_in_the_basic_challenge() {
    let app = router().layer(Extension(Realm::new("api \"v2\"")));
    let reply = get("/client").send(&app).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, r#"Basic realm="api \"v2\"""#);
    let reply = get("/client")
        .header("authorization", "Basic !")
        .send(&app)
        .await;
    let expected = r#"Basic realm="api \"v2\"", error="invalid_client""#;
    reply.assert_invalid_client(desc::MALFORMED_CLIENT, expected);
    let reply = form("/revoke", "token=abc").send(&app).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, r#"Basic realm="api \"v2\"""#);
}

#[tokio::test]
async fn configured_realm_appears_in_the_bearer_challenge() {
    let app = router().layer(Extension(Realm::new("api")));
    let reply = get("/bearer").send(&app).await;
    reply.assert_bearer_required(r#"Bearer realm="api""#);
    let request = get("/bearer-optional").header("authorization", "Bearer =");
    let reply = request.send(&app).await;
    let expected = r#"Bearer realm="api", error="invalid_request""#;
    reply.assert_bearer_malformed(expected);
}
