//! JWT access tokens (RFC 9068) through `JwtStore` over `MemoryStore`: the
//! revocation endpoint denies them, the introspection endpoint and the
//! Bearer guard refuse what is denied, and every token that does not verify
//! is unknown.

use crate::fixture::{introspect_as, store};
use crate::support::jwt::{self, claims, hs256, hs256_with, token, with, AUDIENCE, ISSUER};
use crate::support::request::{form, get, Req};
use crate::support::wire::serve;
use crate::support::{challenge, desc};
use axum::routing::get as get_route;
use axum::{Extension, Json, Router};
use serde_json::{json, Value};
use tower_revoke::jwt::jsonwebtoken::{self, Algorithm, EncodingKey};
use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
use tower_revoke::{
    ActiveToken, BearerAuthLayer, MemoryStore, RevocationEndpointLayer, SubjectRevocationStore,
};

type Store = JwtStore<MemoryStore>;

fn verifier() -> JwtVerifier {
    JwtVerifier::new(ISSUER, [JwtKey::hs256(jwt::SECRET).unwrap()]).audience(AUDIENCE)
}

async fn me(Extension(token): Extension<ActiveToken>) -> Json<Value> {
    Json(json!({ "sub": token.sub(), "client_id": token.client_id().as_str() }))
}

/// `/me` behind the guard, `/revoke` and `/introspect`, on `store`.
fn app_on(store: Store) -> Router {
    Router::new()
        .route(
            "/me",
            get_route(me).layer(BearerAuthLayer::new(store.clone())),
        )
        .layer(RevocationEndpointLayer::new(store.clone()))
        .layer(crate::fixture::layer(store))
}

fn app() -> (Store, Router) {
    let store = JwtStore::new(store(), verifier());
    (store.clone(), app_on(store))
}

fn me_with(token: &str) -> Req {
    get("/me").bearer(token)
}

fn revoke_as(client: &str, token: &str) -> Req {
    let secret = if client == "app1" {
        "s3cr3t"
    } else {
        "0th3r-s3cr3t"
    };
    form("/revoke", format!("token={token}")).basic(client, secret)
}

fn introspect(token: &str) -> Req {
    introspect_as("app1", &format!("token={token}"))
}

/// Asserts that `token` is refused everywhere and that revoking it
/// changes nothing: 200, still refused.
async fn assert_unknown(app: &Router, token: &str, case: &str) {
    introspect(token)
        .case(case)
        .send(app)
        .await
        .assert_inactive();
    let reply = me_with(token).case(case).send(app).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    revoke_as("app1", token)
        .case(case)
        .send(app)
        .await
        .assert_revoked();
}

#[tokio::test]
async fn a_valid_jwt_is_active_with_its_claims() {
    let (_, app) = app();
    let minted = claims("app1", "alice");
    let token = hs256(&minted);
    let members = introspect(&token).send(&app).await.assert_active();
    let expected = json!({
        "active": true, "client_id": "app1", "token_type": "Bearer", "sub": "alice",
        "scope": "read", "iss": ISSUER, "aud": AUDIENCE, "jti": minted["jti"],
        "iat": minted["iat"], "exp": minted["exp"],
    });
    assert_eq!(Value::Object(members), expected);
    let reply = me_with(&token).send(&app).await;
    assert_eq!(reply.ok(), json!({"sub": "alice", "client_id": "app1"}));
}

#[tokio::test]
async fn a_revoked_jwt_is_refused_by_introspection_and_the_guard() {
    let (store, app) = app();
    let token = token("app1", "alice");
    let other = self::token("app1", "alice");
    revoke_as("app1", &token).send(&app).await.assert_revoked();
    introspect(&token).send(&app).await.assert_inactive();
    let reply = me_with(&token).send(&app).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    // Revoking again is a revocation of an unknown token: 200, nothing new.
    revoke_as("app1", &token).send(&app).await.assert_revoked();
    assert_eq!(store.get_ref().denied_jwts(), 1);
    // Another JWT of the same client and subject is untouched.
    introspect(&other).send(&app).await.assert_active();
    me_with(&other).send(&app).await.ok();
}

#[tokio::test]
async fn another_clients_jwt_is_refused_as_for_opaque_tokens() {
    let (_, app) = app();
    let token = token("app1", "alice");
    let reply = revoke_as("app2", &token).send(&app).await;
    reply.assert_error(400, "invalid_grant", desc::OTHER_CLIENT, &[]);
    reply.assert_hides(&[&token]);
    introspect(&token).send(&app).await.assert_active();
    // And app2 may not see it by introspection either.
    let reply = introspect_as("app2", &format!("token={token}"))
        .send(&app)
        .await;
    reply.assert_inactive();
}

#[tokio::test]
async fn tokens_that_do_not_verify_are_unknown_and_change_nothing() {
    let (store, app) = app();
    let now = jwt::now();
    let base = || claims("app1", "alice");
    let hs = |alg, secret: &[u8], typ| {
        let key = EncodingKey::from_secret(secret).unwrap();
        jwt::sign(&base(), alg, &key, typ, None)
    };
    let cases = [
        ("wrong signature", hs256_with(&base(), jwt::WRONG_SECRET)),
        ("expired", hs256(&with(base(), "exp", json!(now - 100)))),
        (
            "not yet valid",
            hs256(&with(base(), "nbf", json!(now + 100))),
        ),
        ("typ JWT", hs(Algorithm::HS256, jwt::SECRET, Some("JWT"))),
        ("no typ", hs(Algorithm::HS256, jwt::SECRET, None)),
        (
            "HS512 on an HS256 key",
            hs(Algorithm::HS512, jwt::SECRET, Some("at+jwt")),
        ),
        ("alg none", jwt::unsigned(&base())),
        (
            "wrong issuer",
            hs256(&with(base(), "iss", json!("https://evil.example"))),
        ),
        (
            "wrong audience",
            hs256(&with(base(), "aud", json!("https://other.example"))),
        ),
        ("no audience", hs256(&with(base(), "aud", Value::Null))),
        ("no jti", hs256(&with(base(), "jti", Value::Null))),
        (
            "no client_id",
            hs256(&with(base(), "client_id", Value::Null)),
        ),
        ("no iat", hs256(&with(base(), "iat", Value::Null))),
        ("no sub", hs256(&with(base(), "sub", Value::Null))),
        (
            "truncated",
            token("app1", "alice")
                .rsplit_once('.')
                .unwrap()
                .0
                .to_owned()
                + ".",
        ),
    ];
    for (case, token) in &cases {
        assert_unknown(&app, token, case).await;
    }
    assert_eq!(store.get_ref().denied_jwts(), 0, "nothing was denied");
}

#[tokio::test]
async fn a_forged_token_carrying_a_real_jti_neither_revokes_nor_passes() {
    let (_, app) = app();
    let real = claims("app1", "alice");
    let token = hs256(&real);
    let forged = hs256_with(&real, jwt::WRONG_SECRET);
    // Revoking the forgery does not revoke the real token.
    revoke_as("app1", &forged).send(&app).await.assert_revoked();
    introspect(&token).send(&app).await.assert_active();
    // Once the real one is revoked, a forgery for another subject with the
    // same jti is still refused, and the real one stays revoked.
    revoke_as("app1", &token).send(&app).await.assert_revoked();
    let forged = hs256_with(&with(real, "sub", json!("bob")), jwt::WRONG_SECRET);
    assert_unknown(&app, &forged, "forged").await;
    introspect(&token).send(&app).await.assert_inactive();
}

#[tokio::test]
async fn bulk_revocation_refuses_the_subjects_earlier_jwts() {
    let (store, app) = app();
    let alice = token("app1", "alice");
    let bob = token("app1", "bob");
    store.revoke_subject_tokens("alice", &[]).await.unwrap();
    introspect(&alice).send(&app).await.assert_inactive();
    me_with(&alice)
        .send(&app)
        .await
        .assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    introspect(&bob).send(&app).await.assert_active();
    // A token issued after the cutoff's second works.
    let later = hs256(&with(claims("app1", "alice"), "iat", json!(jwt::now() + 1)));
    introspect(&later).send(&app).await.assert_active();
    // A labelled bulk revocation leaves JWTs (which carry no labels) alone.
    store
        .revoke_subject_tokens("bob", &[("provider", "github")])
        .await
        .unwrap();
    introspect(&bob).send(&app).await.assert_active();
}

#[tokio::test]
async fn opaque_tokens_still_work_beside_jwts() {
    let (_, app) = app();
    introspect("AT1").send(&app).await.assert_active();
    revoke_as("app1", "AT1").send(&app).await.assert_revoked();
    introspect("AT1").send(&app).await.assert_inactive();
    let reply = me_with("AT2").send(&app).await;
    assert_eq!(reply.ok(), json!({"sub": "bob", "client_id": "app1"}));
}

#[tokio::test]
async fn public_keys_and_jwks_verify_and_public_keys_are_never_hmac_secrets() {
    let keys = [
        (
            Algorithm::RS256,
            JwtKey::rsa_pem(jwt::RSA_PUBLIC).unwrap(),
            EncodingKey::from_rsa_pem(jwt::RSA_PRIVATE),
        ),
        (
            Algorithm::PS256,
            JwtKey::rsa_pem(jwt::RSA_PUBLIC).unwrap(),
            EncodingKey::from_rsa_pem(jwt::RSA_PRIVATE),
        ),
        (
            Algorithm::ES256,
            JwtKey::ec_pem(jwt::EC_PUBLIC).unwrap(),
            EncodingKey::from_ec_pem(jwt::EC_PRIVATE),
        ),
        (
            Algorithm::EdDSA,
            JwtKey::ed25519_pem(jwt::ED25519_PUBLIC).unwrap(),
            EncodingKey::from_ed_pem(jwt::ED25519_PRIVATE),
        ),
    ];
    for (alg, key, signing) in keys {
        let signing = signing.unwrap();
        let verifier = JwtVerifier::new(ISSUER, [key.kid("k1")]);
        let minted = claims("app1", "alice");
        let token = jwt::sign(
            &minted,
            alg,
            &signing,
            Some("application/at+jwt"),
            Some("k1"),
        );
        let verified = verifier
            .verify(&token)
            .unwrap_or_else(|e| panic!("{alg:?}: {e}"));
        assert_eq!(verified.subject(), "alice");
        let other_kid = jwt::sign(&minted, alg, &signing, Some("at+jwt"), Some("k2"));
        assert!(verifier.verify(&other_kid).is_err(), "{alg:?}: another kid");
        let restricted = verifier.clone().algorithms([Algorithm::HS256]);
        assert!(
            restricted.verify(&token).is_err(),
            "{alg:?}: not on the allow-list"
        );
    }
    let rsa = JwtVerifier::new(ISSUER, [JwtKey::rsa_pem(jwt::RSA_PUBLIC).unwrap()]);
    let confused = jwt::hs256_with_the_rsa_public_key(&claims("app1", "alice"));
    assert!(rsa.verify(&confused).is_err(), "algorithm confusion");

    let jwk = jsonwebtoken::jwk::Jwk::from_decoding_key(
        &jsonwebtoken::DecodingKey::from_ed_pem(jwt::ED25519_PUBLIC).unwrap(),
        Some(Algorithm::EdDSA),
    )
    .unwrap();
    let mut jwk = serde_json::to_value(jwk).unwrap();
    jwk["kid"] = json!("ed1");
    let jwks = json!({"keys": [jwk]}).to_string();
    let verifier = JwtVerifier::new(ISSUER, JwtKey::jwks(&jwks).unwrap());
    let signing = EncodingKey::from_ed_pem(jwt::ED25519_PRIVATE).unwrap();
    let token = jwt::sign(
        &claims("app1", "alice"),
        Algorithm::EdDSA,
        &signing,
        Some("at+jwt"),
        Some("ed1"),
    );
    assert!(verifier.verify(&token).is_ok());
}

#[tokio::test]
async fn the_leeway_admits_a_just_expired_token_and_its_denial_outlives_it() {
    let store = JwtStore::new(
        store(),
        verifier().leeway(std::time::Duration::from_secs(60)),
    );
    let app = app_on(store.clone());
    let just_expired = hs256(&with(claims("app1", "alice"), "exp", json!(jwt::now() - 5)));
    introspect(&just_expired).send(&app).await.assert_active();
    me_with(&just_expired).send(&app).await.ok();
    revoke_as("app1", &just_expired)
        .send(&app)
        .await
        .assert_revoked();
    introspect(&just_expired).send(&app).await.assert_inactive();
}

#[tokio::test]
async fn a_jwt_is_revoked_and_refused_over_http() {
    let (_, app) = app();
    let server = serve(app).await;
    let token = token("app1", "alice");
    assert_eq!(server.send(me_with(&token)).await.ok()["sub"], "alice");
    server
        .send(revoke_as("app1", &token))
        .await
        .assert_revoked();
    server.send(introspect(&token)).await.assert_inactive();
    let reply = server.send(me_with(&token)).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}
