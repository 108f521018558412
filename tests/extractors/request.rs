//! The revocation request itself: media type, form decoding, parameters,
//! query string (RFC 7009 §2.1, RFC 6749 §3.2).

use crate::support::{basic, creds, desc, form, post, router, router_with};
use serde_json::json;
use tower_revoke::{BodyEncoding, RevocationConfig};

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
        let reply = post("/request", "token=abc")
            .header("content-type", content_type)
            .send(&app)
            .await;
        assert_eq!(
            reply.ok(),
            json!({"token": "abc", "hint": null}),
            "{content_type}"
        );
    }
}

#[tokio::test]
async fn other_content_type_is_invalid_request() {
    let app = router();
    for (content_type, body) in [
        ("application/json", r#"{"token":"abc"}"#),
        ("text/plain", "token=abc"),
        (
            "multipart/form-data; boundary=x",
            "--x\r\n\r\ntoken=abc\r\n--x--",
        ),
        ("application/x-www-form-urlencoded-extra", "token=abc"),
    ] {
        for uri in ["/request", "/revoke"] {
            let reply = post(uri, body)
                .header("content-type", content_type)
                .header("authorization", basic("app1:s3cr3t"))
                .send(&app)
                .await;
            reply.invalid_request(desc::CONTENT_TYPE);
        }
    }
}

#[tokio::test]
async fn missing_content_type_is_invalid_request() {
    let app = router();
    for uri in ["/request", "/revoke"] {
        let reply = post(uri, "token=abc&client_id=app1").send(&app).await;
        reply.invalid_request(desc::CONTENT_TYPE);
    }
}

#[tokio::test]
async fn invalid_percent_escape_is_invalid_request() {
    let app = router();
    for body in ["token=%ZZ", "token=abc%", "token=abc%4", "token=abc&x=%ZZ"] {
        form("/request", body)
            .send(&app)
            .await
            .invalid_request(desc::FORM_ENCODING);
    }
}

#[tokio::test]
async fn escape_decoding_to_invalid_utf8_is_invalid_request() {
    let app = router();
    for body in ["token=%FF", "token=a%C3", "%FF=1&token=abc"] {
        form("/request", body)
            .send(&app)
            .await
            .invalid_request(desc::FORM_ENCODING);
    }
}

#[tokio::test]
async fn raw_non_utf8_body_is_invalid_request() {
    let body: &'static [u8] = b"token=a\xffb";
    let reply = form("/request", body).send(&router()).await;
    reply.invalid_request(desc::FORM_ENCODING);
}

#[tokio::test]
async fn plus_in_a_form_value_is_a_space() {
    let reply = form("/request", "token=a+b%2Bc&token_type_hint=x+y")
        .send(&router())
        .await;
    assert_eq!(reply.ok(), json!({"token": "a b+c", "hint": "x y"}));
}

#[tokio::test]
async fn percent_escapes_decode_to_utf8() {
    let reply = form("/request", "token=%C3%A9t%C3%A9%26%3D")
        .send(&router())
        .await;
    assert_eq!(reply.ok(), json!({"token": "été&=", "hint": null}));
}

#[tokio::test]
async fn empty_token_type_hint_is_absent() {
    let reply = form("/request", "token=abc&token_type_hint=")
        .send(&router())
        .await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
}

#[tokio::test]
async fn token_type_hint_is_echoed_verbatim_when_unknown() {
    let reply = form("/request", "token=abc&token_type_hint=id_token")
        .send(&router())
        .await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": "id_token"}));
}

#[tokio::test]
async fn absent_token_is_invalid_request() {
    let app = router();
    for body in [
        "",
        "token_type_hint=access_token",
        "tokens=abc",
        "Token=abc",
    ] {
        form("/request", body)
            .send(&app)
            .await
            .invalid_request(desc::MISSING_TOKEN);
    }
}

#[tokio::test]
async fn empty_token_is_invalid_request() {
    let app = router();
    for body in ["token=", "token", "token=&token_type_hint=access_token"] {
        form("/request", body)
            .send(&app)
            .await
            .invalid_request(desc::MISSING_TOKEN);
    }
}

#[tokio::test]
async fn duplicate_token_is_invalid_request() {
    let app = router();
    for body in [
        "token=a&token=b",
        "token=a&token=a",
        "token=a&token=",
        "token=a&t%6Fken=b",
    ] {
        form("/request", body)
            .send(&app)
            .await
            .invalid_request(desc::DUPLICATE);
    }
}

#[tokio::test]
async fn duplicate_token_type_hint_is_invalid_request() {
    let body = "token=a&token_type_hint=access_token&token_type_hint=refresh_token";
    form("/request", body)
        .send(&router())
        .await
        .invalid_request(desc::DUPLICATE);
}

#[tokio::test]
async fn duplicate_client_id_is_invalid_request() {
    let app = router();
    for uri in ["/request", "/revoke"] {
        let reply = form(uri, "token=a&client_id=app1&client_id=app1")
            .send(&app)
            .await;
        reply.invalid_request(desc::DUPLICATE);
    }
}

#[tokio::test]
async fn duplicate_client_secret_is_invalid_request() {
    let app = router();
    for uri in ["/request", "/revoke"] {
        let body = "token=a&client_id=app1&client_secret=x&client_secret=y";
        form(uri, body)
            .send(&app)
            .await
            .invalid_request(desc::DUPLICATE);
    }
}

#[tokio::test]
async fn unknown_parameters_are_ignored() {
    let reply = form("/request", "foo=1&foo=2&token=abc&bar&&scope=x%20y")
        .send(&router())
        .await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
}

#[tokio::test]
async fn semicolon_is_not_a_separator() {
    let reply = form("/request", "token=abc;token_type_hint=access_token")
        .send(&router())
        .await;
    assert_eq!(
        reply.ok(),
        json!({"token": "abc;token_type_hint=access_token", "hint": null})
    );
}

#[tokio::test]
async fn token_in_the_query_string_is_invalid_request() {
    let app = router();
    for uri in [
        "/request?token=abc",
        "/request?x=1&t%6Fken=abc",
        "/revoke?token=abc",
    ] {
        let reply = form(uri, "token=abc&client_id=app1").send(&app).await;
        reply.invalid_request(desc::IN_QUERY);
    }
}

#[tokio::test]
async fn client_secret_in_the_query_string_is_invalid_request() {
    let app = router();
    for uri in [
        "/revoke?client_secret=s3cr3t",
        "/request?client_id=app1&client_secret=s3cr3t",
    ] {
        let reply = form(uri, "token=abc&client_id=app1").send(&app).await;
        reply.invalid_request(desc::IN_QUERY);
    }
}

#[tokio::test]
async fn other_query_parameters_are_ignored() {
    let reply = form(
        "/revoke?client_id=app2&token_type_hint=x",
        "token=abc&client_id=app1",
    )
    .send(&router())
    .await;
    let echo = reply.ok();
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
    assert_eq!(
        echo["client"],
        creds("client_secret_basic", "s6BhdRkqt3", Some("gX1fBat3bV"))
    );
    let echo = rfc_example("/request").send(&app).await.ok();
    assert_eq!(
        echo,
        json!({"token": "45ghiukldjahdnhzdauz", "hint": "refresh_token"})
    );
}

#[tokio::test]
async fn configured_token_parameter_is_read() {
    let app = router_with(RevocationConfig::default().token_parameter("access_token"));
    let reply = form("/request", "access_token=abc").send(&app).await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": null}));
    let reply = form("/request", "token=abc").send(&app).await;
    reply.invalid_request(desc::MISSING_TOKEN);
}

#[tokio::test]
async fn configured_json_body_is_read_and_form_refused() {
    let app = router_with(RevocationConfig::default().body_encoding(BodyEncoding::Json));
    let reply = post(
        "/request",
        r#"{"token":"abc","token_type_hint":"access_token"}"#,
    )
    .header("content-type", "application/json")
    .send(&app)
    .await;
    assert_eq!(reply.ok(), json!({"token": "abc", "hint": "access_token"}));
    let reply = form("/request", "token=abc").send(&app).await;
    reply.invalid_request(desc::CONTENT_TYPE);
}
