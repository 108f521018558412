//! The conformance checks, each on a freshly seeded store: the seed and
//! the helpers here, the rules in [`rules`], concurrency and storage in
//! [`concurrency`], the JWT deny-list in [`deny_list`].

mod assertions;
mod concurrency;
mod deny_list;
mod issuance;
mod rules;
mod status;

pub(super) use assertions::{assertion_single_use, client_keys, concurrent_assertion_uses};
pub(super) use concurrency::{
    concurrent_revocations, concurrent_subject_revocations, no_raw_secrets,
};
pub(super) use deny_list::{concurrent_jwt_denials, jwt_deny_list, jwt_subject_cutoff};
pub(super) use issuance::{
    client_registration, concurrent_rotations, grace_period, refresh_rotation, token_recording,
};
pub(super) use rules::{
    client_authentication, expired_refresh_token_ends_its_grant, grant_cascade, hint_is_advice,
    introspection, outcomes_in_order, subject_revocation,
};
pub(super) use status::{
    concurrent_status_allocations, status_allocation, status_follows_revocations,
};

use crate::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use crate::request::{RevocationRequest, Token, TokenTypeHint};
use crate::store::{
    ActiveToken, AuthenticatedClient, ClientType, IntrospectionStore, RevocationOutcome,
    RevocationStore, TokenKind,
};

pub(super) const SEED: &str = r#"{
  "clients": [
    {"client_id": "app1", "client_secret": "s3cr3t"},
    {"client_id": "pub1"},
    {"client_id": "app2", "client_secret": "s3+cr3t"}
  ],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice", "scope": "read"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice", "scope": "read write"},
    {"token": "JWT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "revocable": false},
    {"token": "old", "type": "access_token", "client_id": "app1", "expires_at": 1000},
    {"token": "jwt", "type": "access_token", "client_id": "app1", "revocable": false},
    {"token": "gh1", "type": "access_token", "client_id": "app1", "subject": "alice", "labels": {"provider": "github", "org_id": "42"}},
    {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G2", "expires_at": 4102444800},
    {"token": "RT2", "type": "refresh_token", "client_id": "app1", "grant_id": "G2", "scope": "profile"},
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
pub(super) const SECRETS: &[&str] = &["s3cr3t", "s3+cr3t"];

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

pub(super) fn creds(id: &str, secret: Option<&str>, method: ClientAuthMethod) -> ClientCredentials {
    let secret = secret.map(|s| ClientSecret::new(s).expect("a valid secret"));
    ClientCredentials::new(ClientId::new(id).expect("a valid id"), secret, method)
}

pub(super) fn client(id: &str, client_type: ClientType) -> AuthenticatedClient {
    let client_id = ClientId::new(id).expect("a valid id");
    AuthenticatedClient {
        client_id,
        client_type,
    }
}

pub(super) fn app1() -> AuthenticatedClient {
    client("app1", ClientType::Confidential)
}

pub(super) fn request(token: &str, hint: Option<&str>) -> RevocationRequest {
    let token = Token::new(token).expect("a non-empty token");
    RevocationRequest::new(token, hint.map(TokenTypeHint::parse))
}

pub(super) fn revoked(kind: TokenKind, cascaded: u64) -> RevocationOutcome {
    RevocationOutcome::Revoked { kind, cascaded }
}

pub(super) const ACCESS: TokenKind = TokenKind::AccessToken;
pub(super) const REFRESH: TokenKind = TokenKind::RefreshToken;

pub(super) async fn revoke<St: RevocationStore>(
    store: &St,
    client: &AuthenticatedClient,
    token: &str,
) -> RevocationOutcome {
    let outcome = store.revoke(client, &request(token, None)).await;
    outcome.unwrap_or_else(|e| panic!("revoke({token}) failed: {e}"))
}

/// What introspecting `token` answers: its facts while it is active.
pub(super) async fn facts<St: IntrospectionStore>(store: &St, token: &str) -> Option<ActiveToken> {
    let token = Token::new(token).expect("a non-empty token");
    let found = store.introspect(&token).await;
    found.unwrap_or_else(|e| panic!("introspect failed: {e}"))
}

pub(super) async fn is_active<St: IntrospectionStore>(store: &St, token: &str) -> bool {
    facts(store, token).await.is_some()
}

/// Asserts which of `tokens` are active, naming the check.
pub(super) async fn assert_active<St: IntrospectionStore>(
    check: &str,
    store: &St,
    tokens: &[(&str, bool)],
) {
    for &(token, expected) in tokens {
        let active = is_active(store, token).await;
        assert_eq!(
            active, expected,
            "conformance check {check:?}: {token} active"
        );
    }
}
