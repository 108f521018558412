//! The demo's token endpoint, `POST /oauth/token` (RFC 6749 §3.2): tokens
//! it issues work at `/me`, at introspection and at revocation; a refresh
//! token rotates; a rotated one presented again ends its grant.

use tower_revoke_examples::demo as app;
use tower_revoke_examples::token::TOKEN_PATH;

use crate::example::{assert_me, me, Example};
use crate::support::request::{form, get, Req};
use crate::support::{challenge, desc};
use serde_json::Value;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;

const DEMO: Example<app::App> = Example {
    seed: app::SEED,
    app: app::app,
    active: &["AT1", "RT1", "AT2", "jwt", "PAT1", "OT1", "SPA1"],
};

/// `curl -u app1:s3cr3t -d BODY http://{addr}/oauth/token`
pub(crate) fn token(body: &str) -> Req {
    form(TOKEN_PATH, body.to_owned()).basic("app1", "s3cr3t")
}

pub(crate) fn introspect(token: &str) -> Req {
    form(app::INTROSPECT_PATH, format!("token={token}")).basic("app1", "s3cr3t")
}

pub(crate) fn revoke(token: &str) -> Req {
    form(app::REVOKE_PATH, format!("token={token}")).basic("app1", "s3cr3t")
}

/// The RFC 6749 §5.1 answer: 200 JSON, `no-store`, a Bearer access token
/// valid for an hour; its members.
pub(crate) fn answered(reply: &crate::support::reply::Reply) -> serde_json::Map<String, Value> {
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("content-type"), Some("application/json"));
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    assert_eq!(reply.header("pragma"), Some("no-cache"));
    let body = reply.json();
    let members = body.as_object().expect("a JSON object").clone();
    assert_eq!(members["token_type"], "Bearer");
    assert_eq!(members["expires_in"], 3600);
    members
}

/// [`answered`], with an opaque access token; its members.
fn issued(reply: &crate::support::reply::Reply) -> serde_json::Map<String, Value> {
    let members = answered(reply);
    let access = members["access_token"].as_str().expect("an access token");
    assert_eq!(access.len(), 43, "256 bits, base64url");
    members
}

pub(crate) fn text<'a>(members: &'a serde_json::Map<String, Value>, name: &str) -> &'a str {
    members[name]
        .as_str()
        .unwrap_or_else(|| panic!("{name} in {members:?}"))
}

#[tokio::test]
async fn client_credentials_issue_an_access_token_that_works_everywhere() {
    let (_, app) = DEMO.start();
    let reply = token("grant_type=client_credentials&scope=read")
        .send(&app)
        .await;
    let members = issued(&reply);
    assert!(!members.contains_key("refresh_token"), "RFC 6749 §4.4.3");
    assert_eq!(members["scope"], "read");
    let access = text(&members, "access_token");
    assert_me(&app, access, "app1", "app1").await;
    let facts = introspect(access).send(&app).await.assert_active();
    assert_eq!(facts["client_id"], "app1");
    revoke(access)
        .send(&app)
        .await
        .assert_revoked_with(&[crate::example::VARY_ORIGIN]);
    let refused = me(access).send(&app).await;
    refused.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

#[tokio::test]
async fn a_public_client_may_not_use_client_credentials() {
    let (_, app) = DEMO.start();
    let request = form(
        TOKEN_PATH,
        "grant_type=client_credentials&client_id=pub1".to_owned(),
    );
    let reply = request.send(&app).await;
    reply.assert_error_code(400, "unauthorized_client", &[]);
}

#[tokio::test]
async fn a_refresh_token_rotates_and_its_reuse_ends_the_grant() {
    let (store, app) = DEMO.start();
    let reply = token("grant_type=refresh_token&refresh_token=RT1")
        .send(&app)
        .await;
    let members = issued(&reply);
    let (access, refresh) = (
        text(&members, "access_token"),
        text(&members, "refresh_token"),
    );
    assert_me(&app, access, "alice", "app1").await;
    assert!(
        !store.is_active("RT1"),
        "the presented refresh token is rotated"
    );
    assert!(store.is_active(refresh));
    // The successor rotates in turn; the first one presented again is reuse.
    let next = issued(
        &token(&format!("grant_type=refresh_token&refresh_token={refresh}"))
            .send(&app)
            .await,
    );
    let (next_access, next_refresh) = (text(&next, "access_token"), text(&next, "refresh_token"));
    let reused = token("grant_type=refresh_token&refresh_token=RT1")
        .send(&app)
        .await;
    reused.assert_error_code(400, "invalid_grant", &[]);
    for dead in ["AT1", access, next_access] {
        let refused = me(dead).send(&app).await;
        refused.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
    }
    introspect(next_refresh).send(&app).await.assert_inactive();
    let after = token(&format!(
        "grant_type=refresh_token&refresh_token={next_refresh}"
    ))
    .send(&app)
    .await;
    after.assert_error_code(400, "invalid_grant", &[]);
    assert!(store.is_active("AT2"), "another grant lives on");
}

#[tokio::test]
async fn within_the_grace_period_a_rotated_token_rotates_again() {
    let config = app::Config::from_vars(|name| {
        (name == "TOWER_REVOKE_REFRESH_GRACE").then(|| "60s".to_owned())
    });
    let store = MemoryStore::from_seed_file(app::SEED).unwrap();
    let app = app::app_with(BoxStore::new(store.clone()), &config);
    let first = issued(
        &token("grant_type=refresh_token&refresh_token=RT1")
            .send(&app)
            .await,
    );
    let second = issued(
        &token("grant_type=refresh_token&refresh_token=RT1")
            .send(&app)
            .await,
    );
    for members in [&first, &second] {
        assert_me(&app, text(members, "access_token"), "alice", "app1").await;
        assert!(store.is_active(text(members, "refresh_token")));
    }
    assert!(store.is_active("AT1"), "the grant lives on");
}

#[tokio::test]
async fn token_requests_are_read_with_the_revocation_endpoint_rules() {
    let (store, app) = DEMO.start();
    let cases = [
        (token(""), 400, "invalid_request"),
        (
            token("grant_type=password&username=a&password=b"),
            400,
            "unsupported_grant_type",
        ),
        (token("grant_type=refresh_token"), 400, "invalid_request"),
        (
            token("grant_type=refresh_token&grant_type=refresh_token&refresh_token=RT1"),
            400,
            "invalid_request",
        ),
        (
            token("grant_type=refresh_token&refresh_token=PAT1"),
            400,
            "invalid_grant",
        ),
        (
            token("grant_type=refresh_token&refresh_token=AT1"),
            400,
            "invalid_grant",
        ),
        (
            token("grant_type=refresh_token&refresh_token=nothing"),
            400,
            "invalid_grant",
        ),
    ];
    for (request, status, code) in cases {
        request
            .send(&app)
            .await
            .assert_error_code(status, code, &[]);
    }
    let wrong = form(
        TOKEN_PATH,
        "grant_type=refresh_token&refresh_token=RT1".to_owned(),
    )
    .basic("app1", "wrong");
    wrong
        .send(&app)
        .await
        .assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC_INVALID_CLIENT);
    let two_methods = form(
        TOKEN_PATH,
        "grant_type=client_credentials&client_id=app1&client_secret=s3cr3t".to_owned(),
    )
    .basic("app1", "s3cr3t");
    two_methods
        .send(&app)
        .await
        .assert_error_code(400, "invalid_request", &[]);
    let in_query = form(
        &format!("{TOKEN_PATH}?refresh_token=RT1"),
        "grant_type=refresh_token".to_owned(),
    )
    .basic("app1", "s3cr3t");
    in_query
        .send(&app)
        .await
        .assert_error_code(400, "invalid_request", &[]);
    assert!(
        store.is_active("RT1") && store.is_active("AT1"),
        "nothing changed"
    );
    let other_client = form(
        TOKEN_PATH,
        "grant_type=refresh_token&refresh_token=RT1".to_owned(),
    )
    .basic("app2", "0th3r-s3cr3t");
    other_client
        .send(&app)
        .await
        .assert_error_code(400, "invalid_grant", &[]);
    assert!(
        store.is_active("RT1"),
        "another client's attempt changes nothing"
    );
}

#[tokio::test]
async fn metadata_names_the_token_endpoint_and_its_grants() {
    let (_, app) = DEMO.start();
    let document = get("/.well-known/oauth-authorization-server")
        .send(&app)
        .await
        .ok();
    let endpoint = document["token_endpoint"].as_str().expect("token_endpoint");
    assert!(endpoint.ends_with(TOKEN_PATH), "{endpoint}");
    assert_eq!(
        document["grant_types_supported"],
        serde_json::json!(["client_credentials", "refresh_token"])
    );
}

/// The demo over a store holding `RT7`, a refresh token of app1 for alice
/// granted `profile email` (RFC 6749 §3.3).
fn scoped_demo() -> (MemoryStore, app::App) {
    let seed = tower_revoke::store::Seed::from_json(
        r#"{"clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
            "tokens": [{"token": "RT7", "type": "refresh_token", "client_id": "app1",
                        "grant_id": "G7", "subject": "alice", "scope": "profile email"}]}"#,
    )
    .unwrap();
    let store = MemoryStore::from_seed(&seed);
    let config = app::Config {
        jwt_secret: None,
        ..app::Config::from_env()
    };
    (store.clone(), app::app_with(BoxStore::new(store), &config))
}

#[tokio::test]
async fn the_scope_asked_for_is_recorded_and_introspected() {
    let (_, app) = DEMO.start();
    let members = issued(
        &token("grant_type=client_credentials&scope=read%20write")
            .send(&app)
            .await,
    );
    assert_eq!(members["scope"], "read write");
    let facts = introspect(text(&members, "access_token"))
        .send(&app)
        .await
        .assert_active();
    assert_eq!(facts["scope"], "read write", "{facts:?}");
    for malformed in ["read%20%20write", "%20read", "read%22"] {
        let reply = token(&format!("grant_type=client_credentials&scope={malformed}"))
            .send(&app)
            .await;
        reply.assert_error_code(400, "invalid_scope", &[]);
    }
}

#[tokio::test]
async fn a_refresh_narrows_the_access_token_and_keeps_the_grant_scope() {
    let (store, app) = scoped_demo();
    let members = issued(
        &token("grant_type=refresh_token&refresh_token=RT7&scope=email")
            .send(&app)
            .await,
    );
    assert_eq!(members["scope"], "email");
    let access = introspect(text(&members, "access_token")).send(&app).await;
    assert_eq!(access.assert_active()["scope"], "email");
    let refresh = text(&members, "refresh_token");
    let granted = introspect(refresh).send(&app).await.assert_active();
    assert_eq!(
        granted["scope"], "profile email",
        "RFC 6749 §6: the grant's scope"
    );
    assert_eq!(granted["sub"], "alice");
    // Without `scope`, the new tokens keep the granted scope.
    let next = issued(
        &token(&format!("grant_type=refresh_token&refresh_token={refresh}"))
            .send(&app)
            .await,
    );
    let access = introspect(text(&next, "access_token")).send(&app).await;
    assert_eq!(access.assert_active()["scope"], "profile email");
    assert!(store.is_active(text(&next, "refresh_token")));
}

#[tokio::test]
async fn a_refresh_asking_beyond_the_grant_is_invalid_scope_and_rotates_nothing() {
    let (store, app) = scoped_demo();
    for wider in ["admin", "profile%20admin", "profile%20%20email"] {
        let reply = token(&format!(
            "grant_type=refresh_token&refresh_token=RT7&scope={wider}"
        ))
        .send(&app)
        .await;
        reply.assert_error_code(400, "invalid_scope", &[]);
        assert!(store.is_active("RT7"), "RT7 is not rotated by {wider}");
    }
    // The seed's RT1 was granted no scope: any scope is beyond it.
    let (_, demo) = DEMO.start();
    let reply = token("grant_type=refresh_token&refresh_token=RT1&scope=read")
        .send(&demo)
        .await;
    reply.assert_error_code(400, "invalid_scope", &[]);
}
