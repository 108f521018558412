//! The stores: `MemoryStore` through the conformance kit, its own options,
//! the seed format's errors, and the store traits' adapters (`Arc`, `Box`,
//! `Arc<dyn DynStore>`, one trait object per store trait).

use std::sync::Arc;
use tower_revoke::client::ClientId;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::BoxStore;
use tower_revoke::testkit::{self, Conformance};
use tower_revoke::{
    AuthenticatedClient, IntrospectionStore, MemoryStore, RevocationOutcome, RevocationStore,
    TokenKind,
};
use tower_revoke_test_support::store::{app1, revoke};

fn store() -> MemoryStore {
    MemoryStore::from_seed(&testkit::seed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn memory_store_conforms() {
    Conformance::new(|seed| async move { MemoryStore::from_seed(&seed) })
        .dump(|store| async move { format!("{store:?}") })
        .run_with_status_lists()
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_dyn_store_conforms_like_the_store_it_holds() {
    Conformance::new(|seed| async move { BoxStore::new(MemoryStore::from_seed(&seed)) })
        .run_with_issuance()
        .await;
}

#[tokio::test]
async fn access_token_can_revoke_its_grant() {
    let store = store().access_token_revokes_grant(true);
    let outcome = revoke(&store, "AT1").await;
    let expected = RevocationOutcome::Revoked {
        kind: TokenKind::AccessToken,
        cascaded: 2,
    };
    assert_eq!(outcome, expected);
    assert!(!store.is_active("RT1") && !store.is_active("JWT1") && store.is_active("RT2"));
}

#[tokio::test]
async fn pointers_to_a_store_are_stores() {
    let store = store();
    let boxed = Box::new(store.clone());
    assert!(matches!(
        revoke(&boxed, "AT2").await,
        RevocationOutcome::Revoked { .. }
    ));
    let shared = Arc::new(store.clone());
    assert_eq!(revoke(&shared, "AT2").await, RevocationOutcome::NotFound);
    assert!(shared.introspect_now("AT1").unwrap().unwrap().is_some());
    let token = Token::new("AT1").unwrap();
    assert!(shared.introspect(&token).await.unwrap().is_some());
}

#[test]
fn debug_never_shows_tokens_or_secrets() {
    let debug = format!("{:?}", store());
    assert_eq!(
        debug,
        "MemoryStore { clients: 3, tokens: 17, access_token_revokes_grant: false }"
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
    std::fs::write(&good, testkit::SEED_JSON).unwrap();
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

/// A file of `json` in a directory of its own, removed on drop.
struct SeedFile(std::path::PathBuf);

impl SeedFile {
    fn new(name: &str, json: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tower-revoke-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("seed.json");
        std::fs::write(&path, json).unwrap();
        Self(path)
    }
}

impl Drop for SeedFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(self.0.parent().unwrap());
    }
}

#[test]
fn a_seed_file_read_entry_by_entry_is_refused_as_a_whole_document_is() {
    let client = r#"{"client_id": "a"}"#;
    let token = |extra: &str| {
        format!(r#"{{"token": "t", "type": "access_token", "client_id": "a"{extra}}}"#)
    };
    let documents = [
        r#"{"colour": 1}"#.to_owned(),
        r#"{"tokens": 1}"#.to_owned(),
        r#"{"tokens": null}"#.to_owned(),
        r#"{"clients": [1]}"#.to_owned(),
        r#"{"clients": [], "clients": []}"#.to_owned(),
        r#"{"clients": [{"client_id": "a", "client_secret": ""}]}"#.to_owned(),
        r#"{"clients": [{"client_id": "a"}, {"client_id": "a"}]}"#.to_owned(),
        format!(
            r#"{{"clients": [{client}], "tokens": [{}]}}"#,
            token(r#", "scope": "a  b""#)
        ),
        format!(
            r#"{{"clients": [{client}], "tokens": [{}]}}"#,
            token(r#", "grant_id": """#)
        ),
        format!(
            r#"{{"clients": [{client}], "tokens": [{}]}}"#,
            token(r#", "colour": 1"#)
        ),
        format!(
            r#"{{"clients": [{client}], "tokens": [{}]}}"#,
            token(r#", "labels": {"o": "1", "o": "2"}"#)
        ),
        format!(r#"{{"clients": [{client}], "tokens": [{{"token": "t"}}]}}"#),
        format!(
            r#"{{"tokens": [{}, {}], "clients": [{client}]}}"#,
            token(""),
            token(r#", "client_id": "b""#)
                .replace(r#""client_id": "a", "client_id""#, r#""client_id""#)
        ),
        format!(r#"{{"clients": [{client}], "tokens": [{}]"#, token("")),
        r#"{"clients": [{"client_id": "s3cr3t" "x"}]}"#.to_owned(),
    ];
    for (n, json) in documents.iter().enumerate() {
        let file = SeedFile::new(&format!("refused-{n}"), json);
        let whole = tower_revoke::store::Seed::from_file(&file.0).unwrap_err();
        let streamed = MemoryStore::from_seed_file(&file.0).unwrap_err();
        assert_eq!(streamed.to_string(), whole.to_string(), "{json}");
        let clients = tower_revoke::store::Seed::clients_from_file(&file.0).unwrap_err();
        assert_eq!(clients.to_string(), whole.to_string(), "{json}");
    }
}

#[tokio::test]
async fn a_seed_file_loads_entry_by_entry_as_a_seed_does() {
    use tower_revoke::IssuanceStore;
    let file = SeedFile::new("loaded", testkit::SEED_JSON);
    let streamed = MemoryStore::new();
    let report = streamed.load_seed_file(&file.0).unwrap();
    let whole = MemoryStore::new();
    assert_eq!(whole.seed(&testkit::seed()).await.unwrap(), report);
    assert_eq!(format!("{streamed:?}"), format!("{whole:?}"));
    for entry in testkit::seed().tokens() {
        let token = entry.token.secret();
        assert_eq!(
            streamed.is_active(token),
            whole.is_active(token),
            "a seeded token"
        );
    }
    let again = streamed.load_seed_file(&file.0).unwrap();
    assert_eq!((again.registered, again.recorded), (0, 0));
    assert_eq!(again.already_recorded, report.recorded);
    let clients = tower_revoke::store::Seed::clients_from_file(&file.0).unwrap();
    assert_eq!(clients.clients().len(), testkit::seed().clients().len());
    assert!(clients.tokens().is_empty());
}

#[test]
fn a_refused_seed_file_changes_nothing_and_a_repeated_token_is_counted() {
    let store = store();
    let before = format!("{store:?}");
    let token = |name: &str, client: &str| {
        format!(r#"{{"token": "{name}", "type": "access_token", "client_id": "{client}"}}"#)
    };
    let json = format!(
        r#"{{"tokens": [{}, {}], "clients": [{{"client_id": "a"}}]}}"#,
        token("NEW1", "a"),
        token("NEW2", "b")
    );
    let refused = SeedFile::new("unknown-client", &json);
    let err = store.load_seed_file(&refused.0).unwrap_err().to_string();
    assert!(
        err.ends_with(r#"tokens[1].client_id: unknown client "b""#),
        "{err}"
    );
    assert_eq!(format!("{store:?}"), before);
    assert!(!store.is_active("NEW1"));

    let json = format!(
        r#"{{"clients": [{{"client_id": "a"}}], "tokens": [{}, {}]}}"#,
        token("NEW1", "a"),
        token("NEW1", "a")
    );
    let twice = SeedFile::new("twice", &json);
    let report = store.load_seed_file(&twice.0).unwrap();
    assert_eq!((report.recorded, report.already_recorded), (1, 1));
    assert!(store.is_active("NEW1"));
}

/// A store with the revocation capability only: it knows one client and
/// revokes any token it is asked about.
struct RevocationOnly;

impl RevocationStore for RevocationOnly {
    async fn authenticate_client(
        &self,
        credentials: &tower_revoke::client::ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, tower_revoke::StoreError> {
        let known = credentials.client_id().as_str() == "app1";
        Ok(known.then(app1))
    }

    async fn revoke(
        &self,
        _: &AuthenticatedClient,
        _: &RevocationRequest,
    ) -> Result<RevocationOutcome, tower_revoke::StoreError> {
        let kind = TokenKind::AccessToken;
        Ok(RevocationOutcome::Revoked { kind, cascaded: 0 })
    }
}

/// A store with the introspection capability only: `AT1` is active.
struct IntrospectionOnly;

impl IntrospectionStore for IntrospectionOnly {
    async fn introspect(
        &self,
        token: &Token,
    ) -> Result<Option<tower_revoke::ActiveToken>, tower_revoke::StoreError> {
        let active =
            tower_revoke::ActiveToken::new(ClientId::new("app1").unwrap(), TokenKind::AccessToken);
        Ok((token.secret() == "AT1").then_some(active))
    }
}

/// The status of a revocation request for `x` by `app1` at `revocation`.
async fn revoke_status(revocation: impl RevocationStore) -> u16 {
    use tower::ServiceExt;
    let endpoint = axum::Router::new()
        .route("/", axum::routing::get(|| async { "ok" }))
        .layer(tower_revoke::RevocationEndpointLayer::new(revocation));
    let request = http::Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from("token=x&client_id=app1"))
        .unwrap();
    endpoint.oneshot(request).await.unwrap().status().as_u16()
}

/// The statuses of `GET /me` with `AT1`, then `AT2`, behind the guard.
async fn guard_statuses(introspection: impl IntrospectionStore) -> [u16; 2] {
    use tower::ServiceExt;
    let guarded = axum::Router::new()
        .route("/me", axum::routing::get(|| async { "ok" }))
        .layer(tower_revoke::BearerAuthLayer::new(introspection));
    let mut statuses = [0; 2];
    for (status, token) in statuses.iter_mut().zip(["AT1", "AT2"]) {
        let request = http::Request::get("/me")
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap();
        *status = guarded
            .clone()
            .oneshot(request)
            .await
            .unwrap()
            .status()
            .as_u16();
    }
    statuses
}

#[tokio::test]
async fn a_store_with_one_capability_serves_the_layer_that_needs_it() {
    assert_eq!(revoke_status(RevocationOnly).await, 200);
    assert_eq!(guard_statuses(IntrospectionOnly).await, [200, 401]);
}

#[tokio::test]
async fn each_store_trait_boxes_on_its_own() {
    use tower_revoke::store::{DynIntrospectionStore, DynRevocationStore};
    let revocation: Arc<dyn DynRevocationStore> = Arc::new(RevocationOnly);
    assert_eq!(revoke_status(revocation).await, 200);
    let introspection: Arc<dyn DynIntrospectionStore> = Arc::new(IntrospectionOnly);
    assert_eq!(guard_statuses(introspection).await, [200, 401]);
    let boxed: Box<dyn DynIntrospectionStore> = Box::new(IntrospectionOnly);
    assert_eq!(guard_statuses(boxed).await, [200, 401]);
}

#[tokio::test]
async fn one_store_boxed_by_trait_is_still_one_store() {
    use tower_revoke::store::{DynIntrospectionStore, DynRevocationStore};
    let shared = Arc::new(store());
    let revocation: Arc<dyn DynRevocationStore> = shared.clone();
    let introspection: Arc<dyn DynIntrospectionStore> = shared;
    let at1 = Token::new("AT1").unwrap();
    let now = IntrospectionStore::introspect_now(&introspection, "AT1");
    assert!(
        now.is_some(),
        "answered at once through the box, as by the store"
    );
    assert!(IntrospectionStore::introspect(&introspection, &at1)
        .await
        .unwrap()
        .is_some());
    let outcome = revoke(&revocation, "AT1").await;
    assert!(
        matches!(outcome, RevocationOutcome::Revoked { .. }),
        "{outcome:?}"
    );
    assert_eq!(
        IntrospectionStore::introspect(&introspection, &at1)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn issuance_boxes_on_its_own() {
    use tower_revoke::store::{DynIssuanceStore, Recording, TokenEntry};
    use tower_revoke::IssuanceStore;
    let shared = Arc::new(store());
    let issuance: Arc<dyn DynIssuanceStore> = shared.clone();
    let token = Token::generate();
    let app1 = ClientId::new("app1").unwrap();
    let entry = TokenEntry::new(token.clone(), TokenKind::AccessToken, app1);
    let recorded = IssuanceStore::record_token(&issuance, &entry)
        .await
        .unwrap();
    assert_eq!(recorded, Recording::Recorded);
    assert!(shared.is_active(token.secret()));
}
