//! The rules of [`MemoryStore`]: client authentication (RFC 6749 §2.3),
//! revocation (RFC 7009 §2.1) and introspection (RFC 7662 §2.2), behind the
//! store traits.

use super::record::{now, Record};
use super::{Client, MemoryStore};
use crate::client::{ClientCredentials, ClientId};
use crate::request::{RevocationRequest, Token};
use crate::store::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, RevocationOutcome, RevocationStore,
    StoreError, StoredClient, SubjectRevocationStore, TokenKind,
};
use std::sync::Arc;

impl RevocationStore for MemoryStore {
    /// See [`MemoryStore`]'s rules. Ignores
    /// [`raw_alternative`](ClientCredentials::raw_alternative): the endpoint
    /// asks again with it.
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        Ok(self.authenticate(credentials))
    }

    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        Ok(self.revoke_token(client, request.token().secret()))
    }
}

impl IntrospectionStore for MemoryStore {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        Ok(self.active(token.secret()))
    }

    /// Always answers: the whole store is in this process.
    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        Some(Ok(self.active(token)))
    }
}

impl SubjectRevocationStore for MemoryStore {
    /// Skips tokens that are not revocable; does not extend to the other
    /// tokens of their grants.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        Ok(self.revoke_subject(subject, labels))
    }
}

impl MemoryStore {
    fn authenticate(&self, credentials: &ClientCredentials) -> Option<AuthenticatedClient> {
        let key = self
            .shared
            .fingerprinter
            .of(credentials.client_id().as_str());
        // A digest is copied out of the map, or the same-sized stand-in for
        // a client that does not exist, so that every client takes the same
        // path afterwards, outside the lock.
        let copy = |client: &Client| (client.secret.clone(), client.keys.is_some());
        let (found, (stored, keys)) = match self.shared.clients.with(&key, copy) {
            Some(stored) => (true, stored),
            None => (false, (Some(self.shared.stand_in.clone()), false)),
        };
        let client = match (found, &stored, keys) {
            (true, Some(digest), _) => StoredClient::Confidential(digest),
            (true, None, false) => StoredClient::Public,
            (true, None, true) => StoredClient::KeysOnly,
            (false, _, _) => StoredClient::Unknown,
        };
        client.authenticate(credentials)
    }

    fn revoke_token(&self, client: &AuthenticatedClient, token: &str) -> RevocationOutcome {
        let (now, shared) = (now(), &*self.shared);
        let fingerprint = shared.fingerprinter.of(token);
        let mut cascade = None;
        let mut revoked = false;
        let outcome = shared.tokens.with(&fingerprint, |record| {
            revoked = record.is_revoked();
            let own = *record.client_id == client.client_id;
            if !record.is_active(now) {
                // RFC 7009 §2.1: an expired refresh token still ends its grant.
                if own && record.kind == TokenKind::RefreshToken && !record.is_revoked() {
                    cascade = record.grant.clone();
                }
                return RevocationOutcome::NotFound;
            }
            if !own {
                return RevocationOutcome::IssuedToAnotherClient;
            }
            if !record.revocable {
                return RevocationOutcome::UnsupportedTokenType;
            }
            if !record.revoke() {
                // A concurrent request revoked it first.
                return RevocationOutcome::NotFound;
            }
            revoked = true;
            if record.kind == TokenKind::RefreshToken || self.access_token_revokes_grant {
                cascade = record.grant.clone();
            }
            RevocationOutcome::Revoked {
                kind: record.kind,
                cascaded: 0,
            }
        });
        let outcome = outcome.unwrap_or(RevocationOutcome::NotFound);
        if revoked {
            // Revoked by this call or found revoked (a concurrent call may
            // not have reached the statuses yet): INVALID before answering.
            shared.statuses.tokens_revoked([&fingerprint]);
        }
        // The token's shard lock is released: take the grant's list, then
        // the shards of its tokens (see `ShardedMap`'s lock order).
        let Some(grant) = cascade else { return outcome };
        let tokens = grant.tokens();
        let active = |fp| {
            fp != fingerprint
                && shared.tokens.with(&fp, |r: &Record| r.is_active(now)) == Some(true)
        };
        let ended = tokens.iter().filter(|&&fp| active(fp)).count() as u64;
        let cascaded = if grant.revoke() { ended } else { 0 };
        shared.statuses.tokens_revoked(tokens.iter());
        match outcome {
            RevocationOutcome::Revoked { kind, .. } => {
                RevocationOutcome::Revoked { kind, cascaded }
            }
            other => other,
        }
    }

    fn active(&self, token: &str) -> Option<ActiveToken> {
        let (now, shared) = (now(), &*self.shared);
        let fingerprint = shared.fingerprinter.of(token);
        let facts = |record: &Record| {
            let mut active = ActiveToken::new(ClientId::clone(&record.client_id), record.kind);
            if let Some(sub) = record.subject() {
                active = active.with_sub(Arc::clone(sub));
            }
            if let Some(scope) = record.scope() {
                active = active.with_scope(Arc::clone(scope));
            }
            if record.expires_at != u64::MAX {
                active = active.with_exp(record.expires_at);
            }
            active
        };
        shared.tokens.with(&fingerprint, |record| {
            record.is_active(now).then(|| facts(record))
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
        let mut ended = Vec::new();
        let revoked = shared.subjects.with(subject, |tokens| {
            let revoked = tokens
                .iter()
                .filter(|token| shared.tokens.with(token, revoke) == Some(true));
            ended.extend(revoked.copied());
            ended.len()
        });
        shared.statuses.tokens_revoked(&ended);
        revoked.map_or(0, |count| count as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientAuthMethod, ClientId, ClientSecret};
    use crate::store::ClientType;

    const SEED: &str = r#"{
        "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}, {"client_id": "app2"}],
        "tokens": [
            {"token": "AT1", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "AT2", "type": "access_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "RT1", "type": "refresh_token", "client_id": "app1", "grant_id": "G1"},
            {"token": "jwt", "type": "access_token", "client_id": "app1", "grant_id": "G1",
             "revocable": false},
            {"token": "OT1", "type": "access_token", "client_id": "app2", "grant_id": "G1"},
            {"token": "XRT", "type": "refresh_token", "client_id": "app1", "grant_id": "G2",
             "expires_at": 1000},
            {"token": "XAT", "type": "access_token", "client_id": "app1", "grant_id": "G2"}
        ]
    }"#;

    fn app1() -> AuthenticatedClient {
        AuthenticatedClient {
            client_id: ClientId::new("app1").unwrap(),
            client_type: ClientType::Confidential,
        }
    }

    fn store() -> MemoryStore {
        MemoryStore::from_seed_json(SEED).unwrap()
    }

    #[test]
    fn secrets_are_checked_through_their_digest() {
        let store = store();
        let creds = |secret: &str| {
            let secret = ClientSecret::new(secret).ok();
            let id = ClientId::new("app1").unwrap();
            ClientCredentials::new(id, secret, ClientAuthMethod::ClientSecretBasic)
        };
        assert_eq!(store.authenticate(&creds("s3cr3t")), Some(app1()));
        assert_eq!(store.authenticate(&creds("s3cr3T")), None);
    }

    #[test]
    fn refresh_token_ends_its_grant_of_its_client_only() {
        let store = store();
        let outcome = store.revoke_token(&app1(), "RT1");
        let revoked = RevocationOutcome::Revoked {
            kind: TokenKind::RefreshToken,
            cascaded: 3,
        };
        assert_eq!(outcome, revoked);
        for token in ["AT1", "AT2", "RT1", "jwt"] {
            assert!(!store.is_active(token), "{token}");
        }
        assert!(
            store.is_active("OT1"),
            "another client's grant G1 is untouched"
        );
        assert_eq!(
            store.revoke_token(&app1(), "RT1"),
            RevocationOutcome::NotFound
        );
    }

    #[test]
    fn expired_refresh_token_still_ends_its_grant() {
        let store = store();
        assert_eq!(
            store.revoke_token(&app1(), "XRT"),
            RevocationOutcome::NotFound
        );
        assert!(!store.is_active("XAT"));
    }

    #[test]
    fn concurrent_revocations_of_one_token_report_one_revoked() {
        let store = store();
        let outcomes: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..8)
                .map(|_| s.spawn(|| store.revoke_token(&app1(), "RT1")))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let revoked = outcomes
            .iter()
            .filter(|o| matches!(o, RevocationOutcome::Revoked { .. }));
        assert_eq!(revoked.count(), 1, "{outcomes:?}");
    }

    #[test]
    fn introspection_reports_active_tokens_of_every_kind() {
        let store = store();
        assert_eq!(store.active("AT1").unwrap().kind(), TokenKind::AccessToken);
        assert_eq!(store.active("RT1").unwrap().kind(), TokenKind::RefreshToken);
        assert!(store.active("nope").is_none());
        assert!(store.active("XRT").is_none());
    }
}
