//! `private_key_jwt` client assertions minted for the tests (RFC 7523
//! §2.2, §3): claims a test starts from, signed with the test keys in
//! `keys/` (RS256 and PS256 with `rsa.pem`, ES256 with `ec.pem`, EdDSA
//! with `ed25519.pem`; `ed25519-other.pem` is a key no client registered),
//! and the clients' public JWK Sets.

use crate::jwt::{fresh_jti, now, ISSUER};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use serde_json::{json, Map, Value};

/// The revocation endpoint's URL, an accepted audience there by default.
pub const REVOCATION_URL: &str = "https://as.example/revoke";
/// The introspection endpoint's URL.
pub const INTROSPECTION_URL: &str = "https://as.example/introspect";
/// The token endpoint's URL.
pub const TOKEN_URL: &str = "https://as.example/oauth/token";
/// The form parameter value of `client_assertion_type` (RFC 7523 §2.2).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

const ED25519_OTHER: &[u8] = include_bytes!("../keys/ed25519-other.pem");

/// The algorithms the tests sign with, one per key family.
pub const ALGORITHMS: [Algorithm; 4] = [
    Algorithm::RS256,
    Algorithm::PS256,
    Algorithm::ES256,
    Algorithm::EdDSA,
];

/// The private key a test signs `alg` with.
pub fn signing_key(alg: Algorithm) -> EncodingKey {
    let key = match alg {
        Algorithm::RS256 | Algorithm::PS256 => EncodingKey::from_rsa_pem(crate::jwt::RSA_PRIVATE),
        Algorithm::ES256 => EncodingKey::from_ec_pem(crate::jwt::EC_PRIVATE),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(crate::jwt::ED25519_PRIVATE),
        other => panic!("no test key for {other:?}"),
    };
    key.expect("a test key")
}

/// An Ed25519 key no client registered.
pub fn other_key() -> EncodingKey {
    EncodingKey::from_ed_pem(ED25519_OTHER).expect("a test key")
}

/// The public JWK Set of the test keys: RSA (kid `rsa`), EC P-256 (`ec`)
/// and Ed25519 (`ed`), as a client registers it.
pub fn jwks() -> String {
    let key = |alg, kid: &str| {
        let mut jwk = Jwk::from_encoding_key(&signing_key(alg), alg).expect("a public JWK");
        jwk.common.key_id = Some(kid.to_owned());
        jwk.common.key_algorithm = None;
        jwk
    };
    let keys = vec![
        key(Algorithm::RS256, "rsa"),
        key(Algorithm::ES256, "ec"),
        key(Algorithm::EdDSA, "ed"),
    ];
    serde_json::to_string(&JwkSet { keys }).expect("a JWK Set")
}

/// RFC 7523 §3 claims of an assertion of `client_id`: `iss` and `sub` the
/// client, `aud` [`ISSUER`], issued now, expiring in a minute, a fresh
/// `jti`.
pub fn claims(client_id: &str) -> Map<String, Value> {
    let now = now();
    let claims = json!({
        "iss": client_id, "sub": client_id, "aud": ISSUER,
        "iat": now, "exp": now + 60, "jti": fresh_jti(),
    });
    match claims {
        Value::Object(map) => map,
        _ => unreachable!(),
    }
}

/// `claims` signed with `alg` by `key`, with header `typ` (none when
/// `None`).
pub fn sign_with(
    claims: &Map<String, Value>,
    alg: Algorithm,
    key: &EncodingKey,
    typ: Option<&str>,
) -> String {
    let mut header = Header::new(alg);
    header.typ = typ.map(str::to_owned);
    encode(&header, claims, key).expect("the test assertion signs")
}

/// `claims` signed with the test key of `alg`, `typ` `JWT`.
pub fn sign(claims: &Map<String, Value>, alg: Algorithm) -> String {
    sign_with(claims, alg, &signing_key(alg), Some("JWT"))
}

/// A fresh EdDSA assertion of `client_id`.
pub fn assertion(client_id: &str) -> String {
    sign(&claims(client_id), Algorithm::EdDSA)
}

/// The form body authenticating with `assertion`, then `rest` (such as
/// `token=AT1`).
pub fn form(assertion: &str, rest: &str) -> String {
    format!("client_assertion_type={JWT_BEARER}&client_assertion={assertion}&{rest}")
}
