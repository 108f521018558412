//! An independent model of the `MemoryStore` rules over the seed: which
//! clients authenticate, and which tokens each revocation ends.
//!
//! A refresh token ends its grant; an access token only itself unless
//! `access_token_revokes_grant`; a revoked grant ends every token in it,
//! those the store cannot revoke one by one too; grants belong to one
//! client (the same grant id of another client is another grant); an
//! expired refresh token of the calling client still ends its grant, and
//! the answer is the unknown-token one.

use crate::seed::{Seeded, CLIENTS, TOKENS};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials};
use tower_revoke::{MemoryStore, RevocationOutcome, TokenKind};

/// Whether the model store authenticates these credentials (or their raw
/// alternative): the client's id when it does.
pub fn authenticate(credentials: &ClientCredentials) -> Option<&'static str> {
    let one = |c: &ClientCredentials| {
        let (id, secret) = CLIENTS
            .iter()
            .find(|(id, _)| *id == c.client_id().as_str())?;
        let ok = match (secret, c.client_secret()) {
            (Some(secret), Some(presented)) => presented.secret() == *secret,
            (None, None) => c.method() == ClientAuthMethod::None,
            _ => false,
        };
        ok.then_some(*id)
    };
    one(credentials).or_else(|| credentials.raw_alternative().and_then(one))
}

/// Which of the seed's tokens `store` holds active, in the seed's order.
pub fn store_active(store: &MemoryStore) -> Vec<bool> {
    TOKENS.iter().map(|t| store.is_active(t.token)).collect()
}

/// Which tokens and which (client, grant) pairs are revoked.
pub struct Model {
    access_token_revokes_grant: bool,
    token_revoked: Vec<bool>,
    grants_revoked: Vec<(&'static str, &'static str)>,
}

impl Model {
    pub fn new(access_token_revokes_grant: bool) -> Self {
        Self {
            access_token_revokes_grant,
            token_revoked: vec![false; TOKENS.len()],
            grants_revoked: Vec::new(),
        }
    }

    fn grant_revoked(&self, i: usize) -> bool {
        let Seeded { client, grant, .. } = TOKENS[i];
        grant.is_some_and(|g| self.grants_revoked.contains(&(client, g)))
    }

    fn is_revoked(&self, i: usize) -> bool {
        self.token_revoked[i] || self.grant_revoked(i)
    }

    fn is_active(&self, i: usize) -> bool {
        !TOKENS[i].expired && !self.is_revoked(i)
    }

    /// Which of the seed's tokens are active, in the seed's order.
    pub fn active(&self) -> Vec<bool> {
        (0..TOKENS.len()).map(|i| self.is_active(i)).collect()
    }

    /// Ends the grant of token `i`; how many other tokens it ended.
    fn end_grant(&mut self, i: usize) -> u64 {
        let Seeded { client, grant, .. } = TOKENS[i];
        let Some(grant) = grant else { return 0 };
        if self.grants_revoked.contains(&(client, grant)) {
            return 0;
        }
        let ended = (0..TOKENS.len())
            .filter(|&j| j != i && TOKENS[j].client == client && TOKENS[j].grant == Some(grant))
            .filter(|&j| self.is_active(j))
            .count() as u64;
        self.grants_revoked.push((client, grant));
        ended
    }

    /// What `client` revoking `token` does (RFC 7009 §2.1).
    pub fn revoke(&mut self, client: &str, token: &str) -> RevocationOutcome {
        let Some(i) = TOKENS.iter().position(|t| t.token == token) else {
            return RevocationOutcome::NotFound;
        };
        let Seeded {
            client: owner,
            refresh,
            revocable,
            ..
        } = TOKENS[i];
        let own = owner == client;
        if !self.is_active(i) {
            if own && refresh && !self.is_revoked(i) {
                self.end_grant(i);
            }
            return RevocationOutcome::NotFound;
        }
        if !own {
            return RevocationOutcome::IssuedToAnotherClient;
        }
        if !revocable {
            return RevocationOutcome::UnsupportedTokenType;
        }
        self.token_revoked[i] = true;
        let cascaded = if refresh || self.access_token_revokes_grant {
            self.end_grant(i)
        } else {
            0
        };
        let kind = if refresh {
            TokenKind::RefreshToken
        } else {
            TokenKind::AccessToken
        };
        RevocationOutcome::Revoked { kind, cascaded }
    }
}
