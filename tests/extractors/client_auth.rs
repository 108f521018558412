//! Client authentication in `ClientRevocation`: exactly one method across the
//! headers and the body (RFC 6749 §2.3, §2.3.1, RFC 7617 §2).

use crate::echo::{basic_creds, creds, router, router_with, strict_router};
use crate::support::request::{basic, form, Req};
use crate::support::{challenge, desc};
use axum::Router;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
use base64::Engine;
use serde_json::Value;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{AppKeyHeaders, RequestReader};

fn app_keys() -> Router {
    router_with(
        RequestReader::default()
            .app_key_headers(AppKeyHeaders::default())
            .client_auth_methods(
                ClientAuthMethods::default().with(ClientAuthMethod::AppKeyHeaders),
            ),
    )
}

/// `POST /revoke` with a token and this form body's client parameters.
fn revoke(client: &str) -> Req {
    form("/revoke", format!("token=abc{client}"))
}

/// `req` with app1's app-key headers.
fn with_app_keys(req: Req) -> Req {
    req.header("x-app-id", "app1")
        .header("x-app-token", "s3cr3t")
}

/// The client that `ClientRevocation` reads from `Authorization:
/// <authorization>`.
async fn client(app: &Router, authorization: &str) -> Value {
    let request = revoke("").header("authorization", authorization);
    request.case(authorization).send(app).await.ok()["client"].clone()
}

#[tokio::test]
async fn rfc6749_example_header_is_accepted() {
    // RFC 6749 §2.3.1.
    let authorization = "Basic czZCaGRSa3F0Mzo3RmpmcDBaQnIxS3REUmJuZlZkbUl3";
    let expected = basic_creds("s6BhdRkqt3", "7Fjfp0ZBr1KtDRbnfVdmIw");
    assert_eq!(client(&router(), authorization).await, expected);
}

#[tokio::test]
async fn basic_scheme_is_matched_in_any_case_after_one_or_more_spaces() {
    let app = router();
    let encoded = STANDARD.encode("app1:s3cr3t");
    for scheme in ["Basic ", "basic ", "BASIC ", "bAsIc ", "Basic    "] {
        let authorization = format!("{scheme}{encoded}");
        let expected = basic_creds("app1", "s3cr3t");
        assert_eq!(client(&app, &authorization).await, expected);
    }
}

#[tokio::test]
async fn basic_base64_is_accepted_with_or_without_padding() {
    let app = router();
    for encoded in [STANDARD.encode("ab:c"), STANDARD_NO_PAD.encode("ab:c")] {
        let authorization = format!("Basic {encoded}");
        assert_eq!(client(&app, &authorization).await, basic_creds("ab", "c"));
    }
}

#[tokio::test]
async fn basic_credentials_are_form_decoded() {
    let app = strict_router();
    for (raw, id, secret) in [
        ("a%2Bb+c:x", "a+b c", "x"),
        ("id:pa%3Ass", "id", "pa:ss"),
        ("id:100%25real", "id", "100%real"),
        ("a%3Ab:s", "a:b", "s"),
    ] {
        let expected = basic_creds(id, secret);
        assert_eq!(client(&app, &basic(raw)).await, expected, "{raw}");
    }
}

#[tokio::test]
async fn utf8_secrets_work_encoded_or_raw() {
    let app = strict_router();
    for raw in ["id:p%C3%A4ss", "id:päss"] {
        let expected = basic_creds("id", "päss");
        assert_eq!(client(&app, &basic(raw)).await, expected, "{raw}");
    }
}

#[tokio::test]
async fn basic_splits_at_the_first_colon() {
    let expected = basic_creds("id", "a:b");
    assert_eq!(client(&router(), &basic("id:a:b")).await, expected);
}

/// Malformed `Authorization: Basic` values, each with what is wrong.
pub fn malformed_basic() -> Vec<(&'static str, String)> {
    let url_safe = URL_SAFE.encode("id:s>?~");
    assert!(
        url_safe.contains(['-', '_']),
        "the URL-safe encoding must differ: {url_safe}"
    );
    vec![
        ("bad base64", "Basic !!!".to_owned()),
        ("trailing junk", format!("{} junk", basic("id:s"))),
        ("extra padding", format!("{}=", basic("id:s"))),
        ("URL-safe alphabet", format!("Basic {url_safe}")),
        ("no colon", basic("no-colon")),
        ("empty secret", basic("id:")),
        ("empty id", basic(":secret")),
        ("control character", basic("id:a\u{1}b")),
        ("escaped control character", basic("id:a%01b")),
        ("invalid UTF-8", basic(b"id:\xff")),
        ("escape to invalid UTF-8", basic("id:%FF")),
        ("bad escape", basic("id:%ZZ")),
        (
            "tab instead of space",
            format!("Basic\t{}", STANDARD.encode("id:s")),
        ),
        ("Basic alone", "Basic".to_owned()),
        ("Basic and spaces", "Basic   ".to_owned()),
    ]
}

#[tokio::test]
async fn malformed_basic_is_invalid_client_with_error_challenge() {
    let app = strict_router();
    for (what, value) in malformed_basic() {
        let request = revoke("").header("authorization", &value).case(what);
        let reply = request.send(&app).await;
        reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC_INVALID_CLIENT);
    }
}

#[tokio::test]
async fn other_scheme_is_invalid_client_with_error_challenge() {
    let app = router();
    for value in [
        "Bearer mF_9.B5f-4.1JqM",
        "Digest username=\"app1\"",
        "Basicabc",
    ] {
        let request = revoke("&client_id=app1").header("authorization", value);
        let reply = request.send(&app).await;
        reply.assert_invalid_client(desc::OTHER_SCHEME, challenge::BASIC_INVALID_CLIENT);
    }
}

#[tokio::test]
async fn missing_client_credentials_is_invalid_client_without_error_attribute() {
    let reply = revoke("").send(&router()).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn empty_body_client_credentials_are_missing() {
    let reply = revoke("&client_id=&client_secret=").send(&router()).await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn basic_with_body_client_secret_is_invalid_request() {
    let request = revoke("&client_id=app1&client_secret=s3cr3t").basic("app1", "s3cr3t");
    let reply = request.send(&router()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn two_authorization_headers_are_invalid_request() {
    let request = revoke("").basic("app1", "s3cr3t").basic("app1", "s3cr3t");
    let reply = request.send(&router()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn app_key_with_basic_is_invalid_request() {
    let request = with_app_keys(revoke("").basic("app1", "s3cr3t"));
    let reply = request.send(&app_keys()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn app_key_with_body_client_secret_is_invalid_request() {
    let request = with_app_keys(revoke("&client_id=app1&client_secret=s3cr3t"));
    let reply = request.send(&app_keys()).await;
    reply.assert_invalid_request(desc::MULTIPLE_METHODS);
}

#[tokio::test]
async fn app_key_headers_authenticate_the_revocation() {
    let request = with_app_keys(revoke("&client_id=app1"));
    let reply = request.send(&app_keys()).await;
    let expected = creds("app_key_headers", "app1", Some("s3cr3t"));
    assert_eq!(reply.ok()["client"], expected);
}

#[tokio::test]
async fn body_client_id_equal_to_basic_id_is_accepted() {
    let request = revoke("&client_id=app1").basic("app1", "s3cr3t");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok()["client"], basic_creds("app1", "s3cr3t"));
}

#[tokio::test]
async fn body_client_id_different_from_basic_id_is_invalid_request() {
    let app = router();
    for client in ["&client_id=app2", "&client_id=APP1", "&client_id=app1+"] {
        let reply = revoke(client).basic("app1", "s3cr3t").send(&app).await;
        reply.assert_invalid_request(desc::CLIENT_ID_MISMATCH);
    }
}

#[tokio::test]
async fn body_client_id_without_secret_is_method_none() {
    let reply = revoke("&client_id=app1&client_secret=")
        .send(&router())
        .await;
    assert_eq!(reply.ok()["client"], creds("none", "app1", None));
}

#[tokio::test]
async fn body_client_id_and_secret_are_client_secret_post() {
    let body = "client_id=app+1&client_secret=s%3Acr%2B3t&token=abc";
    let reply = form("/revoke", body).send(&router()).await;
    let expected = creds("client_secret_post", "app 1", Some("s:cr+3t"));
    assert_eq!(reply.ok()["client"], expected);
}

#[tokio::test]
async fn body_client_secret_without_client_id_is_invalid_request() {
    let reply = revoke("&client_secret=s3cr3t").send(&router()).await;
    reply.assert_invalid_request(desc::MISSING_CLIENT_ID);
}

#[tokio::test]
async fn body_client_id_with_control_character_is_invalid_client() {
    let reply = revoke("&client_id=app%0A1").send(&router()).await;
    reply.assert_invalid_client(desc::MALFORMED_CLIENT, challenge::BASIC);
}

#[tokio::test]
async fn method_the_configuration_refuses_is_invalid_client() {
    let only_basic = ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic);
    let app = router_with(RequestReader::default().client_auth_methods(only_basic));
    for client in ["&client_id=app1&client_secret=s3cr3t", "&client_id=app1"] {
        let reply = revoke(client).send(&app).await;
        reply.assert_invalid_client(desc::METHOD_NOT_ALLOWED, challenge::BASIC);
    }
    let reply = revoke("").basic("app1", "s3cr3t").send(&app).await;
    assert_eq!(reply.ok()["client"]["method"], "client_secret_basic");
}

#[tokio::test]
async fn client_authentication_is_checked_before_a_missing_token() {
    let app = router();
    let reply = form("/revoke", "token_type_hint=access_token")
        .send(&app)
        .await;
    reply.assert_invalid_client(desc::MISSING_CLIENT, challenge::BASIC);
    let reply = form("/revoke", "token_type_hint=access_token&client_id=app1")
        .send(&app)
        .await;
    reply.assert_invalid_request(desc::MISSING_TOKEN);
}
