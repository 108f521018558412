//! The store against the model: a revocation straight through the store
//! has the model's exact outcome; after a request, tokens changed only as
//! a readable request of an authenticated client may change them
//! (soundness), and such a request gets the RFC 7009 §2.2 answer and leaves
//! exactly what the model leaves (completeness).

use crate::harness::Harness;
use crate::model::store_active;
use crate::seed::{confidential, Seeded, TOKENS};
use crate::service::block_on;
use http::StatusCode;
use tower_revoke::client::ClientId;
use tower_revoke::request::{ClientRevocation, RevocationRequest, Token};
use tower_revoke::revocation::OtherClientToken;
use tower_revoke::{AuthenticatedClient, ClientType, RevocationOutcome, RevocationStore};

impl Harness {
    /// `client_id` revokes `token` through `RevocationStore::revoke`, as it
    /// would once authenticated: the outcome, cascade count included, and
    /// the tokens left active are the model's.
    pub(crate) fn check_store_revoke(&mut self, client_id: &'static str, token: &str) {
        let client = AuthenticatedClient {
            client_id: ClientId::new(client_id).unwrap(),
            client_type: if confidential(client_id) {
                ClientType::Confidential
            } else {
                ClientType::Public
            },
        };
        let request = RevocationRequest::new(Token::new(token).unwrap(), None);
        let outcome =
            block_on(self.store.revoke(&client, &request)).expect("the store cannot fail");
        assert_eq!(
            outcome,
            self.model.revoke(client_id, token),
            "{client_id} revoking {token}"
        );
        assert_eq!(
            store_active(&self.store),
            self.model.active(),
            "after {client_id} revoked {token}"
        );
    }

    /// Soundness: tokens change only for a readable request (`revocation`)
    /// of an authenticated client, and only the token it named (and that
    /// token's grant, of the same client): with the revoked answer when the
    /// token was active, with the unknown-token answer when it was an
    /// expired refresh token (which still ends its grant).
    pub(crate) fn check_soundness(
        &self,
        revocation: Option<&ClientRevocation>,
        client: Option<&str>,
        status: StatusCode,
        before: &[bool],
        after: &[bool],
    ) {
        let changed: Vec<usize> = (0..TOKENS.len())
            .filter(|&i| before[i] && !after[i])
            .collect();
        assert!(
            before.iter().zip(after).all(|(b, a)| *b || !*a),
            "a token came back"
        );
        if changed.is_empty() {
            return;
        }
        let revocation = revocation.expect("a revocation from an unreadable request");
        let client = client.expect("a revocation without an authenticated client");
        let named = revocation.request.token().secret();
        let index = TOKENS
            .iter()
            .position(|t| t.token == named)
            .expect("the request named a known token");
        let Seeded {
            client: owner,
            grant,
            refresh,
            revocable,
            expired,
            ..
        } = TOKENS[index];
        assert_eq!(owner, client, "revoked another client's token");
        if before[index] {
            assert!(revocable, "revoked a token the store cannot revoke");
            assert_eq!(status, self.revoked, "tokens revoked with {status}");
        } else {
            assert!(
                expired && refresh && grant.is_some(),
                "{named} was not active yet tokens changed"
            );
            assert_eq!(
                status, self.unknown,
                "an expired refresh token answered {status}"
            );
        }
        for &i in &changed {
            let other = &TOKENS[i];
            assert!(
                other.token == named
                    || (grant.is_some() && other.grant == grant && other.client == owner),
                "{} revoked by {named}",
                other.token
            );
        }
    }

    /// Completeness: a readable request of an authenticated client gets the
    /// RFC 7009 §2.2 answer and leaves exactly what the model leaves (the
    /// model makes the same revocation); any other request changes nothing,
    /// and a readable one of a client that did not authenticate gets 401.
    pub(crate) fn check_completeness(
        &mut self,
        revocation: Option<&ClientRevocation>,
        client: Option<&str>,
        status: StatusCode,
        before: &[bool],
        after: &[bool],
    ) {
        if let (Some(revocation), Some(client)) = (revocation, client) {
            let named = revocation.request.token().secret();
            let expected = match self.model.revoke(client, named) {
                RevocationOutcome::Revoked { .. } => self.revoked,
                RevocationOutcome::NotFound => self.unknown,
                RevocationOutcome::IssuedToAnotherClient => match self.other_client {
                    OtherClientToken::InvalidGrant => 400,
                    OtherClientToken::InvalidGrantForConfidential if confidential(client) => 400,
                    _ => self.unknown,
                },
                RevocationOutcome::UnsupportedTokenType => 400,
                other => panic!("the model answered {other:?}"),
            };
            assert_eq!(
                status.as_u16(),
                expected,
                "answer for {named} from {client}"
            );
            assert_eq!(
                after,
                self.model.active(),
                "tokens after {client} revoked {named}"
            );
        } else {
            assert_eq!(before, after, "a refused request changed the store");
        }
        if let (Some(_), None) = (revocation, client) {
            assert_eq!(
                status,
                StatusCode::UNAUTHORIZED,
                "unauthenticated client got {status}"
            );
        }
    }
}
