//! What a revocation did (RFC 7009 §2.2).

use crate::store::TokenKind;

/// What a revocation did (RFC 7009 §2.2). See
/// [`RevocationStore::revoke`](crate::RevocationStore::revoke) for the order
/// in which a store decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationOutcome {
    /// The token is now invalid, and with it, for a refresh token, every
    /// other token of its authorization grant.
    Revoked {
        /// The kind of the token as stored (whatever the hint said).
        kind: TokenKind,
        /// How many other tokens of the grant this revocation ended (0 for
        /// an access token, or a grant with no other active token).
        cascaded: u64,
    },
    /// Unknown, expired or already revoked: nothing to do. RFC 7009 §2.2
    /// answers 200 all the same.
    NotFound,
    /// The token exists but was issued to another client; nothing changed.
    IssuedToAnotherClient,
    /// The store cannot revoke this token (for example a self-contained JWT);
    /// nothing changed. Answered `unsupported_token_type` (RFC 7009 §2.2.1).
    UnsupportedTokenType,
}
