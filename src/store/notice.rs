//! Revocation notices: how a store tells the caches of every instance which
//! tokens a revocation ended, over its own channel (PostgreSQL
//! `LISTEN`/`NOTIFY`, Redis pub/sub).

use super::TokenDigest;
use std::fmt;

/// What receives a store's revocation notices: a cache of introspection
/// answers, which forgets what it knew of the tokens named.
pub trait Invalidate: Send + Sync + 'static {
    /// These tokens were revoked, themselves or with their grant: forget
    /// what is known of them.
    fn invalidate(&self, digests: &[TokenDigest]);

    /// Notices may have been lost (the channel was down, or reconnected):
    /// forget everything, so that staleness stays bounded.
    fn invalidate_all(&self);
}

/// The digests of the tokens one revocation ended, as one channel message:
/// lowercase hex digests separated by single spaces. Never a token.
///
/// # Example
/// ```
/// use tower_revoke::request::Token;
/// use tower_revoke::store::{RevocationNotice, TokenDigest};
///
/// let digest = TokenDigest::of(&Token::new("AT1").unwrap());
/// let payload = RevocationNotice::new(vec![digest]).to_payload();
/// assert_eq!(RevocationNotice::parse(&payload).unwrap().digests(), &[digest]);
/// assert!(RevocationNotice::parse("not hex").is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationNotice(Vec<TokenDigest>);

impl RevocationNotice {
    /// PostgreSQL's `NOTIFY` payload limit is 8000 bytes: this many digests
    /// (65 bytes each with the separator) fit in one message.
    pub const MAX_DIGESTS_PER_MESSAGE: usize = 120;

    /// A notice naming these tokens.
    pub fn new(digests: Vec<TokenDigest>) -> Self {
        Self(digests)
    }

    /// The tokens named.
    pub fn digests(&self) -> &[TokenDigest] {
        &self.0
    }

    /// The message text.
    pub fn to_payload(&self) -> String {
        let digests: Vec<String> = self.0.iter().map(TokenDigest::to_hex).collect();
        digests.join(" ")
    }

    /// Messages of at most [`MAX_DIGESTS_PER_MESSAGE`](Self::MAX_DIGESTS_PER_MESSAGE)
    /// digests each, for a grant cascade that ended many tokens.
    pub fn to_payloads(&self) -> Vec<String> {
        let chunks = self.0.chunks(Self::MAX_DIGESTS_PER_MESSAGE);
        chunks
            .map(|chunk| Self(chunk.to_vec()).to_payload())
            .collect()
    }

    /// Reads a message; `None` unless it is digests separated by spaces.
    pub fn parse(payload: &str) -> Option<Self> {
        let digests = payload.split(' ').map(TokenDigest::from_hex);
        digests.collect::<Option<Vec<_>>>().map(Self)
    }
}

impl fmt::Display for RevocationNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} revoked token digest(s)", self.0.len())
    }
}
