//! The demo's token endpoint with JWT access tokens on
//! (`TOWER_REVOKE_JWT_HS256_SECRET`): it issues RFC 9068 JWTs, recorded in
//! their grants, so the grant rules hold for them as for opaque tokens: a
//! revoked refresh token ends the JWTs of its grant (RFC 7009 §2.1), and a
//! reused one ends the grant with its newest JWT (RFC 9700 §4.14.2).

use tower_revoke_examples::demo as app;

use crate::example::{assert_me, me, VARY_ORIGIN};
use crate::support::jwt::{self, payload};
use crate::support::reply::Reply;
use crate::support::{challenge, desc};
use crate::token::{answered, introspect, revoke, text, token};
use serde_json::{json, Map, Value};
use tower_revoke::jwt::jsonwebtoken::{decode_header, Algorithm};
use tower_revoke::jwt::VerifiedJwt;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;

const ISSUER: &str = "https://demo.example";
const AUDIENCE: &str = "https://api.demo.example";

/// The demo's configuration from these variables, with the test secret
/// and [`ISSUER`].
fn config(vars: &[(&str, &str)]) -> app::Config {
    let secret = String::from_utf8(jwt::SECRET.to_vec()).unwrap();
    app::Config::from_vars(|name| match name {
        "TOWER_REVOKE_JWT_HS256_SECRET" => Some(secret.clone()),
        "TOWER_REVOKE_ISSUER" => Some(ISSUER.to_owned()),
        _ => vars
            .iter()
            .find(|(var, _)| *var == name)
            .map(|(_, v)| (*v).to_owned()),
    })
}

/// The demo on a fresh store from its seed, with `config`.
fn demo(config: &app::Config) -> (MemoryStore, app::App) {
    let store = MemoryStore::from_seed_file(app::SEED).expect("the demo seed loads");
    (store.clone(), app::app_with(BoxStore::new(store), config))
}

/// The RFC 6749 §5.1 answer with a JWT access token of `client_id` for
/// `sub`: header `alg` HS256 and `typ` `at+jwt` (RFC 9068 §2.1), verified
/// by `config`'s verifier, with `iss`, `sub`, `client_id`, `iat`, `exp` an
/// hour later and a `jti` (§2.2). Returns the answer's members and the
/// JWT's claims.
#[track_caller]
fn issued_jwt(
    reply: &Reply,
    config: &app::Config,
    client_id: &str,
    sub: &str,
) -> (Map<String, Value>, Map<String, Value>) {
    let members = answered(reply);
    let access = text(&members, "access_token");
    let header = decode_header(access).expect("a JWT header");
    assert_eq!(header.alg, Algorithm::HS256);
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    let verified: VerifiedJwt = config
        .verifier()
        .expect("JWTs are on")
        .verify(access)
        .expect("the JWT verifies");
    assert_eq!(verified.issuer(), ISSUER);
    assert_eq!(verified.client_id().as_str(), client_id);
    assert_eq!(verified.subject(), sub);
    assert_eq!(verified.expires_at() - verified.issued_at(), 3600);
    assert!(!verified.jti().is_empty());
    (members.clone(), payload(access))
}

/// Revokes `token` as app1: 200 `{}`, whether it was revoked now or
/// unknown (RFC 7009 §2.2).
async fn assert_revoked(app: &app::App, token: &str) {
    let reply = revoke(token).send(app).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
}

/// `token`, refused at `/me` (401 `invalid_token`), inactive at
/// introspection, and revoking it answers as for a token never issued:
/// 200 `{}` with the same headers.
async fn assert_ended(app: &app::App, token: &str) {
    let refused = me(token).send(app).await;
    refused.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    introspect(token).send(app).await.assert_inactive();
    assert_revoked(app, token).await;
    assert_revoked(app, "never-issued").await;
}

#[tokio::test]
async fn client_credentials_issue_a_jwt_that_verifies_and_works_everywhere() {
    let config = config(&[("TOWER_REVOKE_JWT_AUDIENCE", AUDIENCE)]);
    let (store, app) = demo(&config);
    let reply = token("grant_type=client_credentials&scope=read")
        .send(&app)
        .await;
    let (members, claims) = issued_jwt(&reply, &config, "app1", "app1");
    assert!(!members.contains_key("refresh_token"), "RFC 6749 §4.4.3");
    assert_eq!(members["scope"], "read");
    assert_eq!(
        (&claims["aud"], &claims["scope"]),
        (&json!(AUDIENCE), &json!("read"))
    );
    let names: Vec<&str> = claims.keys().map(String::as_str).collect();
    let expected = [
        "aud",
        "client_id",
        "exp",
        "iat",
        "iss",
        "jti",
        "scope",
        "sub",
    ];
    assert_eq!(names, expected, "the RFC 9068 §2.2 claims and no others");
    let access = text(&members, "access_token");
    assert!(store.is_active(access), "recorded before it is handed out");
    assert_me(&app, access, "app1", "app1").await;
    let facts = introspect(access).send(&app).await.assert_active();
    for (name, value) in [
        ("iss", json!(ISSUER)),
        ("jti", claims["jti"].clone()),
        ("client_id", json!("app1")),
        ("sub", json!("app1")),
        ("aud", json!(AUDIENCE)),
        ("scope", json!("read")),
        ("exp", claims["exp"].clone()),
        ("iat", claims["iat"].clone()),
    ] {
        assert_eq!(facts[name], value, "{name} in {facts:?}");
    }
    // Revoking the JWT itself ends it.
    assert_revoked(&app, access).await;
    assert_ended(&app, access).await;
}

#[tokio::test]
async fn a_jwt_names_a_scope_only_when_one_is_asked_for() {
    let config = config(&[]);
    let (_, app) = demo(&config);
    let reply = token("grant_type=client_credentials").send(&app).await;
    let (members, claims) = issued_jwt(&reply, &config, "app1", "app1");
    assert!(!members.contains_key("scope"), "{members:?}");
    assert!(!claims.contains_key("scope"), "{claims:?}");
    assert!(!claims.contains_key("aud"), "no audience is configured");
}

#[tokio::test]
async fn a_refresh_token_rotates_to_a_jwt_and_its_reuse_ends_the_grant() {
    let config = config(&[]);
    let (store, app) = demo(&config);
    // RT1 was granted no scope (asking for one is `invalid_scope`, RFC
    // 6749 §6), so its JWT names none.
    let reply = token("grant_type=refresh_token&refresh_token=RT1")
        .send(&app)
        .await;
    let (first, claims) = issued_jwt(&reply, &config, "app1", "alice");
    assert!(!first.contains_key("scope") && !claims.contains_key("scope"));
    let (access, refresh) = (text(&first, "access_token"), text(&first, "refresh_token"));
    assert_eq!(refresh.len(), 43, "an opaque refresh token");
    assert_me(&app, access, "alice", "app1").await;
    assert!(
        !store.is_active("RT1"),
        "the presented refresh token is rotated"
    );
    // The successor rotates in turn; RT1 presented again is reuse.
    let reply = token(&format!("grant_type=refresh_token&refresh_token={refresh}"))
        .send(&app)
        .await;
    let (next, _) = issued_jwt(&reply, &config, "app1", "alice");
    let (newest, newest_refresh) = (text(&next, "access_token"), text(&next, "refresh_token"));
    assert_me(&app, newest, "alice", "app1").await;
    let reused = token("grant_type=refresh_token&refresh_token=RT1")
        .send(&app)
        .await;
    reused.assert_error_code(400, "invalid_grant", &[]);
    assert_ended(&app, newest).await;
    for dead in ["AT1", access] {
        let refused = me(dead).send(&app).await;
        refused.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    }
    introspect(newest_refresh)
        .send(&app)
        .await
        .assert_inactive();
    let after = token(&format!(
        "grant_type=refresh_token&refresh_token={newest_refresh}"
    ))
    .send(&app)
    .await;
    after.assert_error_code(400, "invalid_grant", &[]);
    assert!(store.is_active("AT2"), "another grant lives on");
}

#[tokio::test]
async fn revoking_the_refresh_token_ends_the_jwt_of_its_grant() {
    let config = config(&[]);
    let (_, app) = demo(&config);
    let reply = token("grant_type=refresh_token&refresh_token=RT1")
        .send(&app)
        .await;
    let (members, _) = issued_jwt(&reply, &config, "app1", "alice");
    let (access, refresh) = (
        text(&members, "access_token"),
        text(&members, "refresh_token"),
    );
    assert_me(&app, access, "alice", "app1").await;
    assert_revoked(&app, refresh).await;
    assert_ended(&app, access).await;
}

#[tokio::test]
async fn within_the_grace_period_a_rotated_token_rotates_again_to_jwts() {
    let config = config(&[("TOWER_REVOKE_REFRESH_GRACE", "60s")]);
    let (store, app) = demo(&config);
    let mut issued = Vec::new();
    for _ in 0..2 {
        let reply = token("grant_type=refresh_token&refresh_token=RT1")
            .send(&app)
            .await;
        issued.push(issued_jwt(&reply, &config, "app1", "alice").0);
    }
    for members in &issued {
        assert_me(&app, text(members, "access_token"), "alice", "app1").await;
        assert!(store.is_active(text(members, "refresh_token")));
    }
    assert!(store.is_active("AT1"), "the grant lives on");
    // Ending the grant ends the JWT of the second, grace, rotation too.
    assert_revoked(&app, text(&issued[0], "refresh_token")).await;
    assert_ended(&app, text(&issued[1], "access_token")).await;
}

#[tokio::test]
async fn another_clients_jwt_is_invalid_grant_and_stays_active() {
    let config = config(&[]);
    let (_, app) = demo(&config);
    let reply = token("grant_type=client_credentials").send(&app).await;
    let (members, _) = issued_jwt(&reply, &config, "app1", "app1");
    let access = text(&members, "access_token");
    let request = crate::support::request::form(app::REVOKE_PATH, format!("token={access}"));
    let reply = request.basic("app2", "0th3r-s3cr3t").send(&app).await;
    reply.assert_error(400, "invalid_grant", desc::OTHER_CLIENT, &[VARY_ORIGIN]);
    assert_me(&app, access, "app1", "app1").await;
}
