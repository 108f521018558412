//! The JSON revocation request body of the Notion-style configuration
//! (`BodyEncoding::Json`, raw Basic credentials, `client_secret_basic`
//! only), through `read_request` and `read_client_revocation`.
//!
//! Invariants: no panic, no stack overflow on deep nesting; every refusal is
//! a 400 `invalid_request` (401 for client authentication); the reading
//! agrees with `serde_json::Value`: an accepted body is a JSON object whose
//! `token` member is that string, and a body `serde_json` refuses, or that
//! is not an object, or whose `token` is not a string, is refused. (Inside
//! a member the endpoint ignores, nesting deeper than `serde_json`'s
//! 128-level limit and lone UTF-16 surrogate escapes are accepted where
//! `Value` gives up.)

#![no_main]

use http::request::Parts;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tower_revoke::client::{ClientAuthMethod, ClientAuthMethods};
use tower_revoke::request::{BasicDecoding, BodyEncoding, RequestReader, TokenTypeHint};
use tower_revoke::response::ErrorCode;

fn parts(authorization: Option<&str>) -> Parts {
    let mut request = http::Request::post("/revoke").header("content-type", "application/json");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.body(()).unwrap().into_parts().0
}

fuzz_target!(|body: &[u8]| {
    let config = RequestReader::default()
        .body_encoding(BodyEncoding::Json)
        .basic_decoding(BasicDecoding::Raw)
        .client_auth_methods(ClientAuthMethods::only(ClientAuthMethod::ClientSecretBasic));
    // app1:s3cr3t
    let with_basic = parts(Some("Basic YXBwMTpzM2NyM3Q="));
    let request = config.read_request(&with_basic, body);

    let reference = serde_json::from_slice::<Value>(body);
    let object = reference.as_ref().ok().and_then(Value::as_object);
    match &request {
        Ok(request) => {
            // Ignored members are skipped without recursion, at any depth
            // (within the body limit), where `Value` stops at 128 levels; and
            // their strings are checked for escape syntax only, so a lone
            // UTF-16 surrogate (`"\ud800"`, which RFC 8259 §8.2 allows
            // syntactically) passes where `Value` refuses it.
            if let Err(error) = &reference {
                let error = error.to_string();
                assert!(
                    error.contains("recursion limit")
                        || error.contains("surrogate")
                        || error.contains("hex escape")
                        || error.contains("unicode code point"),
                    "accepted invalid JSON: {error}"
                );
                return;
            }
            let object = object.expect("accepted a body that is not a JSON object");
            let token = object.get("token").and_then(Value::as_str);
            assert_eq!(token, Some(request.token().secret()));
            let hint = object.get("token_type_hint").and_then(Value::as_str);
            match (hint, request.token_type_hint()) {
                (Some(""), None) => {}
                (Some(hint), Some(parsed)) => assert_eq!(parsed, &TokenTypeHint::parse(hint)),
                (None, None) => {}
                other => panic!("token_type_hint {other:?}"),
            }
        }
        Err(rejection) => {
            assert_eq!(rejection.status(), 400);
            assert_eq!(rejection.error_code(), ErrorCode::InvalidRequest);
            if let Some(object) = object {
                // A single string token member that serde_json sees is only
                // refused when it is empty, when a known member repeats
                // (serde_json keeps the last), or when the hint is no string.
                if let Some(Value::String(token)) = object.get("token") {
                    let hint_ok =
                        !matches!(object.get("token_type_hint"), Some(v) if !v.is_string());
                    let count =
                        |name: &[u8]| body.windows(name.len()).filter(|w| *w == name).count();
                    let repeats = count(b"\"token\"") > 1
                        || count(b"\"token_type_hint\"") > 1
                        || body.contains(&b'\\');
                    assert!(
                        token.is_empty() || !hint_ok || repeats,
                        "refused {rejection:?}"
                    );
                }
            }
        }
    }

    let revocation = config.read_client_revocation(&with_basic, body);
    match (&request, revocation) {
        (Ok(request), Ok(revocation)) => {
            assert_eq!(
                revocation.request.token().secret(),
                request.token().secret()
            );
            assert_eq!(revocation.credentials.client_id().as_str(), "app1");
            assert!(revocation
                .credentials
                .client_secret()
                .unwrap()
                .verify("s3cr3t"));
        }
        (Err(_), Err(_)) => {}
        (request, revocation) => {
            panic!("read_request {request:?} but read_client_revocation {revocation:?}")
        }
    }

    // Client credentials come from headers only: body members never count.
    let without = config
        .read_client_revocation(&parts(None), body)
        .unwrap_err();
    assert!(without.status() == 400 || without.status() == 401);
});
