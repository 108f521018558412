//! The accepted `aud` and `typ` forms (RFC 7523 §3 item 3, RFC 7515
//! §4.1.9), by default and under the strict rules of
//! draft-ietf-oauth-rfc7523bis.

use crate::fixture::{revoke, server, server_with, store, verifier};
use crate::support::assertion::{
    claims, sign, sign_with, signing_key, INTROSPECTION_URL, REVOCATION_URL, TOKEN_URL,
};
use crate::support::jwt::ISSUER;
use crate::support::request::form;
use crate::support::wire::Server;
use crate::support::{challenge, desc};
use jsonwebtoken::Algorithm;
use serde_json::{json, Value};

/// An assertion of `keyed` for `aud`, with header `typ`.
fn for_audience(aud: Value, typ: Option<&str>) -> String {
    let mut claims = claims("keyed");
    claims.insert("aud".into(), aud);
    let alg = Algorithm::ES256;
    sign_with(&claims, alg, &signing_key(alg), typ)
}

/// Whether `server` accepts `assertion` at `/revoke`.
async fn accepted(server: &Server, assertion: &str) -> bool {
    let reply = server.send(revoke(assertion, "nothing")).await;
    match reply.status.as_u16() {
        200 => true,
        _ => {
            reply.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
            false
        }
    }
}

#[tokio::test]
async fn by_default_the_issuer_the_token_endpoint_and_the_endpoint_called_are_audiences() {
    let (_, server) = server().await;
    for aud in [ISSUER, TOKEN_URL, REVOCATION_URL] {
        assert!(
            accepted(&server, &for_audience(aud.into(), Some("JWT"))).await,
            "{aud}"
        );
    }
    let among = json!(["https://other.example", ISSUER]);
    assert!(accepted(&server, &for_audience(among, None)).await);
    for aud in [
        INTROSPECTION_URL,
        "https://as.example/",
        "https://AS.example",
    ] {
        assert!(
            !accepted(&server, &for_audience(aud.into(), None)).await,
            "{aud}"
        );
    }
}

#[tokio::test]
async fn the_introspection_endpoint_takes_its_own_url_not_the_revocation_one() {
    let (_, server) = server().await;
    let introspect = |aud: &str| {
        let assertion = for_audience(aud.into(), None);
        let body = crate::support::assertion::form(&assertion, "token=AT1");
        form("/introspect", body)
    };
    server
        .send(introspect(INTROSPECTION_URL))
        .await
        .assert_active();
    let refused = server.send(introspect(REVOCATION_URL)).await;
    refused.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
}

#[tokio::test]
async fn by_default_typ_is_absent_jwt_or_client_authentication_jwt() {
    let (_, server) = server().await;
    let accepted_types = [
        None,
        Some("JWT"),
        Some("jwt"),
        Some("client-authentication+jwt"),
        Some("application/client-authentication+jwt"),
    ];
    for typ in accepted_types {
        assert!(
            accepted(&server, &for_audience(ISSUER.into(), typ)).await,
            "{typ:?}"
        );
    }
    for typ in ["at+jwt", "dpop+jwt", "JOSE"] {
        assert!(
            !accepted(&server, &for_audience(ISSUER.into(), Some(typ))).await,
            "{typ}"
        );
    }
}

#[tokio::test]
async fn strict_takes_the_issuer_as_sole_audience_and_refuses_typ_jwt() {
    let store = store();
    let server = server_with(&store, verifier(&store).strict(true)).await;
    let typed = Some("client-authentication+jwt");
    assert!(accepted(&server, &for_audience(ISSUER.into(), typed)).await);
    assert!(accepted(&server, &for_audience(json!([ISSUER]), None)).await);
    for aud in [
        json!(TOKEN_URL),
        json!(REVOCATION_URL),
        json!([ISSUER, TOKEN_URL]),
    ] {
        assert!(
            !accepted(&server, &for_audience(aud.clone(), typed)).await,
            "{aud}"
        );
    }
    assert!(!accepted(&server, &for_audience(ISSUER.into(), Some("JWT"))).await);
}

#[tokio::test]
async fn the_longest_lifetime_and_the_algorithms_are_configurable() {
    let store = store();
    let verifier = verifier(&store)
        .max_lifetime(std::time::Duration::from_secs(30))
        .algorithms([Algorithm::ES256]);
    let server = server_with(&store, verifier).await;
    let mut claims = claims("keyed");
    let exp = claims["iat"].as_u64().unwrap() + 120;
    claims.insert("exp".into(), exp.into());
    assert!(
        !accepted(&server, &sign(&claims, Algorithm::ES256)).await,
        "exp too far"
    );
    assert!(
        !accepted(
            &server,
            &sign(
                &crate::support::assertion::claims("keyed"),
                Algorithm::EdDSA
            )
        )
        .await
    );
    assert!(
        accepted(
            &server,
            &sign(
                &crate::support::assertion::claims("keyed"),
                Algorithm::ES256
            )
        )
        .await
    );
}
