//! Properties of the public parsers over generated input (`proptest`), and
//! the fuzzing seed corpora and crash inputs replayed as regression tests.
//!
//! - `client_secret_basic` (RFC 6749 §2.3.1, Appendix B): any client id and
//!   secret without control characters, form-encoded, joined with `:` and
//!   base64-encoded, decodes to exactly the same pair.
//! - Form bodies (RFC 7009 §2.1): any bytes either parse or are refused as
//!   `invalid_request`, never a panic.
//! - A known parameter (`token`, `token_type_hint`, `client_id`,
//!   `client_secret`) sent twice, in any spelling, is always refused
//!   (RFC 6749 §3.2).

use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use base64::Engine;
use http::request::Parts;
use http::HeaderValue;
use proptest::prelude::*;
use std::path::Path;
use tower_revoke::rejection::{ClientAuthError, RequestRejection};
use tower_revoke::request::{parse_basic, BasicDecoding, BearerToken, BodyEncoding, RequestReader};
use tower_revoke::response::ErrorCode;

const FORM: &str = "application/x-www-form-urlencoded";
const KNOWN: [&str; 4] = ["token", "token_type_hint", "client_id", "client_secret"];

fn parts(content_type: &str) -> Parts {
    http::Request::post("/revoke")
        .header("content-type", content_type)
        .body(())
        .unwrap()
        .into_parts()
        .0
}

/// RFC 6749 Appendix B: `application/x-www-form-urlencoded`.
fn form_encode(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// The `client_secret_basic` header for this pair (RFC 6749 §2.3.1).
fn basic_header(id: &str, secret: &str, padded: bool) -> HeaderValue {
    let joined = format!("{}:{}", form_encode(id), form_encode(secret));
    let encoded = if padded {
        STANDARD.encode(joined)
    } else {
        STANDARD_NO_PAD.encode(joined)
    };
    HeaderValue::from_str(&format!("Basic {encoded}")).unwrap()
}

fn read_basic(value: &HeaderValue, decoding: BasicDecoding) -> Option<(String, String)> {
    let credentials = parse_basic(value, decoding).ok()?;
    let secret = credentials.client_secret()?.secret().to_owned();
    Some((credentials.client_id().as_str().to_owned(), secret))
}

/// Any character but a control character, often one that form encoding or
/// Basic treats specially.
fn printable_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>().prop_filter("no control characters", |c| !c.is_control()),
        2 => prop::sample::select(vec![':', '%', '+', ' ', '&', '=', ';', '"', '\\', '/', '~', '*']),
        1 => prop::sample::select(vec!['é', 'ß', '€', '𝄞', '😀', '\u{a0}', '\u{200b}', '\u{feff}']),
        2 => prop::char::range('a', 'z'),
    ]
}

/// A non-empty string without control characters: what RFC 6749 allows
/// as a client id or secret here.
fn printable() -> impl Strategy<Value = String> {
    prop::collection::vec(printable_char(), 1..40).prop_map(|chars| chars.into_iter().collect())
}

/// The name `name` with some characters percent-encoded, as a client may
/// send it: `t%6Fken`, `client%5Fid`.
fn spelled(name: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec(any::<bool>(), name.len()).prop_map(move |escape| {
        name.bytes()
            .zip(escape)
            .map(|(b, escape)| {
                if escape {
                    format!("%{b:02X}")
                } else {
                    (b as char).to_string()
                }
            })
            .collect()
    })
}

/// A parameter name that is none of the known ones.
fn unknown_name() -> impl Strategy<Value = String> {
    "[a-z_]{1,12}".prop_filter("not a known parameter", |n| !KNOWN.contains(&n.as_str()))
}

/// Bytes that look like a form body: names, `=`, `&`, escapes (valid or
/// not), `+`, and the occasional byte that is not UTF-8.
fn form_like_bytes() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            &b"token"[..],
            b"token_type_hint",
            b"client_id",
            b"client_secret",
            b"=",
            b"&",
            b"+",
            b"%",
            b"%2",
            b"%41",
            b"%3D",
            b"%26",
            b"%C3%A9",
            b"%FF",
            b"%zz",
            b";",
            b"\xff",
            b"\xc3",
        ])
        .prop_map(<[u8]>::to_vec),
        "[a-zA-Z0-9._~-]{0,6}".prop_map(String::into_bytes),
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// 512 cases per property, or `PROPTEST_CASES` for a longer run.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(512)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn basic_credentials_round_trip_through_form_encoding_and_base64(
        id in printable(),
        secret in printable(),
        padded in any::<bool>(),
    ) {
        let value = basic_header(&id, &secret, padded);
        prop_assert_eq!(
            read_basic(&value, BasicDecoding::FormUrlEncoded),
            Some((id.clone(), secret.clone()))
        );
        // The default policy is the lenient one, which reads the RFC 6749
        // pair first.
        prop_assert_eq!(BasicDecoding::default(), BasicDecoding::Lenient);
        prop_assert_eq!(read_basic(&value, BasicDecoding::Lenient), Some((id, secret)));
    }

    #[test]
    fn basic_credentials_through_read_client_credentials_round_trip(
        id in printable(),
        secret in printable(),
    ) {
        let mut headers = http::HeaderMap::new();
        headers.insert(http::header::AUTHORIZATION, basic_header(&id, &secret, true));
        let credentials = RequestReader::default().read_client_credentials(&headers).unwrap();
        prop_assert_eq!(credentials.client_id().as_str(), id.as_str());
        prop_assert!(credentials.client_secret().unwrap().verify(&secret));
    }

    #[test]
    fn raw_basic_credentials_round_trip_when_the_id_has_no_colon(
        id in printable().prop_filter("RFC 7617: no ':' in the user-id", |id| !id.contains(':')),
        secret in printable(),
    ) {
        let value = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))).unwrap();
        prop_assert_eq!(read_basic(&value, BasicDecoding::Raw), Some((id, secret)));
    }

    #[test]
    fn basic_credentials_with_control_characters_are_malformed(
        id in printable(),
        secret in printable(),
        control in any::<char>().prop_filter("a control character", |c| c.is_control()),
        at in any::<prop::sample::Index>(),
        in_secret in any::<bool>(),
    ) {
        let (mut id, mut secret) = (id, secret);
        let target = if in_secret { &mut secret } else { &mut id };
        let chars: Vec<char> = target.chars().collect();
        let at = at.index(chars.len() + 1);
        *target = chars[..at].iter().chain([control].iter()).chain(&chars[at..]).collect();
        // Form-encoded (`%00`): refused once decoded.
        let error = parse_basic(&basic_header(&id, &secret, true), BasicDecoding::FormUrlEncoded)
            .map(|_| ())
            .unwrap_err();
        prop_assert!(matches!(error, ClientAuthError::MalformedClientCredentials(_)), "{:?}", error);
        // Sent as is: refused under every policy.
        let raw = HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))).unwrap();
        for decoding in [BasicDecoding::FormUrlEncoded, BasicDecoding::Raw, BasicDecoding::Lenient] {
            let error = parse_basic(&raw, decoding).map(|_| ()).unwrap_err();
            prop_assert!(matches!(error, ClientAuthError::MalformedClientCredentials(_)), "{:?}", error);
        }
    }

    #[test]
    fn arbitrary_form_bodies_parse_or_are_invalid_request(
        body in prop_oneof![prop::collection::vec(any::<u8>(), 0..256), form_like_bytes()],
    ) {
        let config = RequestReader::default();
        match config.read_request(&parts(FORM), &body) {
            Ok(request) => prop_assert!(!request.token().secret().is_empty()),
            Err(rejection) => {
                prop_assert_eq!(rejection.status(), 400);
                prop_assert_eq!(rejection.error_code(), ErrorCode::InvalidRequest);
            }
        }
        if let Err(rejection) = config.read_client_revocation(&parts(FORM), &body) {
            prop_assert!(rejection.status() == 400 || rejection.status() == 401);
        }
    }

    #[test]
    fn arbitrary_json_bodies_parse_or_are_invalid_request(
        body in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..128),
            "\\{(\"(token|token_type_hint|x)\":(\"[a-z%+:]{0,4}\"|1|null|\\[\\]|\\{\\}),?){0,4}\\}"
                .prop_map(String::into_bytes),
        ],
    ) {
        let config = RequestReader::default().body_encoding(BodyEncoding::Json);
        if let Err(rejection) = config.read_request(&parts("application/json"), &body) {
            prop_assert_eq!(rejection.status(), 400);
            prop_assert_eq!(rejection.error_code(), ErrorCode::InvalidRequest);
        }
    }

    #[test]
    fn duplicated_known_parameters_are_always_rejected(
        (known, first, second) in prop::sample::select(KNOWN.to_vec())
            .prop_flat_map(|name| (Just(name), spelled(name), spelled(name))),
        values in (printable(), prop_oneof![Just(String::new()), printable()]),
        others in prop::collection::vec((unknown_name(), printable()), 0..4),
        order in any::<prop::sample::Index>(),
        token in printable(),
    ) {
        let mut pairs: Vec<String> = others
            .iter()
            .map(|(name, value)| format!("{name}={}", form_encode(value)))
            .collect();
        if known != "token" {
            pairs.push(format!("token={}", form_encode(&token)));
        }
        let at = order.index(pairs.len() + 1);
        pairs.insert(at, format!("{first}={}", form_encode(&values.0)));
        pairs.push(format!("{second}={}", form_encode(&values.1)));
        let body = pairs.join("&");
        let rejection = RequestReader::default()
            .read_request(&parts(FORM), body.as_bytes())
            .map(|_| ())
            .unwrap_err();
        prop_assert!(matches!(rejection, RequestRejection::DuplicateParameter(_)), "{}: {:?}", body, rejection);
        let rejection = RequestReader::default()
            .read_client_revocation(&parts(FORM), body.as_bytes())
            .map(|_| ())
            .unwrap_err();
        prop_assert_eq!(rejection.status(), 400);
    }

    #[test]
    fn duplicated_json_members_are_always_rejected(
        name in prop::sample::select(vec!["token", "token_type_hint"]),
        a in printable(),
        b in printable(),
    ) {
        let (a, b) = (serde_json::Value::from(a), serde_json::Value::from(b));
        let body = format!(r#"{{"token":"t","{name}":{a},"{name}":{b}}}"#);
        let body = if name == "token" { body.replacen(r#""token":"t","#, "", 1) } else { body };
        let config = RequestReader::default().body_encoding(BodyEncoding::Json);
        let rejection = config
            .read_request(&parts("application/json"), body.as_bytes())
            .map(|_| ())
            .unwrap_err();
        prop_assert!(matches!(rejection, RequestRejection::InvalidJsonBody(_)), "{}", body);
    }

    #[test]
    fn bearer_parse_accepts_exactly_b64token(token in prop_oneof![
        "[A-Za-z0-9._~+/-]{1,20}={0,3}",
        prop::collection::vec(any::<u8>(), 0..24).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]) {
        let body_len = token
            .bytes()
            .position(|b| !(b.is_ascii_alphanumeric() || b"-._~+/".contains(&b)))
            .unwrap_or(token.len());
        let valid = body_len > 0 && token.bytes().skip(body_len).all(|b| b == b'=');
        let parsed = BearerToken::parse(token.as_bytes());
        prop_assert_eq!(parsed.is_some(), valid);
        if let Some(parsed) = parsed {
            prop_assert_eq!(parsed.token().secret(), token.as_str());
        }
    }
}

/// The files of one fuzz target's seed corpus (`fuzz/corpus/<target>/`).
fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{} is empty", dir.display());
    files
}

#[test]
fn form_seed_corpus_parses_or_is_invalid_request() {
    for (name, body) in corpus("form") {
        for token in ["token", "access_token"] {
            let config = RequestReader::default().token_parameter(token);
            if let Err(rejection) = config.read_request(&parts(FORM), &body) {
                assert_eq!(rejection.status(), 400, "{name}");
            }
            if let Err(rejection) = config.read_client_revocation(&parts(FORM), &body) {
                assert!(
                    rejection.status() == 400 || rejection.status() == 401,
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn basic_seed_corpus_never_panics_under_any_policy() {
    for (name, data) in corpus("basic") {
        let mut values =
            vec![HeaderValue::from_str(&format!("Basic {}", STANDARD.encode(&data))).unwrap()];
        values.extend(HeaderValue::from_bytes(&data));
        values.extend(HeaderValue::from_bytes(&[&b"Basic "[..], &data].concat()));
        for value in &values {
            for decoding in [
                BasicDecoding::FormUrlEncoded,
                BasicDecoding::Raw,
                BasicDecoding::Lenient,
            ] {
                if let Ok(credentials) = parse_basic(value, decoding) {
                    assert!(!credentials.client_id().as_str().is_empty(), "{name}");
                }
            }
        }
    }
}

#[test]
fn bearer_seed_corpus_never_panics() {
    for (name, data) in corpus("bearer") {
        if let Some(token) = BearerToken::parse(&data) {
            assert_eq!(token.token().secret().as_bytes(), &data[..], "{name}");
        }
    }
}

#[test]
fn json_seed_corpus_parses_or_is_invalid_request() {
    let config = RequestReader::default().body_encoding(BodyEncoding::Json);
    for (name, body) in corpus("json_body") {
        if let Err(rejection) = config.read_request(&parts("application/json"), &body) {
            assert_eq!(rejection.status(), 400, "{name}");
        }
    }
}

/// Ignored JSON members are skipped without recursion: nesting far deeper
/// than `serde_json`'s 128-level limit, but within the body limit, neither
/// overflows the stack nor is refused.
#[test]
fn deeply_nested_ignored_json_member_is_skipped() {
    let depth = 8000;
    let body = format!(
        r#"{{"token":"t","x":{}{}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let config = RequestReader::default().body_encoding(BodyEncoding::Json);
    let request = config
        .read_request(&parts("application/json"), body.as_bytes())
        .unwrap();
    assert_eq!(request.token().secret(), "t");
}
