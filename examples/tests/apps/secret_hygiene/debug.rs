//! The `Debug` of every public type that holds a token or a secret
//! redacts it, rejections included.

use super::{basic, FORM};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Request};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::rejection::BearerRejection;
use tower_revoke::request::{
    parse_basic, BasicDecoding, BearerToken, RequestReader, RevocationRequest, Token, TokenTypeHint,
};
use tower_revoke::response::Realm;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

/// Asserts that neither `{:?}` nor `{:#?}` of `value` contains `secret`.
#[track_caller]
fn assert_redacted(value: &dyn std::fmt::Debug, secret: &str) {
    for rendered in [format!("{value:?}"), format!("{value:#?}")] {
        assert!(!rendered.contains(secret), "{rendered}");
    }
}

#[test]
fn debug_of_every_type_holding_a_secret_is_redacted() {
    const TOKEN: &str = "tok-secret-4821";
    const SECRET: &str = "cl-secret-9317";

    let token = Token::new(TOKEN).unwrap();
    assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    let secret = ClientSecret::new(SECRET).unwrap();
    assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");

    let credentials = ClientCredentials::new(
        ClientId::new("app1").unwrap(),
        Some(secret.clone()),
        ClientAuthMethod::ClientSecretPost,
    );
    assert_redacted(&credentials, SECRET);
    assert!(format!("{credentials:?}").contains("app1"));

    // The lenient reading carries a second, raw secret.
    let value = HeaderValue::from_str(&basic("app1", &format!("{SECRET}+x"))).unwrap();
    let lenient = parse_basic(&value, BasicDecoding::Lenient).unwrap();
    assert!(lenient.raw_alternative().is_some());
    assert_redacted(&lenient, SECRET);

    let bearer = BearerToken::parse(TOKEN.as_bytes()).unwrap();
    assert_eq!(format!("{bearer:?}"), "BearerToken(<redacted>)");

    let request = RevocationRequest::new(token.clone(), Some(TokenTypeHint::AccessToken));
    assert_redacted(&request, TOKEN);

    let (parts, body) = Request::post("/revoke")
        .header(CONTENT_TYPE, FORM)
        .body(format!(
            "token={TOKEN}&client_id=app1&client_secret={SECRET}"
        ))
        .unwrap()
        .into_parts();
    let revocation = RequestReader::default()
        .read_client_revocation(&parts, body.as_bytes())
        .unwrap();
    assert_redacted(&revocation, TOKEN);
    assert_redacted(&revocation, SECRET);

    let store = MemoryStore::from_seed_json(&format!(
        r#"{{"clients": [{{"client_id": "app1", "client_secret": "{SECRET}"}}],
            "tokens": [{{"token": "{TOKEN}", "type": "access_token", "client_id": "app1"}}]}}"#
    ))
    .unwrap();
    assert_redacted(&store, TOKEN);
    assert_redacted(&store, SECRET);
    let layer = RevocationEndpointLayer::new(store.clone());
    assert_redacted(&layer, TOKEN);
    assert_redacted(&layer, SECRET);

    // A seed that repeats a token names the entry, not the token.
    let duplicate = MemoryStore::from_seed_json(&format!(
        r#"{{"clients": [{{"client_id": "app1", "client_secret": "{SECRET}"}}],
            "tokens": [{{"token": "{TOKEN}", "type": "access_token", "client_id": "app1"}},
                       {{"token": "{TOKEN}", "type": "access_token", "client_id": "app1"}}]}}"#
    ))
    .unwrap_err();
    assert_redacted(&duplicate, TOKEN);
    assert!(!duplicate.to_string().contains(TOKEN));

    // Rejections from requests full of secrets carry none of them.
    let config = RequestReader::default();
    let rejections: Vec<Box<dyn std::fmt::Debug>> = vec![
        Box::new(
            config
                .read_request(&parts, format!("token={TOKEN}&token={SECRET}").as_bytes())
                .unwrap_err(),
        ),
        Box::new(
            config
                .read_request(&parts, format!("token={TOKEN}%ZZ").as_bytes())
                .unwrap_err(),
        ),
        Box::new(
            config
                .read_client_revocation(
                    &parts,
                    format!("token={TOKEN}&client_secret={SECRET}").as_bytes(),
                )
                .unwrap_err(),
        ),
        Box::new(
            parse_basic(
                &HeaderValue::from_str(&basic(SECRET, "")).unwrap(),
                BasicDecoding::Raw,
            )
            .unwrap_err(),
        ),
        Box::new({
            let mut headers = http::HeaderMap::new();
            headers.insert(
                AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {TOKEN} x")).unwrap(),
            );
            let error = BearerToken::from_headers(&headers).unwrap_err();
            BearerRejection::new(error, Realm::default())
        }),
    ];
    for rejection in &rejections {
        assert_redacted(rejection, TOKEN);
        assert_redacted(rejection, SECRET);
    }
}
