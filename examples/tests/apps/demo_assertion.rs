//! `private_key_jwt` (RFC 7523) in the demo's app, in process: the
//! revocation, introspection and token endpoints take assertions of a
//! client registered with keys only, for the audiences the configuration
//! says (the issuer, and each endpoint's URL unless
//! `TOWER_REVOKE_CLIENT_ASSERTION_STRICT=true`), each once; the metadata
//! lists the method and its algorithms. The demo process on every store,
//! with authlib and with replays across instances and restarts, is in
//! `tests/processes/assertion/`.

use crate::support::assertion::{claims, form as with_assertion, sign_with, signing_key};
use crate::support::reply::Reply;
use crate::support::request::{form, get};
use crate::support::{challenge, desc, JSON};
use serde_json::{json, Value};
use tower_revoke::jwt::jsonwebtoken::Algorithm;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;
use tower_revoke_examples::demo::{self as app, DemoStore, ASSERTION_STRICT_VAR};
use tower_revoke_examples::token::TOKEN_PATH;

const ISSUER: &str = "https://demo.example";

/// Client `keyed` with the test keys' public JWK Set and no secret, its
/// tokens `KT1` and `KT2` (subject kim), and `app1` with a secret.
fn store() -> MemoryStore {
    let seed = json!({
        "clients": [
            {"client_id": "keyed", "jwks": serde_json::from_str::<Value>(&crate::support::assertion::jwks()).unwrap()},
            {"client_id": "app1", "client_secret": "s3cr3t"},
        ],
        "tokens": [
            {"token": "KT1", "type": "access_token", "client_id": "keyed", "subject": "kim"},
            {"token": "KT2", "type": "access_token", "client_id": "keyed", "subject": "kim"},
        ],
    });
    MemoryStore::from_seed_json(&seed.to_string()).unwrap()
}

/// The configuration with issuer [`ISSUER`], and `strict` as the
/// variable's value when given.
fn config(strict: Option<&str>) -> app::Config {
    app::Config::from_vars(|name| match name {
        "TOWER_REVOKE_ISSUER" => Some(ISSUER.to_owned()),
        ASSERTION_STRICT_VAR => strict.map(str::to_owned),
        _ => None,
    })
}

/// The demo's app on `store`, `private_key_jwt` on.
fn demo(store: &MemoryStore, strict: Option<&str>) -> app::App {
    app::app_with(DemoStore::new(store.clone()), &config(strict))
}

/// A fresh assertion of `keyed` for `aud`, EdDSA, `typ` as given.
fn assertion_for(aud: &str, typ: Option<&str>) -> String {
    let mut claims = claims("keyed");
    claims["aud"] = aud.into();
    let alg = Algorithm::EdDSA;
    sign_with(&claims, alg, &signing_key(alg), typ)
}

async fn post(app: &app::App, path: &str, assertion: &str, rest: &str) -> Reply {
    form(path, with_assertion(assertion, rest)).send(app).await
}

fn refused(reply: &Reply, extra: &[(&str, &str)]) {
    let challenge = [("www-authenticate", challenge::BASIC)];
    let headers: Vec<_> = challenge.iter().chain(extra).copied().collect();
    reply.assert_error(401, "invalid_client", desc::AUTH_FAILED, &headers);
}

#[test]
fn the_strict_variable_is_true_or_false_and_off_by_default() {
    assert!(!config(None).client_assertion_strict);
    assert!(!config(Some("false")).client_assertion_strict);
    assert!(config(Some("true")).client_assertion_strict);
    let debug = format!("{:?}", config(Some("true")));
    assert!(debug.contains("client_assertion_strict: true"), "{debug}");
}

#[test]
fn the_endpoint_urls_are_the_issuer_and_the_demo_paths() {
    let config = config(None);
    assert_eq!(
        config.endpoint_url(TOKEN_PATH),
        "https://demo.example/oauth/token"
    );
    let slashed = app::Config {
        issuer: "https://demo.example/".to_owned(),
        ..config
    };
    assert_eq!(
        slashed.endpoint_url(app::REVOKE_PATH),
        "https://demo.example/oauth/revoke"
    );
    let verifier = format!(
        "{:?}",
        slashed.client_assertions(std::sync::Arc::new(store()))
    );
    for url in ["/oauth/token", "/oauth/revoke", "/oauth/introspect"] {
        assert!(
            verifier.contains(&format!("\"https://demo.example{url}\"")),
            "{verifier}"
        );
    }
}

#[tokio::test]
async fn the_metadata_lists_private_key_jwt_and_its_algorithms_at_the_three_endpoints() {
    let document = get("/.well-known/oauth-authorization-server")
        .send(&demo(&store(), None))
        .await
        .ok();
    assert_eq!(
        document["token_endpoint"],
        "https://demo.example/oauth/token"
    );
    let algorithms =
        json!(["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA"]);
    for (endpoint, methods) in [
        (
            "token",
            json!([
                "client_secret_basic",
                "client_secret_post",
                "none",
                "private_key_jwt"
            ]),
        ),
        (
            "revocation",
            json!([
                "client_secret_basic",
                "client_secret_post",
                "none",
                "private_key_jwt"
            ]),
        ),
        (
            "introspection",
            json!([
                "client_secret_basic",
                "client_secret_post",
                "private_key_jwt"
            ]),
        ),
    ] {
        let auth = |member: &str| &document[format!("{endpoint}_endpoint_auth_{member}")];
        assert_eq!(auth("methods_supported"), &methods, "{endpoint}");
        assert_eq!(
            auth("signing_alg_values_supported"),
            &algorithms,
            "{endpoint}"
        );
    }
}

#[tokio::test]
async fn on_a_bare_box_store_the_metadata_offers_no_private_key_jwt() {
    let store = store();
    let app = app::app_with(BoxStore::new(store.clone()), &config(None));
    let document = get("/.well-known/oauth-authorization-server")
        .send(&app)
        .await
        .ok();
    let methods = json!(["client_secret_basic", "client_secret_post", "none"]);
    assert_eq!(document["token_endpoint_auth_methods_supported"], methods);
    for endpoint in ["token", "revocation", "introspection"] {
        let member = format!("{endpoint}_endpoint_auth_signing_alg_values_supported");
        assert!(document.get(&member).is_none(), "{member}: {document}");
    }
    let once = assertion_for(ISSUER, Some("JWT"));
    let reply = post(&app, app::REVOKE_PATH, &once, "token=KT1").await;
    let headers = [
        ("www-authenticate", challenge::BASIC),
        crate::example::VARY_ORIGIN,
    ];
    reply.assert_error(401, "invalid_client", desc::METHOD_NOT_ALLOWED, &headers);
    assert!(store.is_active("KT1"));
}

#[tokio::test]
async fn the_token_endpoint_issues_to_a_keyed_client_once_per_assertion() {
    let store = store();
    let app = demo(&store, None);
    let once = assertion_for(&format!("{ISSUER}{TOKEN_PATH}"), Some("JWT"));
    let reply = post(&app, TOKEN_PATH, &once, "grant_type=client_credentials").await;
    reply.assert(200, &reply.body, JSON);
    let access = reply.json()["access_token"].as_str().unwrap().to_owned();
    assert!(store.is_active(&access), "the token is recorded");
    let fresh = assertion_for(ISSUER, None);
    let facts = post(
        &app,
        app::INTROSPECT_PATH,
        &fresh,
        &format!("token={access}"),
    )
    .await
    .assert_active();
    assert_eq!(
        (&facts["client_id"], &facts["sub"]),
        (&json!("keyed"), &json!("keyed"))
    );

    let replayed = post(&app, TOKEN_PATH, &once, "grant_type=client_credentials").await;
    refused(&replayed, &[]);
}

/// At each endpoint: the issuer as `aud` always, the endpoint's own URL
/// (or the token endpoint's) only when not strict; `typ: JWT` only when
/// not strict. A refused assertion revokes nothing.
#[tokio::test]
async fn each_endpoint_takes_the_audiences_of_its_mode() {
    for strict in [false, true] {
        let store = store();
        let app = demo(&store, Some(if strict { "true" } else { "false" }));
        let typed = Some("client-authentication+jwt");
        let revoke_url = format!("{ISSUER}{}", app::REVOKE_PATH);
        let token_url = format!("{ISSUER}{TOKEN_PATH}");
        let introspect_url = format!("{ISSUER}{}", app::INTROSPECT_PATH);
        let vary = [crate::example::VARY_ORIGIN];

        for (aud, typ) in [
            (revoke_url.as_str(), typed),
            (token_url.as_str(), typed),
            (ISSUER, Some("JWT")),
        ] {
            let reply = post(
                &app,
                app::REVOKE_PATH,
                &assertion_for(aud, typ),
                "token=KT1",
            )
            .await;
            if strict {
                refused(&reply, &vary);
                assert!(
                    store.is_active("KT1"),
                    "strict: {aud} {typ:?} revoked nothing"
                );
            } else {
                reply.assert_revoked_with(&vary);
            }
        }
        let introspect = |aud: String, typ| {
            let once = assertion_for(&aud, typ);
            let app = app.clone();
            async move { post(&app, app::INTROSPECT_PATH, &once, "token=KT2").await }
        };
        let at_introspection = introspect(introspect_url.clone(), typed).await;
        let elsewhere = introspect(revoke_url.clone(), None).await;
        // Another endpoint's URL is never an audience here.
        refused(&elsewhere, &[]);
        if strict {
            refused(&at_introspection, &[]);
        } else {
            at_introspection.assert_active();
        }
        // The issuer alone, typed: every mode.
        post(
            &app,
            app::REVOKE_PATH,
            &assertion_for(ISSUER, typed),
            "token=KT2",
        )
        .await
        .assert_revoked_with(&vary);
        assert!(!store.is_active("KT2"));
        assert_eq!(store.is_active("KT1"), strict, "strict: {strict}");
    }
}
