//! The demo application (`cargo run --example demo`) driven as its README
//! tells a user to: the home page, `/me` with a Bearer token, revoking that
//! token at `/oauth/revoke`, and `/me` again.

use tower_revoke_examples::demo as app;

use crate::example::{assert_me, me, Example, VARY_ORIGIN};
use crate::support::request::{form, get, Req};
use crate::support::{challenge, desc};

const SEED: &str = app::SEED;

const DEMO: Example<app::App> = Example {
    seed: SEED,
    app: app::app,
    active: &["AT1", "RT1", "AT2", "jwt", "PAT1", "OT1", "SPA1"],
};

/// `curl -u app1:s3cr3t -d token=AT1 http://{addr}/oauth/revoke`
fn revoke(token: &str) -> Req {
    form(app::REVOKE_PATH, format!("token={token}")).basic("app1", "s3cr3t")
}

#[tokio::test]
async fn home_page_is_text() {
    let (_, app) = DEMO.start();
    let reply = get("/").send(&app).await;
    let body = "tower-revoke demo: POST /oauth/revoke, GET /me\n";
    let content_type = ("content-type", "text/plain; charset=utf-8");
    reply.assert(200, body.as_bytes(), &[content_type]);
}

#[tokio::test]
async fn me_shows_the_client_and_subject_of_an_active_token() {
    let (_, app) = DEMO.start();
    assert_me(&app, "AT1", "alice", "app1").await;
}

#[tokio::test]
async fn revoking_at_the_demo_path_ends_the_token() {
    let (store, app) = DEMO.start();
    revoke("AT1")
        .send(&app)
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    // An access token does not take its grant.
    DEMO.assert_only_revoked(&store, &["AT1"]);
    let reply = me("AT1").send(&app).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

#[tokio::test]
async fn other_tokens_keep_working_after_a_revocation() {
    let (_, app) = DEMO.start();
    revoke("AT1").send(&app).await;
    assert_me(&app, "AT2", "bob", "app1").await;
}

#[tokio::test]
async fn default_revoke_path_is_not_the_demo_endpoint() {
    let (store, app) = DEMO.start();
    let request = form("/revoke", "token=AT1").basic("app1", "s3cr3t");
    assert_eq!(request.send(&app).await.status, 404);
    DEMO.assert_only_revoked(&store, &[]);
}

/// `curl -u app1:s3cr3t -d token=AT1 http://{addr}/oauth/introspect`
fn introspect(token: &str) -> Req {
    form(app::INTROSPECT_PATH, format!("token={token}")).basic("app1", "s3cr3t")
}

#[tokio::test]
async fn introspection_answers_beside_revocation_and_agrees_with_it() {
    let (_, app) = DEMO.start();
    let members = introspect("AT1").send(&app).await.assert_active();
    assert_eq!(
        (&members["sub"], &members["client_id"]),
        (&"alice".into(), &"app1".into())
    );
    revoke("AT1")
        .send(&app)
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    introspect("AT1").send(&app).await.assert_inactive();
    // app1 may not learn about app2's token; pub1, a public client, nothing.
    introspect("OT1").send(&app).await.assert_inactive();
    let public = form(app::INTROSPECT_PATH, "token=PAT1&client_id=pub1")
        .send(&app)
        .await;
    assert_eq!(public.status, 401);
}

#[tokio::test]
async fn the_metadata_document_names_the_demo_endpoints() {
    let store = tower_revoke::MemoryStore::from_seed_file(SEED).unwrap();
    let config = app::Config::from_vars(|name| {
        (name == "TOWER_REVOKE_ISSUER").then(|| "https://demo.example".to_owned())
    });
    let app = app::app_with(tower_revoke::store::BoxStore::new(store), &config);
    let document = get("/.well-known/oauth-authorization-server")
        .send(&app)
        .await
        .ok();
    assert_eq!(document["issuer"], "https://demo.example");
    assert_eq!(
        document["revocation_endpoint"],
        "https://demo.example/oauth/revoke"
    );
    assert_eq!(
        document["introspection_endpoint"],
        "https://demo.example/oauth/introspect"
    );
    let methods = &document["introspection_endpoint_auth_methods_supported"];
    assert_eq!(
        methods,
        &serde_json::json!(["client_secret_basic", "client_secret_post"])
    );
}

#[test]
fn the_issuer_defaults_to_http_and_the_listen_address() {
    let config = app::Config::from_vars(|_| None);
    let addr = tower_revoke_examples::common::addr();
    assert_eq!(config.issuer, format!("http://{addr}"));
    assert!(config.verifier().is_none(), "JWTs are off without a secret");
    let debug = format!(
        "{:?}",
        app::Config {
            jwt_secret: Some("x".repeat(40)),
            ..config
        }
    );
    assert!(!debug.contains("xxxx"), "{debug}");
}
