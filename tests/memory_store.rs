//! `MemoryStore` driven through the `RevocationStore` trait, the way the
//! revocation endpoint and `BearerAuthLayer` call it.

use std::sync::Arc;
use tower_revoke::RevocationOutcome::{
    IssuedToAnotherClient, NotFound, Revoked, UnsupportedTokenType,
};
use tower_revoke::{
    parse_basic, ActiveAccessToken, AuthenticatedClient, BasicDecoding, BearerToken,
    ClientAuthMethod, ClientCredentials, ClientId, ClientSecret, ClientType, MemoryStore,
    RevocationOutcome, RevocationRequest, RevocationStore, Token, TokenTypeHint,
};

const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "app2", "client_secret": "s3+cr3t"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "gh1", "type": "access_token", "client_id": "app1", "subject": "alice", "labels": {"provider": "github", "org_id": "42"}},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "expires_at": 4102444800},
    {"token": "RT2", "type": "refresh_token", "client_id": "app1", "grant_id": "G2"},
    {"token": "RT3", "type": "refresh_token", "client_id": "app1"},
    {"token": "JWT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "PT1", "type": "access_token", "client_id": "pub1", "subject": "bob"},
    {"token": "X1", "type": "access_token", "client_id": "app2", "revocable": false},
    {"token": "gl1", "type": "access_token", "client_id": "app2", "subject": "alice", "labels": {"provider": "gitlab"}},
    {"token": "oldgh", "type": "access_token", "client_id": "app1", "subject": "alice", "expires_at": 1, "labels": {"provider": "github"}},
    {"token": "jwtgh", "type": "access_token", "client_id": "app1", "subject": "alice", "revocable": false, "labels": {"provider": "github"}}
  ]
}"#;

fn store() -> MemoryStore {
    MemoryStore::from_seed_json(SEED).unwrap()
}

fn creds(id: &str, secret: Option<&str>, method: ClientAuthMethod) -> ClientCredentials {
    let secret = secret.map(|s| ClientSecret::new(s).unwrap());
    ClientCredentials::new(ClientId::new(id).unwrap(), secret, method)
}

fn client(id: &str, client_type: ClientType) -> AuthenticatedClient {
    let client_id = ClientId::new(id).unwrap();
    AuthenticatedClient {
        client_id,
        client_type,
    }
}

fn app1() -> AuthenticatedClient {
    client("app1", ClientType::Confidential)
}

fn request(token: &str, hint: Option<&str>) -> RevocationRequest {
    RevocationRequest::new(Token::new(token).unwrap(), hint.map(TokenTypeHint::parse))
}

async fn revoke(
    store: &MemoryStore,
    client: &AuthenticatedClient,
    token: &str,
) -> RevocationOutcome {
    store.revoke(client, &request(token, None)).await.unwrap()
}

async fn active(store: &MemoryStore, token: &str) -> Option<ActiveAccessToken> {
    let bearer = BearerToken::parse(token.as_bytes()).unwrap();
    store.active_access_token(&bearer).await.unwrap()
}

#[tokio::test]
async fn confidential_client_authenticates_with_its_secret_by_any_method() {
    let store = store();
    for method in [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::AppKeyHeaders,
    ] {
        let found = store
            .authenticate_client(&creds("app1", Some("s3cr3t"), method))
            .await;
        assert_eq!(found.unwrap(), Some(app1()), "{method:?}");
    }
}

#[tokio::test]
async fn wrong_or_missing_secret_is_refused() {
    let store = store();
    let basic = ClientAuthMethod::ClientSecretBasic;
    for credentials in [
        creds("app1", Some("s3cr3"), basic),
        creds("app1", Some("s3cr3tt"), basic),
        creds("app1", Some("S3CR3T"), basic),
        creds("app1", None, ClientAuthMethod::None),
    ] {
        assert_eq!(store.authenticate_client(&credentials).await.unwrap(), None);
    }
}

#[tokio::test]
async fn public_client_authenticates_without_secret_only() {
    let store = store();
    let none = creds("pub1", None, ClientAuthMethod::None);
    let found = store.authenticate_client(&none).await.unwrap();
    assert_eq!(found, Some(client("pub1", ClientType::Public)));
    let post = creds("pub1", Some("anything"), ClientAuthMethod::ClientSecretPost);
    assert_eq!(store.authenticate_client(&post).await.unwrap(), None);
}

#[tokio::test]
async fn unknown_client_is_refused() {
    let store = store();
    let basic = creds(
        "nobody",
        Some("s3cr3t"),
        ClientAuthMethod::ClientSecretBasic,
    );
    assert_eq!(store.authenticate_client(&basic).await.unwrap(), None);
    let none = creds("nobody", None, ClientAuthMethod::None);
    assert_eq!(store.authenticate_client(&none).await.unwrap(), None);
}

#[tokio::test]
async fn raw_alternative_is_left_to_the_endpoint() {
    let store = store();
    // "app2:s3+cr3t": form-decoded the secret is "s3 cr3t", raw it is "s3+cr3t".
    let header = http::HeaderValue::from_static("Basic YXBwMjpzMytjcjN0");
    let credentials = parse_basic(&header, BasicDecoding::Lenient).unwrap();
    assert_eq!(store.authenticate_client(&credentials).await.unwrap(), None);
    let raw = credentials.raw_alternative().unwrap();
    let found = store.authenticate_client(raw).await.unwrap();
    assert_eq!(found, Some(client("app2", ClientType::Confidential)));
}

#[tokio::test]
async fn hint_does_not_restrict_the_lookup() {
    let store = store();
    let wrong_hint = request("RT2", Some("access_token"));
    assert_eq!(store.revoke(&app1(), &wrong_hint).await.unwrap(), Revoked);
    let unknown_hint = request("AT1", Some("id_token"));
    assert_eq!(store.revoke(&app1(), &unknown_hint).await.unwrap(), Revoked);
}

#[tokio::test]
async fn unknown_expired_and_revoked_tokens_are_not_found() {
    let store = store();
    assert_eq!(revoke(&store, &app1(), "nope").await, NotFound);
    assert_eq!(revoke(&store, &app1(), "old").await, NotFound);
    assert_eq!(revoke(&store, &app1(), "RT3").await, Revoked);
    assert_eq!(revoke(&store, &app1(), "RT3").await, NotFound);
}

#[tokio::test]
async fn token_of_another_client_is_left_alone() {
    let store = store();
    let pub1 = client("pub1", ClientType::Public);
    assert_eq!(revoke(&store, &pub1, "RT1").await, IssuedToAnotherClient);
    assert!(store.is_active("RT1") && store.is_active("AT1"));
    // Ownership is checked before revocability.
    assert_eq!(revoke(&store, &app1(), "X1").await, IssuedToAnotherClient);
    assert_eq!(revoke(&store, &pub1, "PT1").await, Revoked);
}

#[tokio::test]
async fn non_revocable_token_is_unsupported_and_stays_active() {
    let store = store();
    assert_eq!(revoke(&store, &app1(), "jwt").await, UnsupportedTokenType);
    assert!(store.is_active("jwt"));
    assert!(active(&store, "jwt").await.is_some());
}

#[tokio::test]
async fn refresh_token_revokes_its_whole_grant() {
    let store = store();
    assert_eq!(revoke(&store, &app1(), "RT1").await, Revoked);
    assert!(!store.is_active("RT1") && !store.is_active("AT1"));
    assert!(
        store.is_active("JWT1"),
        "not revocable, even through its grant"
    );
    assert!(store.is_active("AT2") && store.is_active("RT2") && store.is_active("RT3"));
    assert_eq!(revoke(&store, &app1(), "AT1").await, NotFound);
}

#[tokio::test]
async fn refresh_token_without_grant_revokes_only_itself() {
    let store = store();
    assert_eq!(revoke(&store, &app1(), "RT3").await, Revoked);
    assert!(!store.is_active("RT3"));
    assert!(store.is_active("AT1") && store.is_active("RT2"));
}

#[tokio::test]
async fn access_token_revokes_only_itself_by_default() {
    let store = store();
    assert_eq!(revoke(&store, &app1(), "AT2").await, Revoked);
    assert!(!store.is_active("AT2") && store.is_active("RT2"));
}

#[tokio::test]
async fn access_token_can_revoke_its_grant() {
    let store = store().access_token_revokes_grant(true);
    assert_eq!(revoke(&store, &app1(), "AT1").await, Revoked);
    assert!(!store.is_active("RT1") && store.is_active("JWT1") && store.is_active("RT2"));
}

#[tokio::test]
async fn active_access_token_reports_client_and_subject() {
    let store = store();
    let found = active(&store, "AT1").await.unwrap();
    let client_id = ClientId::new("app1").unwrap();
    let subject = Some("alice".to_owned());
    assert_eq!(found, ActiveAccessToken { client_id, subject });
    assert_eq!(active(&store, "AT2").await.unwrap().subject, None);
    for inactive in ["RT1", "old", "nope"] {
        assert_eq!(active(&store, inactive).await, None, "{inactive}");
    }
    revoke(&store, &app1(), "AT1").await;
    assert_eq!(active(&store, "AT1").await, None);
}

#[tokio::test]
async fn subject_tokens_are_revoked_by_labels() {
    let store = store();
    let github = [("provider", "github"), ("org_id", "42")];
    let revoke_github = || store.revoke_subject_tokens("alice", &github);
    assert_eq!(revoke_github().await.unwrap(), 1);
    assert!(!store.is_active("gh1"));
    assert!(store.is_active("gl1") && store.is_active("AT1") && store.is_active("jwtgh"));
    assert_eq!(revoke_github().await.unwrap(), 0);
    let other_org = [("provider", "github"), ("org_id", "7")];
    let revoked = store.revoke_subject_tokens("alice", &other_org).await;
    assert_eq!(revoked.unwrap(), 0);
}

#[tokio::test]
async fn subject_tokens_without_labels_are_all_revoked() {
    let store = store();
    // AT1, RT1, gl1, gh1: not oldgh (expired) nor jwtgh (not revocable).
    assert_eq!(store.revoke_subject_tokens("alice", &[]).await.unwrap(), 4);
    assert_eq!(store.revoke_subject_tokens("alice", &[]).await.unwrap(), 0);
    assert!(store.is_active("PT1") && store.is_active("jwtgh"));
    assert_eq!(store.revoke_subject_tokens("carol", &[]).await.unwrap(), 0);
}

/// `grants` grants of three tokens each: `A{g}`, `B{g}` (access) and `R{g}`
/// (refresh), all of subject `s{g % 4}`.
fn grant_seed(grants: usize) -> String {
    let mut tokens = Vec::new();
    for g in 0..grants {
        for (name, kind) in [
            ("A", "access_token"),
            ("B", "access_token"),
            ("R", "refresh_token"),
        ] {
            tokens.push(format!(
                r#"{{"token": "{name}{g}", "type": "{kind}", "client_id": "app1", "grant_id": "G{g}", "subject": "s{}"}}"#,
                g % 4
            ));
        }
    }
    format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{}]}}"#,
        tokens.join(",")
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_revocations_leave_an_exact_state() {
    const GRANTS: usize = 400;
    let store = MemoryStore::from_seed_json(&grant_seed(GRANTS)).unwrap();
    let client = Arc::new(client("app1", ClientType::Public));
    // Even grants: R twice and A twice; odd grants: A three times.
    let mut tasks = Vec::new();
    for g in 0..GRANTS {
        let targets: &[&str] = if g % 2 == 0 {
            &["R", "A", "R", "A"]
        } else {
            &["A", "A", "A"]
        };
        for name in targets {
            let (store, client, token) = (store.clone(), Arc::clone(&client), format!("{name}{g}"));
            tasks.push(tokio::spawn(async move {
                let outcome = store.revoke(&client, &request(&token, None)).await.unwrap();
                (token, outcome)
            }));
        }
    }
    let mut revoked = std::collections::HashMap::<String, usize>::new();
    for task in tasks {
        let (token, outcome) = task.await.unwrap();
        assert!(matches!(outcome, Revoked | NotFound));
        *revoked.entry(token).or_default() += usize::from(outcome == Revoked);
    }
    for g in 0..GRANTS {
        if g % 2 == 0 {
            assert_eq!(revoked[&format!("R{g}")], 1);
            assert!(
                revoked[&format!("A{g}")] <= 1,
                "revoked by R{g} or by itself, once"
            );
            assert!(["A", "B", "R"]
                .iter()
                .all(|n| !store.is_active(&format!("{n}{g}"))));
        } else {
            assert_eq!(revoked[&format!("A{g}")], 1);
            assert!(!store.is_active(&format!("A{g}")));
            assert!(store.is_active(&format!("B{g}")) && store.is_active(&format!("R{g}")));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_subject_revocations_count_each_token_once() {
    let store = MemoryStore::from_seed_json(&grant_seed(200)).unwrap();
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .revoke_subject_tokens(&format!("s{}", i % 2), &[])
                    .await
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.unwrap().unwrap();
    }
    // Subjects s0 and s1 hold grants 0, 1, 4, 5, ...: 100 grants of 3 tokens.
    assert_eq!(total, 300);
    assert!(!store.is_active("A0") && !store.is_active("R5") && store.is_active("B2"));
}

#[test]
fn debug_never_shows_tokens_or_secrets() {
    let debug = format!("{:?}", store());
    assert_eq!(
        debug,
        "MemoryStore { clients: 3, tokens: 14, access_token_revokes_grant: false }"
    );
}

/// The error of a seed with client `app1` (secret `s3cr3t`) and these tokens.
fn seed_error(tokens: &str) -> String {
    let client = r#"{"client_id": "app1", "client_secret": "s3cr3t"}"#;
    let seed = format!(r#"{{"clients": [{client}], "tokens": [{tokens}]}}"#);
    MemoryStore::from_seed_json(&seed).unwrap_err().to_string()
}

#[test]
fn seed_errors_name_the_entry_and_field() {
    let at = |i: usize, fields: &str| {
        format!(r#"{{"token": "t{i}", "type": "access_token", "client_id": "app1"{fields}}}"#)
    };
    #[rustfmt::skip]
    let cases = [
        (at(0, r#", "colour": "red""#), r#"tokens[0]: unknown field "colour""#),
        (at(0, r#", "type": "x""#), r#"tokens[0]: duplicate field "type""#),
        (at(0, r#", "subject": """#), "tokens[0].subject: expected a non-empty string"),
        (at(0, r#", "revocable": 0"#), "tokens[0].revocable: expected true or false"),
        (at(0, r#", "labels": {"org": 1}"#), "tokens[0].labels.org: expected a non-empty string"),
        (
            format!("{}, {}", at(0, ""), at(1, r#", "expires_at": -5"#)),
            "tokens[1].expires_at: expected Unix seconds (a non-negative integer)",
        ),
        (at(0, "").replace("\"app1\"", "\"x\""), r#"tokens[0].client_id: unknown client "x""#),
        (at(0, "").replace("\"t0\"", "\"\""), "tokens[0].token: expected a non-empty string"),
        (r#"{"type": "access_token", "client_id": "app1"}"#.into(), "tokens[0].token: missing"),
    ];
    for (tokens, expected) in cases {
        assert_eq!(seed_error(&tokens), expected, "{tokens}");
    }
    let two_clients = r#"{"clients": [{"client_id": "a"}, {"client_id": "a"}]}"#;
    let err = MemoryStore::from_seed_json(two_clients).unwrap_err();
    assert_eq!(err.to_string(), "clients[1].client_id: duplicate client id");
    let err = MemoryStore::from_seed_json(r#"{"tokens": [], "extra": 1}"#).unwrap_err();
    assert_eq!(err.to_string(), r#"unknown field "extra""#);
    let err = MemoryStore::from_seed_json("{\"tokens\": [\n").unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid JSON: EOF while parsing a list at line 2 column 0"
    );
}

#[test]
fn duplicate_token_is_reported_without_its_value() {
    let token = r#"{"token": "t-dup", "type": "access_token", "client_id": "app1"}"#;
    let other = r#"{"token": "t-other", "type": "refresh_token", "client_id": "app1"}"#;
    let err = seed_error(&format!("{token}, {other}, {token}"));
    assert_eq!(err, "tokens[2].token: duplicate token");
}

#[test]
fn seed_errors_count_entries_from_zero() {
    let token = |i: usize, kind: &str| {
        format!(r#"{{"token": "tok-{i}", "type": "{kind}", "client_id": "app1"}}"#)
    };
    let mut tokens: Vec<_> = (0..3).map(|i| token(i, "access_token")).collect();
    tokens.push(token(3, "id_token"));
    let expected = r#"tokens[3].type: expected "access_token" or "refresh_token""#;
    assert_eq!(seed_error(&tokens.join(",")), expected);
}

#[test]
fn seed_errors_never_show_tokens_or_secrets() {
    let secret = "S3CRET-never-printed";
    let token = "TOKEN-never-printed";
    let entry = format!(r#"{{"token": "{token}", "type": "access_token", "client_id": "app1"}}"#);
    let seeds = [
        format!(
            r#"{{"clients": [{{"client_id": "app1", "client_secret": "{secret}"}}], "tokens": [{entry}, {entry}]}}"#
        ),
        format!(r#"{{"clients": [{{"client_id": "app1", "client_secret": "{secret}\n"}}]}}"#),
        format!(r#"{{"clients": [{{"client_id": "app1", "client_secret": ["{secret}"]}}]}}"#),
        format!(r#"{{"tokens": [{{"token": ["{token}"]}}]}}"#),
        format!(r#"{{"tokens": [{{"token": "{token}", "type": "{token}"}}]}}"#),
        format!(r#"{{"tokens": [{{"token": "{token}" "type": 1}}]}}"#),
    ];
    for seed in seeds {
        let err = MemoryStore::from_seed_json(&seed).unwrap_err();
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(secret) && !shown.contains(token), "{shown}");
        }
    }
}

#[test]
fn seed_files_name_their_path_in_errors() {
    let dir = std::env::temp_dir().join(format!("tower-revoke-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.json");
    std::fs::write(&good, SEED).unwrap();
    assert!(MemoryStore::from_seed_file(&good).unwrap().is_active("AT1"));

    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"tokens": [{"token": "AT1"}]}"#).unwrap();
    let err = MemoryStore::from_seed_file(&bad).unwrap_err().to_string();
    assert_eq!(err, format!("{}: tokens[0].type: missing", bad.display()));

    let missing = dir.join("missing.json");
    let err = MemoryStore::from_seed_file(&missing).unwrap_err();
    let err = err.to_string();
    let prefix = format!("cannot read seed file {}: ", missing.display());
    assert!(err.starts_with(&prefix), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
