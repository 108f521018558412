//! The revocation request itself: media type, form decoding, parameters,
//! query string (RFC 7009 §2.1, RFC 6749 §3.2).

use crate::echo::{basic_creds, creds, router, router_with};
use crate::support::desc;
use crate::support::request::{form, post, Req};
use serde_json::json;
use tower_revoke::request::{BodyEncoding, RequestReader};

/// Asserts that the router refuses each of `requests` with 400
/// `invalid_request` and `description`.
async fn assert_refused(description: &str, requests: impl IntoIterator<Item = Req>) {
    let app = router();
    for request in requests {
        request.send(&app).await.assert_invalid_request(description);
    }
}

/// A form POST of `body` to `/request`, named by its body.
fn to_request(body: &'static str) -> Req {
    form("/request", body).case(body)
}

#[tokio::test]
async fn form_content_type_is_accepted_in_any_case_and_with_parameters() {
    let app = router();
    for content_type in [
        "application/x-www-form-urlencoded",
        "APPLICATION/X-WWW-FORM-URLENCODED",
        "Application/X-Www-Form-Urlencoded",
        "application/x-www-form-urlencoded; charset=UTF-8",
        "application/x-www-form-urlencoded;charset=utf-8",
    ] {
        let request = post("/request", "token=abc").header("content-type", content_type);
        let expected = json!({"token": "abc", "hint": null});
        assert_eq!(request.send(&app).await.ok(), expected, "{content_type}");
    }
}

#[tokio::test]
async fn other_content_type_is_invalid_request() {
    let cases = [
        ("application/json", r#"{"token":"abc"}"#),
        ("text/plain", "token=abc"),
        (
            "multipart/form-data; boundary=x",
            "--x\r\n\r\ntoken=abc\r\n--x--",
        ),
        ("application/x-www-form-urlencoded-extra", "token=abc"),
    ];
    let requests = cases.into_iter().flat_map(|(content_type, body)| {
        ["/request", "/revoke"].map(|uri| {
            let request = post(uri, body).header("content-type", content_type);
            request.basic("app1", "s3cr3t")
        })
    });
    assert_refused(desc::CONTENT_TYPE, requests).await;
}

#[tokio::test]
async fn missing_content_type_is_invalid_request() {
    let requests = ["/request", "/revoke"].map(|uri| post(uri, "token=abc&client_id=app1"));
    assert_refused(desc::CONTENT_TYPE, requests).await;
}

#[tokio::test]
async fn invalid_percent_escape_is_invalid_request() {
    let bodies = ["token=%ZZ", "token=abc%", "token=abc%4", "token=abc&x=%ZZ"];
    assert_refused(desc::FORM_ENCODING, bodies.map(to_request)).await;
}

#[tokio::test]
async fn escape_decoding_to_invalid_utf8_is_invalid_request() {
    let bodies = ["token=%FF", "token=a%C3", "%FF=1&token=abc"];
    assert_refused(desc::FORM_ENCODING, bodies.map(to_request)).await;
}

#[tokio::test]
async fn raw_non_utf8_body_is_invalid_request() {
    let body: &'static [u8] = b"token=a\xffb";
    let reply = form("/request", body).send(&router()).await;
    reply.assert_invalid_request(desc::FORM_ENCODING);
}

#[tokio::test]
async fn plus_in_a_form_value_is_a_space() {
    let request = form("/request", "token=a+b%2Bc&token_type_hint=x+y");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({"token": "a b+c", "hint": "x y"}));
}

#[tokio::test]
async fn percent_escapes_decode_to_utf8() {
    let request = form("/request", "token=%C3%A9t%C3%A9%26%3D");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({"token": "été&=", "hint": null}));
}

#[tokio::test]
async fn empty_token_type_hint_is_absent() {
    let request = form("/request", "token=abc&token_type_hint=");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
}

#[tokio::test]
async fn token_type_hint_is_echoed_verbatim_when_unknown() {
    let request = form("/request", "token=abc&token_type_hint=id_token");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": "id_token"}));
}

#[tokio::test]
async fn absent_token_is_invalid_request() {
    let bodies = [
        "",
        "token_type_hint=access_token",
        "tokens=abc",
        "Token=abc",
    ];
    assert_refused(desc::MISSING_TOKEN, bodies.map(to_request)).await;
}

#[tokio::test]
async fn empty_token_is_invalid_request() {
    let bodies = ["token=", "token", "token=&token_type_hint=access_token"];
    assert_refused(desc::MISSING_TOKEN, bodies.map(to_request)).await;
}

#[tokio::test]
async fn duplicate_token_is_invalid_request() {
    let bodies = [
        "token=a&token=b",
        "token=a&token=a",
        "token=a&token=",
        "token=a&t%6Fken=b",
    ];
    assert_refused(desc::DUPLICATE, bodies.map(to_request)).await;
}

#[tokio::test]
async fn duplicate_token_type_hint_is_invalid_request() {
    let body = "token=a&token_type_hint=access_token&token_type_hint=refresh_token";
    assert_refused(desc::DUPLICATE, [to_request(body)]).await;
}

#[tokio::test]
async fn duplicate_client_id_is_invalid_request() {
    let body = "token=a&client_id=app1&client_id=app1";
    let requests = ["/request", "/revoke"].map(|uri| form(uri, body));
    assert_refused(desc::DUPLICATE, requests).await;
}

#[tokio::test]
async fn duplicate_client_secret_is_invalid_request() {
    let body = "token=a&client_id=app1&client_secret=x&client_secret=y";
    let requests = ["/request", "/revoke"].map(|uri| form(uri, body));
    assert_refused(desc::DUPLICATE, requests).await;
}

#[tokio::test]
async fn unknown_parameters_are_ignored() {
    let request = form("/request", "foo=1&foo=2&token=abc&bar&&scope=x%20y");
    let reply = request.send(&router()).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
}

#[tokio::test]
async fn semicolon_is_not_a_separator() {
    let request = form("/request", "token=abc;token_type_hint=access_token");
    let reply = request.send(&router()).await;
    assert_eq!(
        reply.ok(),
        json!({"token": "abc;token_type_hint=access_token", "hint": null})
    );
}

#[tokio::test]
async fn token_in_the_query_string_is_invalid_request() {
    let uris = [
        "/request?token=abc",
        "/request?x=1&t%6Fken=abc",
        "/revoke?token=abc",
    ];
    let requests = uris.map(|uri| form(uri, "token=abc&client_id=app1"));
    assert_refused(desc::IN_QUERY, requests).await;
}

#[tokio::test]
async fn client_secret_in_the_query_string_is_invalid_request() {
    let uris = [
        "/revoke?client_secret=s3cr3t",
        "/request?client_id=app1&client_secret=s3cr3t",
    ];
    let requests = uris.map(|uri| form(uri, "token=abc&client_id=app1"));
    assert_refused(desc::IN_QUERY, requests).await;
}

#[tokio::test]
async fn other_query_parameters_are_ignored() {
    let uri = "/revoke?client_id=app2&token_type_hint=x";
    let echo = form(uri, "token=abc&client_id=app1")
        .send(&router())
        .await
        .ok();
    assert_eq!(echo["client"], creds("none", "app1", None));
    assert_eq!(echo["hint"], json!(null));
}

#[tokio::test]
async fn rfc7009_example_request_is_accepted() {
    // RFC 7009 §2.1.
    let rfc_example = |uri| {
        form(
            uri,
            "token=45ghiukldjahdnhzdauz&token_type_hint=refresh_token",
        )
        .header("host", "server.example.com")
        .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
    };
    let app = router();
    let echo = rfc_example("/revoke").send(&app).await.ok();
    assert_eq!(echo["token"], "45ghiukldjahdnhzdauz");
    assert_eq!(echo["hint"], "refresh_token");
    assert_eq!(echo["client"], basic_creds("s6BhdRkqt3", "gX1fBat3bV"));
    let echo = rfc_example("/request").send(&app).await.ok();
    assert_eq!(
        echo,
        json!({"token": "45ghiukldjahdnhzdauz", "hint": "refresh_token"})
    );
}

#[tokio::test]
async fn configured_token_parameter_is_read() {
    let app = router_with(RequestReader::default().token_parameter("access_token"));
    let reply = form("/request", "access_token=abc").send(&app).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
    let reply = form("/request", "token=abc").send(&app).await;
    reply.assert_invalid_request(desc::MISSING_TOKEN);
}

#[tokio::test]
async fn configured_json_body_is_read_and_form_refused() {
    let app = router_with(RequestReader::default().body_encoding(BodyEncoding::Json));
    let body = r#"{"token":"abc","token_type_hint":"access_token"}"#;
    let request = post("/request", body).header("content-type", "application/json");
    let reply = request.send(&app).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": "access_token"}));
    let reply = form("/request", "token=abc").send(&app).await;
    reply.assert_invalid_request(desc::CONTENT_TYPE);
}
