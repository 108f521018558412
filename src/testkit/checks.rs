//! The conformance checks, each on a freshly seeded store.

use crate::RevocationOutcome::{IssuedToAnotherClient, NotFound, UnsupportedTokenType};
use crate::{
    parse_basic, AuthenticatedClient, BasicDecoding, ClientAuthMethod, ClientCredentials, ClientId,
    ClientSecret, ClientType, IntrospectionStore, RevocationOutcome, RevocationRequest,
    RevocationStore, SubjectRevocationStore, Token, TokenKind, TokenTypeHint,
};
use std::collections::HashMap;
use std::sync::Arc;

pub(super) const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "app2", "client_secret": "s3+cr3t"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "JWT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "gh1", "type": "access_token", "client_id": "app1", "subject": "alice", "labels": {"provider": "github", "org_id": "42"}},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "expires_at": 4102444800},
    {"token": "RT2", "type": "refresh_token", "client_id": "app1", "grant_id": "G2"},
    {"token": "RT3", "type": "refresh_token", "client_id": "app1"},
    {"token": "XRT", "type": "refresh_token", "client_id": "app1", "grant_id": "G3", "expires_at": 1000},
    {"token": "XAT", "type": "access_token", "client_id": "app1", "grant_id": "G3"},
    {"token": "PT1", "type": "access_token", "client_id": "pub1", "subject": "bob"},
    {"token": "X1", "type": "access_token", "client_id": "app2", "revocable": false},
    {"token": "OT1", "type": "access_token", "client_id": "app2", "grant_id": "G1", "subject": "alice"},
    {"token": "gl1", "type": "access_token", "client_id": "app2", "subject": "alice", "labels": {"provider": "gitlab"}},
    {"token": "oldgh", "type": "access_token", "client_id": "app1", "subject": "alice", "expires_at": 1, "labels": {"provider": "github"}},
    {"token": "jwtgh", "type": "access_token", "client_id": "app1", "subject": "alice", "revocable": false, "labels": {"provider": "github"}}
  ]
}"#;

/// The secrets of the seed's clients, which no store may keep as such.
const SECRETS: &[&str] = &["s3cr3t", "s3+cr3t"];

/// How many grants the concurrency checks revoke.
pub(super) const GRANTS: usize = 200;

pub(super) fn grant_seed_json(grants: usize) -> String {
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
    let tokens = tokens.join(",");
    format!(r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{tokens}]}}"#)
}

fn creds(id: &str, secret: Option<&str>, method: ClientAuthMethod) -> ClientCredentials {
    let secret = secret.map(|s| ClientSecret::new(s).expect("a valid secret"));
    ClientCredentials::new(ClientId::new(id).expect("a valid id"), secret, method)
}

fn client(id: &str, client_type: ClientType) -> AuthenticatedClient {
    let client_id = ClientId::new(id).expect("a valid id");
    AuthenticatedClient {
        client_id,
        client_type,
    }
}

fn app1() -> AuthenticatedClient {
    client("app1", ClientType::Confidential)
}

fn request(token: &str, hint: Option<&str>) -> RevocationRequest {
    let token = Token::new(token).expect("a non-empty token");
    RevocationRequest::new(token, hint.map(TokenTypeHint::parse))
}

fn revoked(kind: TokenKind, cascaded: u64) -> RevocationOutcome {
    RevocationOutcome::Revoked { kind, cascaded }
}

const ACCESS: TokenKind = TokenKind::AccessToken;
const REFRESH: TokenKind = TokenKind::RefreshToken;

async fn revoke<St: RevocationStore>(
    store: &St,
    client: &AuthenticatedClient,
    token: &str,
) -> RevocationOutcome {
    let outcome = store.revoke(client, &request(token, None)).await;
    outcome.unwrap_or_else(|e| panic!("revoke({token}) failed: {e}"))
}

async fn is_active<St: IntrospectionStore>(store: &St, token: &str) -> bool {
    let token = Token::new(token).expect("a non-empty token");
    let found = store.introspect(&token).await;
    found
        .unwrap_or_else(|e| panic!("introspect failed: {e}"))
        .is_some()
}

/// Asserts which of `tokens` are active, naming the check.
async fn assert_active<St: IntrospectionStore>(check: &str, store: &St, tokens: &[(&str, bool)]) {
    for &(token, expected) in tokens {
        let active = is_active(store, token).await;
        assert_eq!(
            active, expected,
            "conformance check {check:?}: {token} active"
        );
    }
}

pub(super) async fn client_authentication<St: RevocationStore>(store: &St) {
    let check = "client_authentication";
    let authenticate = |credentials: ClientCredentials| async move {
        let found = store.authenticate_client(&credentials).await;
        found.unwrap_or_else(|e| panic!("authenticate_client failed: {e}"))
    };
    for method in [
        ClientAuthMethod::ClientSecretBasic,
        ClientAuthMethod::ClientSecretPost,
        ClientAuthMethod::AppKeyHeaders,
    ] {
        let found = authenticate(creds("app1", Some("s3cr3t"), method)).await;
        assert_eq!(
            found,
            Some(app1()),
            "conformance check {check:?}: app1 by {method:?}"
        );
    }
    let basic = ClientAuthMethod::ClientSecretBasic;
    for refused in [
        creds("app1", Some("s3cr3"), basic),
        creds("app1", Some("s3cr3tt"), basic),
        creds("app1", Some("S3CR3T"), basic),
        creds("app1", None, ClientAuthMethod::None),
        creds("pub1", Some("anything"), ClientAuthMethod::ClientSecretPost),
        creds("nobody", Some("s3cr3t"), basic),
        creds("nobody", None, ClientAuthMethod::None),
    ] {
        let shown = format!("{refused:?}");
        assert_eq!(
            authenticate(refused).await,
            None,
            "conformance check {check:?}: {shown}"
        );
    }
    let public = authenticate(creds("pub1", None, ClientAuthMethod::None)).await;
    let expected = Some(client("pub1", ClientType::Public));
    assert_eq!(
        public, expected,
        "conformance check {check:?}: public client"
    );
    // "app2:s3+cr3t": form-decoded the secret is "s3 cr3t", raw "s3+cr3t".
    let header = http::HeaderValue::from_static("Basic YXBwMjpzMytjcjN0");
    let lenient = parse_basic(&header, BasicDecoding::Lenient).expect("valid Basic");
    let raw = lenient.raw_alternative().expect("a raw reading").clone();
    let message = format!("conformance check {check:?}: the store must ignore raw_alternative");
    assert_eq!(authenticate(lenient).await, None, "{message}");
    let found = authenticate(raw).await;
    let expected = Some(client("app2", ClientType::Confidential));
    assert_eq!(
        found, expected,
        "conformance check {check:?}: the raw reading"
    );
}

pub(super) async fn outcomes_in_order<St: RevocationStore + IntrospectionStore>(store: &St) {
    let check = "outcomes_in_order";
    let pub1 = client("pub1", ClientType::Public);
    let cases = [
        (app1(), "nope", NotFound),
        (app1(), "old", NotFound),
        (app1(), "jwt", UnsupportedTokenType),
        (pub1.clone(), "RT1", IssuedToAnotherClient),
        (app1(), "X1", IssuedToAnotherClient), // ownership before revocability
        (app1(), "RT3", revoked(REFRESH, 0)),
        (app1(), "RT3", NotFound), // already revoked
        (pub1, "PT1", revoked(ACCESS, 0)),
    ];
    for (client, token, expected) in cases {
        let outcome = revoke(store, &client, token).await;
        let who = client.client_id.as_str();
        assert_eq!(
            outcome, expected,
            "conformance check {check:?}: {who} revoking {token}"
        );
    }
    let unchanged = [
        ("RT1", true),
        ("AT1", true),
        ("jwt", true),
        ("X1", true),
        ("RT3", false),
    ];
    assert_active(check, store, &unchanged).await;
}

pub(super) async fn hint_is_advice<St: RevocationStore>(store: &St) {
    let check = "hint_is_advice";
    let cases = [
        ("RT2", Some("access_token"), revoked(REFRESH, 1)),
        ("AT1", Some("id_token"), revoked(ACCESS, 0)),
        (
            "RT3",
            Some("urn:ietf:params:oauth:token-type:access_token"),
            revoked(REFRESH, 0),
        ),
    ];
    for (token, hint, expected) in cases {
        let outcome = store.revoke(&app1(), &request(token, hint)).await;
        let outcome = outcome.unwrap_or_else(|e| panic!("revoke failed: {e}"));
        assert_eq!(
            outcome, expected,
            "conformance check {check:?}: {token} with hint {hint:?}"
        );
    }
}

pub(super) async fn grant_cascade<St: RevocationStore + IntrospectionStore>(store: &St) {
    let check = "grant_cascade";
    let outcome = revoke(store, &app1(), "AT2").await;
    assert_eq!(
        outcome,
        revoked(ACCESS, 0),
        "conformance check {check:?}: AT2"
    );
    assert_active(check, store, &[("AT2", false), ("RT2", true)]).await;
    // RT1 ends AT1 and JWT1 (not revocable alone, but its grant is ended);
    // app2's OT1, under the same grant id G1, is another grant.
    let outcome = revoke(store, &app1(), "RT1").await;
    assert_eq!(
        outcome,
        revoked(REFRESH, 2),
        "conformance check {check:?}: RT1"
    );
    let after = [
        ("RT1", false),
        ("AT1", false),
        ("JWT1", false),
        ("OT1", true),
        ("RT2", true),
        ("RT3", true),
    ];
    assert_active(check, store, &after).await;
    let outcome = revoke(store, &app1(), "AT1").await;
    assert_eq!(
        outcome, NotFound,
        "conformance check {check:?}: AT1 after its grant"
    );
    let outcome = revoke(store, &app1(), "RT3").await;
    assert_eq!(
        outcome,
        revoked(REFRESH, 0),
        "conformance check {check:?}: RT3 without grant"
    );
}

pub(super) async fn expired_refresh_token_ends_its_grant<St>(store: &St)
where
    St: RevocationStore + IntrospectionStore,
{
    let check = "expired_refresh_token_ends_its_grant";
    let pub1 = client("pub1", ClientType::Public);
    assert_eq!(
        revoke(store, &pub1, "XRT").await,
        NotFound,
        "conformance check {check:?}"
    );
    assert_active(check, store, &[("XAT", true)]).await;
    assert_eq!(
        revoke(store, &app1(), "XRT").await,
        NotFound,
        "conformance check {check:?}"
    );
    assert_active(check, store, &[("XAT", false), ("AT1", true)]).await;
}

pub(super) async fn introspection<St: RevocationStore + IntrospectionStore>(store: &St) {
    let check = "introspection";
    let facts = |token: &'static str| async move {
        let found = store.introspect(&Token::new(token).expect("a token")).await;
        found.unwrap_or_else(|e| panic!("introspect failed: {e}"))
    };
    let at1 = facts("AT1")
        .await
        .unwrap_or_else(|| panic!("conformance check {check:?}: AT1"));
    assert_eq!(
        (at1.client_id().as_str(), at1.kind()),
        ("app1", ACCESS),
        "conformance check {check:?}"
    );
    assert_eq!(
        (at1.sub(), at1.exp()),
        (Some("alice"), None),
        "conformance check {check:?}: AT1"
    );
    let at2 = facts("AT2")
        .await
        .unwrap_or_else(|| panic!("conformance check {check:?}: AT2"));
    assert_eq!(
        (at2.sub(), at2.exp()),
        (None, Some(4_102_444_800)),
        "conformance check {check:?}: AT2"
    );
    let rt1 = facts("RT1").await.map(|t| t.kind());
    assert_eq!(
        rt1,
        Some(REFRESH),
        "conformance check {check:?}: RT1 is a refresh token"
    );
    for inactive in ["old", "nope", "XRT"] {
        assert!(
            facts(inactive).await.is_none(),
            "conformance check {check:?}: {inactive}"
        );
    }
    revoke(store, &app1(), "AT1").await;
    assert!(
        facts("AT1").await.is_none(),
        "conformance check {check:?}: AT1 once revoked"
    );
}

pub(super) async fn subject_revocation<St>(store: &St)
where
    St: IntrospectionStore + SubjectRevocationStore,
{
    let check = "subject_revocation";
    let bulk = |subject: &'static str, labels: &'static [(&'static str, &'static str)]| async move {
        let revoked = store.revoke_subject_tokens(subject, labels).await;
        revoked.unwrap_or_else(|e| panic!("revoke_subject_tokens failed: {e}"))
    };
    let github = &[("provider", "github"), ("org_id", "42")];
    assert_eq!(
        bulk("alice", github).await,
        1,
        "conformance check {check:?}: github 42"
    );
    assert_active(
        check,
        store,
        &[
            ("gh1", false),
            ("gl1", true),
            ("AT1", true),
            ("jwtgh", true),
        ],
    )
    .await;
    assert_eq!(
        bulk("alice", github).await,
        0,
        "conformance check {check:?}: repeated"
    );
    assert_eq!(
        bulk("alice", &[("provider", "github"), ("org_id", "7")]).await,
        0,
        "conformance check {check:?}"
    );
    // AT1, RT1, OT1, gl1: not oldgh (expired) nor jwtgh (not revocable).
    assert_eq!(
        bulk("alice", &[]).await,
        4,
        "conformance check {check:?}: every label"
    );
    assert_eq!(
        bulk("alice", &[]).await,
        0,
        "conformance check {check:?}: repeated"
    );
    assert_active(
        check,
        store,
        &[("PT1", true), ("jwtgh", true), ("OT1", false)],
    )
    .await;
    assert_eq!(
        bulk("carol", &[]).await,
        0,
        "conformance check {check:?}: unknown subject"
    );
}

/// Even grants: `R` twice and `A` twice at once; odd grants: `A` three
/// times. Exactly one `Revoked` per token, and an exact end state.
pub(super) async fn concurrent_revocations<St>(store: Arc<St>)
where
    St: RevocationStore + IntrospectionStore,
{
    let check = "concurrent_revocations";
    let client = Arc::new(client("app1", ClientType::Public));
    let mut tasks = Vec::new();
    for g in 0..GRANTS {
        let targets: &[&str] = if g % 2 == 0 {
            &["R", "A", "R", "A"]
        } else {
            &["A", "A", "A"]
        };
        for name in targets {
            let (store, client, token) = (
                Arc::clone(&store),
                Arc::clone(&client),
                format!("{name}{g}"),
            );
            tasks.push(tokio::spawn(async move {
                let outcome = store.revoke(&client, &request(&token, None)).await;
                (
                    token,
                    outcome.unwrap_or_else(|e| panic!("revoke failed: {e}")),
                )
            }));
        }
    }
    let mut revoked = HashMap::<String, usize>::new();
    for task in tasks {
        let (token, outcome) = task.await.expect("a revocation task");
        let counted = matches!(outcome, RevocationOutcome::Revoked { .. });
        assert!(
            counted || outcome == NotFound,
            "conformance check {check:?}: {token} {outcome:?}"
        );
        *revoked.entry(token).or_default() += usize::from(counted);
    }
    for g in 0..GRANTS {
        let (a, b, r) = (format!("A{g}"), format!("B{g}"), format!("R{g}"));
        if g % 2 == 0 {
            assert_eq!(
                revoked[&r], 1,
                "conformance check {check:?}: {r} revoked once"
            );
            assert!(
                revoked[&a] <= 1,
                "conformance check {check:?}: {a} revoked at most once"
            );
            assert_active(check, &*store, &[(&a, false), (&b, false), (&r, false)]).await;
        } else {
            assert_eq!(
                revoked[&a], 1,
                "conformance check {check:?}: {a} revoked once"
            );
            assert_active(check, &*store, &[(&a, false), (&b, true), (&r, true)]).await;
        }
    }
}

pub(super) async fn concurrent_subject_revocations<St>(store: Arc<St>)
where
    St: IntrospectionStore + SubjectRevocationStore,
{
    let check = "concurrent_subject_revocations";
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let store = Arc::clone(&store);
            tokio::spawn(async move {
                let revoked = store
                    .revoke_subject_tokens(&format!("s{}", i % 2), &[])
                    .await;
                revoked.unwrap_or_else(|e| panic!("revoke_subject_tokens failed: {e}"))
            })
        })
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await.expect("a revocation task");
    }
    // Subjects s0 and s1 hold grants 0, 1, 4, 5, ...: half the grants.
    assert_eq!(
        total,
        (GRANTS as u64 / 2) * 3,
        "conformance check {check:?}: counted once"
    );
    assert_active(
        check,
        &*store,
        &[("A0", false), ("R5", false), ("B2", true)],
    )
    .await;
}

pub(super) fn no_raw_secrets(dump: String) {
    let seed = super::seed();
    let tokens = seed.tokens().iter().map(|t| t.token.secret());
    for value in tokens.chain(SECRETS.iter().copied()) {
        assert!(
            !dump.contains(value),
            "conformance check \"no_raw_secrets\": the store keeps {value:?}"
        );
    }
}
