//! The demo with JWT access tokens on (`TOWER_REVOKE_JWT_HS256_SECRET`),
//! driven as the README tells a user to: `/me` answers a JWT as it answers
//! an opaque token, revoking the JWT turns `/me` and introspection away,
//! tokens that do not verify are unknown, and a revocation survives a
//! restart of the demo on SQLite. Over the demo's router and over real
//! HTTP, with no token in any log line. Each JWT is issued as the demo
//! issues its own: minted and recorded in the store (the token endpoint's
//! JWTs are in `token_jwt.rs`).

use tower_revoke_examples::demo as app;

use crate::example::VARY_ORIGIN;
use crate::support::jwt::{self, claims, hs256_with, with};
use crate::support::reply::Reply;
use crate::support::request::{form, get, Req};
use crate::support::{challenge, desc};
use serde_json::{json, Value};
use std::time::Duration;
use tower_revoke::client::ClientId;
use tower_revoke::store::{BoxStore, Recording};
use tower_revoke::{IssuanceStore, MemoryStore, SubjectRevocationStore};
use tower_revoke_test_support::logs::{Capture, Spans};

const ISSUER: &str = "http://127.0.0.1:3000";

/// JWTs on, signed with the test secret; `audience` required when given.
fn config(audience: Option<&str>) -> app::Config {
    app::Config {
        issuer: ISSUER.to_owned(),
        jwt_secret: Some(String::from_utf8(jwt::SECRET.to_vec()).unwrap()),
        jwt_audience: audience.map(str::to_owned),
        ..app::Config::from_vars(|_| None)
    }
}

/// The demo's store, from its seed, and the demo on it.
fn demo(config: &app::Config) -> (MemoryStore, app::App) {
    let store = MemoryStore::from_seed_file(app::SEED).expect("the demo seed loads");
    (store.clone(), app::app_with(BoxStore::new(store), config))
}

/// A JWT of `client_id` for `sub` as the demo issues it: minted by
/// `config` and recorded in `store`.
async fn issue(
    config: &app::Config,
    store: &impl IssuanceStore,
    client_id: &str,
    sub: &str,
) -> String {
    let client_id = ClientId::new(client_id).unwrap();
    let entry = config
        .mint(&client_id, sub, Some("profile"), Duration::from_secs(600))
        .expect("JWTs are on");
    let recorded = store.record_token(&entry).await.expect("recorded");
    assert_eq!(recorded, Recording::Recorded);
    entry.token.into_secret()
}

fn me(token: &str) -> Req {
    get("/me").bearer(token)
}

fn revoke(client: &str, secret: &str, token: &str) -> Req {
    form(app::REVOKE_PATH, format!("token={token}")).basic(client, secret)
}

fn introspect(token: &str) -> Req {
    form(app::INTROSPECT_PATH, format!("token={token}")).basic("app1", "s3cr3t")
}

#[track_caller]
fn assert_refused(reply: &Reply) {
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

#[tokio::test]
async fn me_answers_a_jwt_with_the_same_json_as_an_opaque_token() {
    let config = config(None);
    let (store, app) = demo(&config);
    let token = issue(&config, &store, "app1", "alice").await;
    let from_jwt = me(&token).send(&app).await.ok();
    let from_opaque = me("AT1").send(&app).await.ok();
    assert_eq!(from_jwt, from_opaque);
    assert_eq!(from_jwt, json!({"sub": "alice", "client_id": "app1"}));
}

#[tokio::test]
async fn revoking_a_jwt_turns_me_and_introspection_away() {
    let config = config(None);
    let (store, app) = demo(&config);
    let token = issue(&config, &store, "app1", "alice").await;
    let members = introspect(&token).send(&app).await.assert_active();
    assert_eq!(members["iss"], ISSUER);
    revoke("app1", "s3cr3t", &token)
        .send(&app)
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    assert_refused(&me(&token).send(&app).await);
    introspect(&token).send(&app).await.assert_inactive();
    // A JWT of another client is refused as an opaque token would be.
    let other = issue(&config, &store, "app2", "dave").await;
    let reply = revoke("app1", "s3cr3t", &other).send(&app).await;
    reply.assert_error(400, "invalid_grant", desc::OTHER_CLIENT, &[VARY_ORIGIN]);
    me(&other).send(&app).await.ok();
}

#[tokio::test]
async fn the_configured_audience_is_required() {
    let config = config(Some("https://api.demo"));
    let (store, app) = demo(&config);
    let token = issue(&config, &store, "app1", "alice").await;
    assert_eq!(
        introspect(&token).send(&app).await.assert_active()["aud"],
        "https://api.demo"
    );
    // Recorded in the demo's store, and refused all the same.
    let elsewhere = issue(
        &app::Config {
            jwt_audience: Some("https://other".into()),
            ..config.clone()
        },
        &store,
        "app1",
        "alice",
    )
    .await;
    assert_refused(&me(&elsewhere).send(&app).await);
    let none = issue(
        &app::Config {
            jwt_audience: None,
            ..config
        },
        &store,
        "app1",
        "alice",
    )
    .await;
    assert_refused(&me(&none).send(&app).await);
}

#[tokio::test]
async fn tokens_the_demo_did_not_issue_are_unknown() {
    let config = config(None);
    let (_, app) = demo(&config);
    let ours = |c| with(c, "iss", json!(ISSUER));
    let cases = [
        (
            "wrong signature",
            hs256_with(&ours(claims("app1", "alice")), jwt::WRONG_SECRET),
        ),
        (
            "expired",
            jwt::hs256(&with(
                ours(claims("app1", "alice")),
                "exp",
                json!(jwt::now() - 120),
            )),
        ),
        ("another issuer", jwt::hs256(&claims("app1", "alice"))),
        ("alg none", jwt::unsigned(&ours(claims("app1", "alice")))),
        ("typ JWT", {
            let key =
                tower_revoke::jwt::jsonwebtoken::EncodingKey::from_secret(jwt::SECRET).unwrap();
            let alg = tower_revoke::jwt::jsonwebtoken::Algorithm::HS256;
            jwt::sign(&ours(claims("app1", "alice")), alg, &key, Some("JWT"), None)
        }),
    ];
    for (case, token) in cases {
        assert_refused(&me(&token).case(case).send(&app).await);
        introspect(&token)
            .case(case)
            .send(&app)
            .await
            .assert_inactive();
        revoke("app1", "s3cr3t", &token)
            .case(case)
            .send(&app)
            .await
            .assert_revoked_with(&[VARY_ORIGIN]);
    }
}

#[tokio::test]
async fn logging_out_a_user_everywhere_ends_their_jwts() {
    let config = config(None);
    let store = MemoryStore::from_seed_file(app::SEED).unwrap();
    // The demo's own JwtStore, built here to reach bulk revocation.
    let jwt_store = tower_revoke::jwt::JwtStore::new(store.clone(), config.verifier().unwrap());
    let boxed = BoxStore::new(jwt_store.recorded(true));
    let app = app::app_with(
        boxed.clone(),
        &app::Config {
            jwt_secret: None,
            ..config.clone()
        },
    );
    let token = issue(&config, &store, "app1", "alice").await;
    me(&token).send(&app).await.ok();
    boxed.revoke_subject_tokens("alice", &[]).await.unwrap();
    assert_refused(&me(&token).send(&app).await);
    assert_refused(&me("AT1").send(&app).await);
}

/// Revocation on SQLite: a JWT revoked through one run of the demo is
/// refused by the next run on the same file.
#[tokio::test]
async fn a_revoked_jwt_stays_revoked_across_a_restart_on_sqlite() {
    use tower_revoke_sqlx::SqliteStore;
    let dir = std::env::temp_dir().join(format!(
        "tower-revoke-demo-{}-{}",
        std::process::id(),
        jwt::fresh_jti()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.db");
    let seed = tower_revoke::store::Seed::from_file(app::SEED).unwrap();
    let config = config(None);
    let start = || async {
        let store = SqliteStore::open(&path).await.expect("open");
        store.migrate().await.expect("migrate");
        store.seed(&seed).await.expect("seed");
        let app = app::app_with(BoxStore::new(store.clone()), &config);
        (store, app)
    };
    let (store, first) = start().await;
    let token = issue(&config, &store, "app1", "alice").await;
    me(&token).send(&first).await.ok();
    revoke("app1", "s3cr3t", &token)
        .send(&first)
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    drop((store, first));
    let (store, second) = start().await;
    assert_refused(&me(&token).send(&second).await);
    introspect(&token).send(&second).await.assert_inactive();
    let fresh = issue(&config, &store, "app1", "alice").await;
    me(&fresh).send(&second).await.ok();
    drop((store, second));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Serves `app` on a loopback port within the examples' limits.
async fn serve(app: app::App) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = tower_revoke_examples::serve::Limits::default();
    let forever = std::future::pending();
    tokio::spawn(tower_revoke_examples::serve::serve(
        listener, app, limits, forever,
    ));
    addr
}

/// Sends `request` to `addr` over HTTP/1.1 with hyper-util's client.
async fn send(addr: std::net::SocketAddr, request: Req) -> Reply {
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    let client = Client::builder(TokioExecutor::new()).build_http::<axum::body::Body>();
    let method = request.method().clone();
    let mut request = request.build();
    let path = request.uri().path_and_query().unwrap().as_str().to_owned();
    *request.uri_mut() = format!("http://{addr}{path}").parse().unwrap();
    Reply::read(method, client.request(request).await.unwrap()).await
}

#[tokio::test]
async fn the_readme_flow_over_http_leaves_no_token_in_the_logs() {
    let capture = Capture::start(Spans::Off);
    let config = config(None);
    let (store, app) = demo(&config);
    let addr = serve(app).await;
    let token = issue(&config, &store, "app1", "alice").await;
    assert_eq!(send(addr, me(&token)).await.ok()["sub"], "alice");
    send(addr, introspect(&token)).await.assert_active();
    send(addr, revoke("app1", "s3cr3t", &token))
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    assert_refused(&send(addr, me(&token)).await);
    send(addr, introspect(&token)).await.assert_inactive();
    let document: Value = send(addr, get("/.well-known/oauth-authorization-server"))
        .await
        .ok();
    assert_eq!(
        document["revocation_endpoint"],
        format!("{ISSUER}/oauth/revoke")
    );
    let output = capture.text();
    assert!(
        output.contains("JWT access token revoked"),
        "nothing captured:\n{output}"
    );
    let signature = token.rsplit('.').next().unwrap();
    for needle in [token.as_str(), signature, "s3cr3t"] {
        assert!(
            !output.contains(needle),
            "the trace output contains {needle:?}:\n{output}"
        );
    }
}
