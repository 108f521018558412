//! A store called directly, as the endpoints call it: the store tests'
//! seed, tokens and their digests, and revocation and introspection as
//! client `app1`.

use tower_revoke::client::ClientId;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::{Seed, TokenDigest};
use tower_revoke::{
    AuthenticatedClient, ClientType, IntrospectionStore, IssuanceStore, RevocationOutcome,
    RevocationStore,
};

/// The store tests' seed: client `app1` (secret `s3cr3t`) and public
/// `pub1`, with grant `G1` of `app1` for `alice`: access token `AT1`,
/// refresh token `RT1`.
pub const SEED: &str = r#"{
  "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}, {"client_id": "pub1"}],
  "tokens": [
    {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"},
    {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1", "subject": "alice"}
  ]
}"#;

/// The seed in `json`, which must be valid.
pub fn seed(json: &str) -> Seed {
    Seed::from_json(json).expect("a valid seed")
}

/// Seeds `seed` into `store` ([`IssuanceStore::seed`]): (registered,
/// recorded) and (already registered, already recorded, refused).
pub async fn seed_into(
    store: &impl IssuanceStore,
    seed: &Seed,
) -> ((usize, usize), (usize, usize, usize)) {
    let report = store.seed(seed).await.expect("seed");
    let new = (report.registered, report.recorded);
    let old = (
        report.already_registered,
        report.already_recorded,
        report.refused,
    );
    (new, old)
}

/// Grant `grant` of client `app1`: refresh token `R` and `count` access
/// tokens `A0`, `A1`, …, which revoking `R` ends in one cascade.
pub fn cascade(grant: &str, count: usize) -> Seed {
    let token = |name: &str, kind: &str| {
        format!(
            r#"{{"token": "{name}", "type": "{kind}", "client_id": "app1", "grant_id": "{grant}"}}"#
        )
    };
    let mut tokens = vec![token("R", "refresh_token")];
    tokens.extend((0..count).map(|i| token(&format!("A{i}"), "access_token")));
    let json = format!(
        r#"{{"clients": [{{"client_id": "app1"}}], "tokens": [{}]}}"#,
        tokens.join(",")
    );
    seed(&json)
}

/// The token `value`, which must not be empty.
pub fn token(value: &str) -> Token {
    Token::new(value).expect("a non-empty token")
}

/// The digest of the token `value`, as notices and stores carry it.
pub fn digest(value: &str) -> TokenDigest {
    TokenDigest::of(&token(value))
}

/// Confidential client `app1`, authenticated.
pub fn app1() -> AuthenticatedClient {
    AuthenticatedClient {
        client_id: ClientId::new("app1").unwrap(),
        client_type: ClientType::Confidential,
    }
}

/// Revokes `value` as [`app1`], without a hint.
///
/// # Panics
/// When the store fails.
pub async fn revoke(store: &impl RevocationStore, value: &str) -> RevocationOutcome {
    let request = RevocationRequest::new(token(value), None);
    store.revoke(&app1(), &request).await.expect("revoke")
}

/// Whether the store answers `value` as active.
///
/// # Panics
/// When the store fails.
pub async fn is_active(store: &impl IntrospectionStore, value: &str) -> bool {
    let found = store.introspect(&token(value)).await.expect("introspect");
    found.is_some()
}
