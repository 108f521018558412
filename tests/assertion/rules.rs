//! RFC 7523 §3 at the revocation endpoint: every accepted algorithm
//! revokes; every failure is the same 401 `invalid_client` as a wrong
//! secret, and revokes nothing.

use crate::fixture::{revoke, server};
use crate::support::assertion::{claims, other_key, sign, sign_with, ALGORITHMS};
use crate::support::jwt::{hs256_with, now, unsigned, RSA_PUBLIC};
use crate::support::request::form;
use crate::support::store::is_active;
use crate::support::{challenge, desc};
use jsonwebtoken::Algorithm;
use serde_json::{Map, Value};

#[tokio::test]
async fn an_assertion_signed_with_each_algorithm_revokes_the_token() {
    let (store, server) = server().await;
    for (i, alg) in ALGORITHMS.into_iter().enumerate() {
        let token = format!("AT{i}");
        assert!(is_active(&store, &token).await);
        let reply = server
            .send(revoke(&sign(&claims("keyed"), alg), &token))
            .await;
        reply.assert_revoked();
        assert!(!is_active(&store, &token).await, "{alg:?} revoked {token}");
    }
}

/// `claims("keyed")` with `name` set to `value` (removed for `Null`).
fn keyed_with(name: &str, value: Value) -> Map<String, Value> {
    let mut claims = claims("keyed");
    match value {
        Value::Null => claims.remove(name),
        value => claims.insert(name.to_owned(), value),
    };
    claims
}

#[tokio::test]
async fn every_refused_assertion_gets_the_one_invalid_client_and_revokes_nothing() {
    let (store, server) = server().await;
    let now = now();
    let ed = Algorithm::EdDSA;
    let refused = [
        (
            "another key",
            sign_with(&claims("keyed"), ed, &other_key(), None),
        ),
        ("alg none", unsigned(&claims("keyed"))),
        (
            "HS256 keyed with the RSA public key",
            hs256_with(&claims("keyed"), RSA_PUBLIC),
        ),
        ("expired", sign(&keyed_with("exp", (now - 120).into()), ed)),
        (
            "too long-lived",
            sign(&keyed_with("exp", (now + 7200).into()), ed),
        ),
        ("no exp", sign(&keyed_with("exp", Value::Null), ed)),
        (
            "nbf ahead",
            sign(&keyed_with("nbf", (now + 300).into()), ed),
        ),
        (
            "iat ahead",
            sign(&keyed_with("iat", (now + 300).into()), ed),
        ),
        ("another iss", sign(&keyed_with("iss", "both".into()), ed)),
        (
            "another aud",
            sign(&keyed_with("aud", "https://evil.example".into()), ed),
        ),
        ("no aud", sign(&keyed_with("aud", Value::Null), ed)),
        ("no jti", sign(&keyed_with("jti", Value::Null), ed)),
        (
            "typ at+jwt",
            sign_with(&claims("keyed"), ed, &other_key(), Some("at+jwt")),
        ),
        ("an unknown client", sign(&claims("nobody"), ed)),
        ("a client without keys", sign(&claims("app1"), ed)),
        ("a public client", sign(&claims("pub1"), ed)),
    ];
    for (case, assertion) in refused {
        let reply = server.send(revoke(&assertion, "AT0")).await;
        reply.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
        reply.assert_hides(&[&assertion]);
        assert!(is_active(&store, "AT0").await, "{case}: nothing revoked");
    }
    // The same bytes as a wrong secret by client_secret_post.
    let wrong_secret = form("/revoke", "client_id=both&client_secret=nope&token=BT1");
    let wrong_secret = server.send(wrong_secret).await;
    let unknown = server
        .send(revoke(&sign(&claims("nobody"), ed), "AT0"))
        .await;
    assert_eq!(
        (unknown.status, &unknown.body),
        (wrong_secret.status, &wrong_secret.body)
    );
    assert_eq!(
        unknown.header("www-authenticate"),
        wrong_secret.header("www-authenticate")
    );
}

#[tokio::test]
async fn a_subject_naming_another_client_is_that_clients_failure() {
    let (store, server) = server().await;
    // Signed with keys `both` also registered, but `iss` stays `keyed`.
    let assertion = sign(&keyed_with("sub", "both".into()), Algorithm::EdDSA);
    let reply = server.send(revoke(&assertion, "BT1")).await;
    reply.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(is_active(&store, "BT1").await);
}

#[tokio::test]
async fn a_numeric_date_with_a_fraction_is_read_as_seconds() {
    let (store, server) = server().await;
    let exp = now() as f64 + 60.5;
    let assertion = sign(&keyed_with("exp", exp.into()), Algorithm::ES256);
    server
        .send(revoke(&assertion, "AT0"))
        .await
        .assert_revoked();
    assert!(!is_active(&store, "AT0").await);
}
