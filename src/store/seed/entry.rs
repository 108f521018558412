//! What a [`MemoryStore`](crate::MemoryStore) holds about one token.

use super::SeedError;
use crate::client::ClientId;
use crate::token::Token;

/// The kind of a stored token: the two token types RFC 7009 §2.1 revokes,
/// spelled as in the `token_type_hint` registry (RFC 7009 §4.1.2).
///
/// (Not to be confused with the RFC 6749 §7.1 access token *type*, such
/// as `Bearer`.)
///
/// # Example
/// ```
/// use tower_revoke::TokenKind;
///
/// assert_eq!(TokenKind::parse("refresh_token"), Some(TokenKind::RefreshToken));
/// assert_eq!(TokenKind::AccessToken.as_str(), "access_token");
/// assert_eq!(TokenKind::parse("id_token"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `access_token`: presented to protected resources (RFC 6749 §1.4).
    AccessToken,
    /// `refresh_token`: exchanged for new access tokens (RFC 6749 §1.5).
    /// Revoking one revokes its whole authorization grant.
    RefreshToken,
}

impl TokenKind {
    /// `"access_token"` or `"refresh_token"`, the seed document's `type`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
        }
    }

    /// The kind named `value` (exactly `"access_token"` or
    /// `"refresh_token"`, case-sensitive), if any.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "access_token" => Some(Self::AccessToken),
            "refresh_token" => Some(Self::RefreshToken),
            _ => None,
        }
    }
}

/// One token to put in a [`MemoryStore`](crate::MemoryStore) with
/// [`insert_token`](crate::MemoryStore::insert_token): the typed form of an
/// entry of a seed document's `tokens` list.
///
/// Built with [`TokenEntry::new`] and `#[must_use]` builder methods. Every
/// optional part starts unset: no grant, no subject, no labels, never
/// expires, revocable. `Debug` redacts the token.
///
/// # Example
/// ```
/// use tower_revoke::{ClientId, Token, TokenEntry, TokenKind};
///
/// let entry = TokenEntry::new(
///     Token::new("RT1").unwrap(),
///     TokenKind::RefreshToken,
///     ClientId::new("app1").unwrap(),
/// )
/// .grant_id("G1")
/// .subject("alice")
/// .label("provider", "github")
/// .expires_at(4_102_444_800); // 2100-01-01T00:00:00Z
/// assert!(!format!("{entry:?}").contains("RT1"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct TokenEntry {
    pub(in crate::store) token: Token,
    pub(in crate::store) kind: TokenKind,
    pub(in crate::store) client_id: ClientId,
    pub(in crate::store) grant_id: Option<String>,
    pub(in crate::store) subject: Option<String>,
    pub(in crate::store) labels: Vec<(String, String)>,
    pub(in crate::store) expires_at: Option<u64>,
    pub(in crate::store) revocable: bool,
}

impl TokenEntry {
    /// A revocable, never-expiring token of `kind` issued to `client_id`.
    pub fn new(token: Token, kind: TokenKind, client_id: ClientId) -> Self {
        Self {
            token,
            kind,
            client_id,
            grant_id: None,
            subject: None,
            labels: Vec::new(),
            expires_at: None,
            revocable: true,
        }
    }

    /// The authorization grant the token belongs to: revoking a refresh
    /// token revokes every token with the same grant id (RFC 7009 §2.1).
    /// Must be non-empty.
    pub fn grant_id(mut self, grant_id: impl Into<String>) -> Self {
        self.grant_id = Some(grant_id.into());
        self
    }

    /// The resource owner the token acts for (see
    /// [`ActiveAccessToken::subject`](crate::ActiveAccessToken::subject)).
    /// Must be non-empty.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// Adds the label `name` = `value` (replacing an earlier value of
    /// `name`), matched by
    /// [`revoke_subject_tokens`](crate::RevocationStore::revoke_subject_tokens).
    /// Both must be non-empty.
    pub fn label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        match self.labels.iter_mut().find(|(n, _)| *n == name) {
            Some(label) => label.1 = value,
            None => self.labels.push((name, value)),
        }
        self
    }

    /// When the token expires, in Unix seconds: from that second on it is
    /// no longer active (`expires_at <= now` means expired).
    pub fn expires_at(mut self, unix_seconds: u64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Whether the store can revoke the token (default `true`). A
    /// self-contained token, such as a JWT the resource servers verify on
    /// their own, is `false`: revoking it answers `unsupported_token_type`
    /// (RFC 7009 §2.2.1).
    pub fn revocable(mut self, revocable: bool) -> Self {
        self.revocable = revocable;
        self
    }

    /// The token's kind.
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// The client the token is issued to.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Refuses empty grant ids, subjects, label names and label values, with
    /// locations relative to the entry (`grant_id`, `labels.provider`).
    pub(in crate::store) fn check(&self) -> Result<(), SeedError> {
        let empty = |field: &str| SeedError::entry(field, super::NON_EMPTY);
        if self.grant_id.as_deref() == Some("") {
            return Err(empty("grant_id"));
        }
        if self.subject.as_deref() == Some("") {
            return Err(empty("subject"));
        }
        for (name, value) in &self.labels {
            if name.is_empty() {
                return Err(SeedError::entry("labels", "empty label name"));
            }
            if value.is_empty() {
                return Err(empty(&format!("labels.{name}")));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry() -> TokenEntry {
        TokenEntry::new(
            Token::new("AT1").unwrap(),
            TokenKind::AccessToken,
            ClientId::new("app1").unwrap(),
        )
    }

    #[test]
    fn defaults_are_revocable_and_never_expire() {
        let e = entry();
        assert!(e.revocable && e.expires_at.is_none() && e.grant_id.is_none());
        assert_eq!(e.kind(), TokenKind::AccessToken);
        assert_eq!(e.client_id().as_str(), "app1");
        assert!(e.check().is_ok());
    }

    #[test]
    fn label_replaces_an_earlier_value() {
        let e = entry()
            .label("org", "1")
            .label("env", "x")
            .label("org", "2");
        assert_eq!(
            e.labels,
            [("org".into(), "2".into()), ("env".into(), "x".into())]
        );
    }

    #[test]
    fn empty_parts_are_refused_by_location() {
        let message = |e: TokenEntry| e.check().unwrap_err().to_string();
        assert_eq!(
            message(entry().grant_id("")),
            "grant_id: expected a non-empty string"
        );
        assert_eq!(
            message(entry().subject("")),
            "subject: expected a non-empty string"
        );
        assert_eq!(message(entry().label("", "v")), "labels: empty label name");
        assert_eq!(
            message(entry().label("org", "")),
            "labels.org: expected a non-empty string"
        );
    }

    #[test]
    fn kinds_round_trip() {
        for kind in [TokenKind::AccessToken, TokenKind::RefreshToken] {
            assert_eq!(TokenKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TokenKind::parse("Access_Token"), None);
    }
}
