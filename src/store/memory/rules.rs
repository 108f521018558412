//! The rules of [`MemoryStore`]: client authentication (RFC 6749 §2.3) and
//! revocation (RFC 7009 §2.1), behind the [`RevocationStore`] methods.

use super::record::{now, Record};
use super::MemoryStore;
use crate::bearer::BearerToken;
use crate::client::{
    constant_time_eq, ClientAuthMethod, ClientCredentials, ClientId, ClientSecret,
};
use crate::store::seed::TokenKind;
use crate::store::{
    ActiveAccessToken, AuthenticatedClient, ClientType, RevocationOutcome, RevocationStore,
};
use crate::token::RevocationRequest;
use std::convert::Infallible;

/// What an unknown client's secret is compared with, so that an unknown
/// client costs one constant-time comparison like a known one.
const DUMMY_SECRET: &[u8] = b"tower-revoke:no-such-client:0000";

impl RevocationStore for MemoryStore {
    type Error = Infallible;

    /// See [`MemoryStore`]'s rules. Ignores
    /// [`raw_alternative`](ClientCredentials::raw_alternative): the endpoint
    /// asks again with it.
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, Infallible> {
        Ok(self.authenticate(credentials))
    }

    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, Infallible> {
        Ok(self.revoke_token(client, request.token().secret()))
    }

    async fn active_access_token(
        &self,
        token: &BearerToken,
    ) -> Result<Option<ActiveAccessToken>, Infallible> {
        Ok(self.active_access(token.token().secret()))
    }

    /// Skips tokens that are not revocable; does not extend to the other
    /// tokens of their grants.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, Infallible> {
        Ok(self.revoke_subject(subject, labels))
    }
}

impl MemoryStore {
    fn authenticate(&self, credentials: &ClientCredentials) -> Option<AuthenticatedClient> {
        let presented = credentials.client_secret();
        let public = credentials.method() == ClientAuthMethod::None;
        let found = self
            .shared
            .clients
            .with(credentials.client_id().as_str(), |client| {
                match (&client.secret, presented) {
                    (Some(secret), Some(presented)) => secret
                        .verify(presented.secret())
                        .then_some(ClientType::Confidential),
                    (None, None) if public => Some(ClientType::Public),
                    _ => {
                        dummy_comparison(presented);
                        None
                    }
                }
            });
        let client_type = found.unwrap_or_else(|| {
            dummy_comparison(presented);
            None
        })?;
        Some(AuthenticatedClient {
            client_id: credentials.client_id().clone(),
            client_type,
        })
    }

    fn revoke_token(&self, client: &AuthenticatedClient, token: &str) -> RevocationOutcome {
        let (now, shared) = (now(), &*self.shared);
        let fingerprint = shared.fingerprinter.of(token);
        let mut grant_to_revoke = None;
        let outcome = shared.tokens.with(&fingerprint, |record| {
            if !record.is_active(now) {
                return RevocationOutcome::NotFound;
            }
            if *record.client_id != client.client_id {
                return RevocationOutcome::IssuedToAnotherClient;
            }
            if !record.revocable {
                return RevocationOutcome::UnsupportedTokenType;
            }
            if !record.revoke() {
                // A concurrent request revoked it first.
                return RevocationOutcome::NotFound;
            }
            if record.kind == TokenKind::RefreshToken || self.access_token_revokes_grant {
                grant_to_revoke = record.grant_id().cloned();
            }
            RevocationOutcome::Revoked
        });
        // The token's shard lock is released: take the grant's, then the
        // shards of its tokens (the lock order of `ShardedMap`).
        if let Some(grant_id) = grant_to_revoke {
            shared.grants.with(&*grant_id, |tokens| {
                for token in tokens {
                    shared.tokens.with(token, |r| r.revocable && r.revoke());
                }
            });
        }
        outcome.unwrap_or(RevocationOutcome::NotFound)
    }

    fn active_access(&self, token: &str) -> Option<ActiveAccessToken> {
        let (now, shared) = (now(), &*self.shared);
        let fingerprint = shared.fingerprinter.of(token);
        shared.tokens.with(&fingerprint, |record| {
            (record.kind == TokenKind::AccessToken && record.is_active(now)).then(|| {
                ActiveAccessToken {
                    client_id: ClientId::clone(&record.client_id),
                    subject: record.subject().map(str::to_owned),
                }
            })
        })?
    }

    fn revoke_subject(&self, subject: &str, labels: &[(&str, &str)]) -> u64 {
        let (now, shared) = (now(), &*self.shared);
        let revoke = |record: &Record| {
            record.revocable
                && record.is_active(now)
                && record.has_labels(labels)
                && record.revoke()
        };
        let revoked = shared.subjects.with(subject, |tokens| {
            let revoked = tokens.iter().map(|token| shared.tokens.with(token, revoke));
            revoked.filter(|done| *done == Some(true)).count()
        });
        revoked.map_or(0, |count| count as u64)
    }
}

/// One constant-time comparison whose result is thrown away.
fn dummy_comparison(presented: Option<&ClientSecret>) {
    let presented = presented.map_or(&b""[..], |secret| secret.secret().as_bytes());
    std::hint::black_box(constant_time_eq(DUMMY_SECRET, presented));
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = r#"{
        "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}, {"client_id": "pub1"}],
        "tokens": [
            {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "jwt", "type": "access_token", "client_id": "app1", "grant_id": "G1",
             "revocable": false}
        ]
    }"#;

    fn credentials(id: &str, secret: Option<&str>, method: ClientAuthMethod) -> ClientCredentials {
        let secret = secret.map(|s| ClientSecret::new(s).unwrap());
        ClientCredentials::new(ClientId::new(id).unwrap(), secret, method)
    }

    fn app1() -> AuthenticatedClient {
        AuthenticatedClient {
            client_id: ClientId::new("app1").unwrap(),
            client_type: ClientType::Confidential,
        }
    }

    #[test]
    fn confidential_client_needs_its_secret() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        let basic = ClientAuthMethod::ClientSecretBasic;
        let ok = store.authenticate(&credentials("app1", Some("s3cr3t"), basic));
        assert_eq!(ok, Some(app1()));
        assert_eq!(
            store.authenticate(&credentials("app1", Some("s3cr3T"), basic)),
            None
        );
        let none = credentials("app1", None, ClientAuthMethod::None);
        assert_eq!(store.authenticate(&none), None);
    }

    #[test]
    fn public_client_must_not_send_a_secret() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        let ok = store.authenticate(&credentials("pub1", None, ClientAuthMethod::None));
        assert_eq!(ok.unwrap().client_type, ClientType::Public);
        let post = credentials("pub1", Some("x"), ClientAuthMethod::ClientSecretPost);
        assert_eq!(store.authenticate(&post), None);
        let unknown = credentials("nobody", Some("s3cr3t"), ClientAuthMethod::ClientSecretPost);
        assert_eq!(store.authenticate(&unknown), None);
    }

    #[test]
    fn refresh_token_revokes_its_revocable_grant() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        assert_eq!(
            store.revoke_token(&app1(), "RT1"),
            RevocationOutcome::Revoked
        );
        for token in ["AT1", "AT2", "RT1"] {
            assert!(!store.is_active(token), "{token}");
        }
        assert!(store.is_active("jwt"));
        assert_eq!(
            store.revoke_token(&app1(), "RT1"),
            RevocationOutcome::NotFound
        );
    }

    #[test]
    fn access_token_revokes_only_itself_by_default() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        assert_eq!(
            store.revoke_token(&app1(), "AT1"),
            RevocationOutcome::Revoked
        );
        assert!(store.is_active("AT2") && store.is_active("RT1"));

        let store = MemoryStore::from_seed_json(SEED)
            .unwrap()
            .access_token_revokes_grant(true);
        assert_eq!(
            store.revoke_token(&app1(), "AT1"),
            RevocationOutcome::Revoked
        );
        assert!(!store.is_active("AT2") && !store.is_active("RT1"));
    }

    #[test]
    fn concurrent_revocations_of_one_token_report_one_revoked() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        let outcomes: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| store.revoke_token(&app1(), "RT1")))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let revoked = outcomes
            .iter()
            .filter(|o| **o == RevocationOutcome::Revoked)
            .count();
        assert_eq!(revoked, 1, "{outcomes:?}");
    }

    #[test]
    fn active_access_excludes_refresh_tokens() {
        let store = MemoryStore::from_seed_json(SEED).unwrap();
        assert!(store.active_access("AT1").is_some());
        assert!(store.active_access("RT1").is_none());
        assert!(store.active_access("nope").is_none());
    }
}
