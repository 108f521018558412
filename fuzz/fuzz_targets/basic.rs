//! `client_secret_basic` (RFC 6749 §2.3.1, RFC 7617 §2): `parse_basic`
//! under every `BasicDecoding` policy, and `read_client_credentials` of a
//! `RequestReader` set to each policy and of the default one (`Lenient`),
//! each agreeing exactly with `parse_basic` under its policy.
//!
//! The input is tried three ways: as the whole header value, after
//! `Basic `, and base64-encoded after `Basic ` (so that the fuzzer reaches
//! the decoding of the id and secret at once). For the last, the decoded
//! text is the input itself, and each policy is checked against an
//! independent model:
//! - `Raw`: split at the first `:`, both sides UTF-8, non-empty, no control
//!   characters;
//! - `FormUrlEncoded`: the same after a strict form decoding (`+` is a space,
//!   every `%` starts two hex digits, the result is UTF-8);
//! - `Lenient`: the form reading when it exists, else the raw one, with the
//!   raw reading as the alternative exactly when both exist and differ.
//!
//! An accepted pair survives RFC 6749 Appendix B re-encoding.

#![no_main]

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use tower_revoke::client::{ClientAuthMethod, ClientCredentials};
use tower_revoke::rejection::ClientAuthError;
use tower_revoke::request::{parse_basic, BasicDecoding, RequestReader};
use tower_revoke_fuzz::basic_authorization;

const POLICIES: [BasicDecoding; 3] = [
    BasicDecoding::FormUrlEncoded,
    BasicDecoding::Raw,
    BasicDecoding::Lenient,
];

type Pair = (String, String);

fn pair(credentials: &ClientCredentials) -> Pair {
    (
        credentials.client_id().as_str().to_owned(),
        credentials
            .client_secret()
            .expect("Basic carries a secret")
            .secret()
            .to_owned(),
    )
}

fn acceptable(text: &str) -> bool {
    !text.is_empty() && !text.chars().any(char::is_control)
}

/// Strict form decoding, written independently of the crate's.
fn form_decode(input: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = |b: u8| (b as char).to_digit(16);
                let hi = hex(*input.get(i + 1)?)?;
                let lo = hex(*input.get(i + 2)?)?;
                out.push((hi * 16 + lo) as u8);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn model(decoded: &[u8], decode: impl Fn(&[u8]) -> Option<String>) -> Option<Pair> {
    let colon = decoded.iter().position(|&b| b == b':')?;
    let id = decode(&decoded[..colon])?;
    let secret = decode(&decoded[colon + 1..])?;
    (acceptable(&id) && acceptable(&secret)).then_some((id, secret))
}

fn raw_decode(input: &[u8]) -> Option<String> {
    String::from_utf8(input.to_vec()).ok()
}

/// `Basic` with the pair form-encoded (RFC 6749 Appendix B).
fn basic(id: &str, secret: &str) -> HeaderValue {
    HeaderValue::from_str(&basic_authorization(id, secret, true)).unwrap()
}

/// What holds for any header value.
fn check_any(value: &HeaderValue) {
    for policy in POLICIES {
        match parse_basic(value, policy) {
            Ok(credentials) => {
                assert_eq!(credentials.method(), ClientAuthMethod::ClientSecretBasic);
                let (id, secret) = pair(&credentials);
                assert!(acceptable(&id) && acceptable(&secret));
                assert!(format!("{credentials:?}").contains("ClientSecret(<redacted>)"));
                if policy != BasicDecoding::Lenient {
                    assert!(credentials.raw_alternative().is_none());
                }
                if policy == BasicDecoding::FormUrlEncoded {
                    // RFC 6749 Appendix B round trip.
                    let again =
                        parse_basic(&basic(&id, &secret), policy).expect("re-encoded pair parses");
                    assert_eq!(pair(&again), (id, secret));
                }
            }
            Err(error) => assert!(matches!(
                error,
                ClientAuthError::MalformedClientCredentials(_)
                    | ClientAuthError::UnsupportedAuthScheme(_)
            )),
        }
    }
    let mut headers = HeaderMap::new();
    headers.insert(AUTHORIZATION, value.clone());
    // The default reader decodes leniently; a reader set to a policy reads
    // exactly what `parse_basic` reads under it, raw alternative included.
    let readers = POLICIES
        .map(|policy| (RequestReader::default().basic_decoding(policy), policy))
        .into_iter()
        .chain([(RequestReader::default(), BasicDecoding::Lenient)]);
    for (reader, policy) in readers {
        let direct = parse_basic(value, policy);
        match reader.read_client_credentials(&headers) {
            Ok(credentials) => {
                let direct = direct.expect("the reader accepted what parse_basic refused");
                assert_eq!(pair(&credentials), pair(&direct), "{policy:?}");
                assert_eq!(
                    credentials.raw_alternative().map(pair),
                    direct.raw_alternative().map(pair),
                    "{policy:?} raw alternative"
                );
            }
            Err(rejection) => {
                assert_eq!(rejection.status(), 401);
                let direct = direct
                    .map(|_| ())
                    .expect_err("the reader refused what parse_basic accepted");
                assert_eq!(rejection.error(), direct, "{policy:?}");
            }
        }
    }
    headers.append(AUTHORIZATION, value.clone());
    let two = RequestReader::default()
        .read_client_credentials(&headers)
        .unwrap_err();
    assert!(matches!(
        two.error(),
        ClientAuthError::MultipleClientAuthMethods(_)
    ));
}

fuzz_target!(|data: &[u8]| {
    if let Ok(value) = HeaderValue::from_bytes(data) {
        check_any(&value);
    }
    let mut prefixed = b"Basic ".to_vec();
    prefixed.extend_from_slice(data);
    if let Ok(value) = HeaderValue::from_bytes(&prefixed) {
        check_any(&value);
    }

    let value = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(data))).unwrap();
    check_any(&value);
    let raw = model(data, raw_decode);
    let form = model(data, form_decode);
    let got = |policy| parse_basic(&value, policy).ok();
    assert_eq!(
        got(BasicDecoding::Raw).as_ref().map(pair),
        raw,
        "Raw policy"
    );
    assert_eq!(
        got(BasicDecoding::FormUrlEncoded).as_ref().map(pair),
        form,
        "FormUrlEncoded policy"
    );
    let lenient = got(BasicDecoding::Lenient);
    assert_eq!(
        lenient.as_ref().map(pair),
        form.clone().or(raw.clone()),
        "Lenient policy"
    );
    let alternative = lenient
        .as_ref()
        .and_then(|credentials| credentials.raw_alternative().map(pair));
    let expected = match (&form, &raw) {
        (Some(form), Some(raw)) if form != raw => Some(raw.clone()),
        _ => None,
    };
    assert_eq!(alternative, expected, "Lenient raw alternative");
});
