//! JWT access tokens minted for the tests (RFC 9068): the claims a test
//! starts from, signed with the test keys in `keys/` (generated once with
//! openssl, for tests only), and the broken tokens the verifier must
//! refuse.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Map, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The issuer of the test tokens.
pub const ISSUER: &str = "https://as.example";
/// The audience tests configure when they require one.
pub const AUDIENCE: &str = "https://api.example";
/// The HS256 secret of the test tokens (32 bytes or more).
pub const SECRET: &[u8] = b"tower-revoke test secret: 32 bytes or more";
/// Another secret, for tokens whose signature must not verify.
pub const WRONG_SECRET: &[u8] = b"not the tower-revoke test secret, also long";

pub const RSA_PRIVATE: &[u8] = include_bytes!("../keys/rsa.pem");
pub const RSA_PUBLIC: &[u8] = include_bytes!("../keys/rsa.pub.pem");
pub const EC_PRIVATE: &[u8] = include_bytes!("../keys/ec.pem");
pub const EC_PUBLIC: &[u8] = include_bytes!("../keys/ec.pub.pem");
pub const ED25519_PRIVATE: &[u8] = include_bytes!("../keys/ed25519.pem");
pub const ED25519_PUBLIC: &[u8] = include_bytes!("../keys/ed25519.pub.pem");

/// The current time in Unix seconds.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// A `jti` no other token of this process has.
pub fn fresh_jti() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("jti-{}-{}-{n}", std::process::id(), now())
}

/// RFC 9068 §2.2 claims of a token of `client_id` for `sub`: issued a
/// second ago by [`ISSUER`] for [`AUDIENCE`], valid ten minutes, a fresh
/// `jti`, scope `read`.
pub fn claims(client_id: &str, sub: &str) -> Map<String, Value> {
    let now = now();
    let claims = json!({
        "iss": ISSUER, "sub": sub, "client_id": client_id, "aud": AUDIENCE,
        "iat": now - 1, "exp": now + 600, "jti": fresh_jti(), "scope": "read",
    });
    match claims {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// `claims` with `name` set to `value` (or removed, for `Value::Null`).
pub fn with(mut claims: Map<String, Value>, name: &str, value: Value) -> Map<String, Value> {
    match value {
        Value::Null => claims.remove(name),
        value => claims.insert(name.to_owned(), value),
    };
    claims
}

/// `claims` signed with `alg` and `key`, with header `typ` (none when
/// `None`) and `kid`.
pub fn sign(
    claims: &Map<String, Value>,
    alg: Algorithm,
    key: &EncodingKey,
    typ: Option<&str>,
    kid: Option<&str>,
) -> String {
    let mut header = Header::new(alg);
    header.typ = typ.map(str::to_owned);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).expect("the test token signs")
}

/// `claims` as an `at+jwt` signed HS256 with [`SECRET`].
pub fn hs256(claims: &Map<String, Value>) -> String {
    hs256_with(claims, SECRET)
}

/// `claims` as an `at+jwt` signed HS256 with `secret`.
pub fn hs256_with(claims: &Map<String, Value>, secret: &[u8]) -> String {
    let key = EncodingKey::from_secret(secret).expect("an HMAC key");
    sign(claims, Algorithm::HS256, &key, Some("at+jwt"), None)
}

/// A valid token of `client_id` for `sub`, HS256 with [`SECRET`].
pub fn token(client_id: &str, sub: &str) -> String {
    hs256(&claims(client_id, sub))
}

/// `claims` under `{"alg":"none","typ":"at+jwt"}` and an empty signature:
/// the unsigned JWT of RFC 7519 §6.
pub fn unsigned(claims: &Map<String, Value>) -> String {
    let part = |value: &Value| URL_SAFE_NO_PAD.encode(value.to_string());
    let header = json!({"alg": "none", "typ": "at+jwt"});
    format!(
        "{}.{}.",
        part(&header),
        part(&Value::Object(claims.clone()))
    )
}

/// `claims` signed HS256 with the RSA public key's PEM as the HMAC secret:
/// the algorithm confusion attack.
pub fn hs256_with_the_rsa_public_key(claims: &Map<String, Value>) -> String {
    hs256_with(claims, RSA_PUBLIC)
}

/// The JSON payload of `token`, unverified.
pub fn payload(token: &str) -> Map<String, Value> {
    let part = token.split('.').nth(1).expect("a JWT");
    let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
    match serde_json::from_slice(&bytes).expect("JSON") {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}
