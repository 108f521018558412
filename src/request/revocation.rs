//! The revocation request (RFC 7009 §2.1), alone and with the client
//! credentials it carried (RFC 6749 §2.3).

use super::{Token, TokenTypeHint};
use crate::client::ClientCredentials;

/// A checked revocation request (RFC 7009 §2.1): a non-empty `token` and an
/// optional `token_type_hint`.
///
/// Built by the parsers of this crate from a form or JSON body, or by hand
/// with [`RevocationRequest::new`].
#[derive(Debug, Clone)]
pub struct RevocationRequest {
    token: Token,
    token_type_hint: Option<TokenTypeHint>,
}

impl RevocationRequest {
    /// A request for this token with this hint.
    pub fn new(token: Token, token_type_hint: Option<TokenTypeHint>) -> Self {
        Self {
            token,
            token_type_hint,
        }
    }

    /// The token the client wants revoked.
    pub fn token(&self) -> &Token {
        &self.token
    }

    /// The client's guess of the token's type, if it sent one.
    pub fn token_type_hint(&self) -> Option<&TokenTypeHint> {
        self.token_type_hint.as_ref()
    }

    /// Splits the request into its token and hint.
    pub fn into_parts(self) -> (Token, Option<TokenTypeHint>) {
        (self.token, self.token_type_hint)
    }
}

/// A checked revocation request with the client credentials it carried
/// (RFC 7009 §2.1 with RFC 6749 §2.3). The credentials are not yet verified:
/// that is the store's job.
#[derive(Debug, Clone)]
pub struct ClientRevocation {
    /// The client credentials, from exactly one method.
    pub credentials: ClientCredentials,
    /// The token and its hint.
    pub request: RevocationRequest,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_debug_hides_the_token() {
        let token = Token::new("45ghiukldjahdnhzdauz").unwrap();
        let request = RevocationRequest::new(token, None);
        assert!(!format!("{request:?}").contains("45ghiukldjahdnhzdauz"));
    }
}
