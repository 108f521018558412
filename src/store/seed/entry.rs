//! The entries of a seed: one client, one token, as any store takes them.

use crate::client::{ClientId, ClientSecret};
use crate::request::Token;
use crate::store::{ClientKeys, TokenKind};

/// One client to put in a store: the typed form of an entry of a seed
/// document's `clients` list. `Debug` redacts the secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ClientEntry {
    /// The client's id.
    pub client_id: ClientId,
    /// Its secret; `None` for a public client (method `none`).
    pub client_secret: Option<ClientSecret>,
    /// The origins a browser app of this client may call the revocation
    /// endpoint from (serialized origins, `https://spa.example`), for
    /// [`CorsPolicy::from_seed`](crate::cors::CorsPolicy::from_seed).
    pub allowed_origins: Vec<String>,
    /// The public keys it signs `private_key_jwt` client assertions with
    /// (RFC 7523 §2.2; RFC 7591 §2 `jwks` or `jwks_uri`). A client with
    /// keys and no secret is confidential all the same: it authenticates
    /// with an assertion only, never with `none`.
    pub keys: Option<ClientKeys>,
}

impl ClientEntry {
    /// A client: confidential with `client_secret`, public without (unless
    /// it has [`keys`](Self::with_keys)).
    pub fn new(client_id: ClientId, client_secret: Option<ClientSecret>) -> Self {
        Self {
            client_id,
            client_secret,
            allowed_origins: Vec::new(),
            keys: None,
        }
    }

    /// The client with `keys` to verify its client assertions with.
    #[must_use]
    pub fn with_keys(mut self, keys: ClientKeys) -> Self {
        self.keys = Some(keys);
        self
    }

    /// Whether the client is public (RFC 6749 §2.1): no secret and no keys.
    pub fn is_public(&self) -> bool {
        self.client_secret.is_none() && self.keys.is_none()
    }
}

/// One token to put in a store: what
/// [`IssuanceStore::record_token`](crate::IssuanceStore::record_token)
/// records, and the typed form of an entry of a seed document's `tokens`
/// list.
///
/// Built with [`TokenEntry::new`] and `#[must_use]` builder methods. Every
/// optional part starts unset: no grant, no subject, no labels, never
/// expires, revocable. `Debug` redacts the token.
///
/// # Example
/// ```
/// use tower_revoke::TokenKind;
/// use tower_revoke::client::ClientId;
/// use tower_revoke::request::Token;
/// use tower_revoke::store::TokenEntry;
///
/// let entry = TokenEntry::new(
///     Token::new("RT1").unwrap(),
///     TokenKind::RefreshToken,
///     ClientId::new("app1").unwrap(),
/// )
/// .with_grant_id("G1")
/// .with_subject("alice")
/// .with_scope("read write")
/// .with_label("provider", "github")
/// .with_expires_at(4_102_444_800); // 2100-01-01T00:00:00Z
/// assert!(!format!("{entry:?}").contains("RT1"));
/// ```
#[derive(Debug, Clone)]
#[must_use]
#[non_exhaustive]
pub struct TokenEntry {
    /// The token itself: stores keep its [`TokenDigest`](crate::store::TokenDigest), never the token.
    pub token: Token,
    /// Access or refresh token.
    pub kind: TokenKind,
    /// The client it was issued to.
    pub client_id: ClientId,
    /// The authorization grant it belongs to (see [`grant_id`](Self::grant_id)).
    pub grant_id: Option<String>,
    /// The resource owner it acts for.
    pub subject: Option<String>,
    /// The scope granted to it (see [`with_scope`](Self::with_scope)).
    pub scope: Option<String>,
    /// Labels, as (name, value) pairs with unique names.
    pub labels: Vec<(String, String)>,
    /// When it expires, in Unix seconds; `None` for never.
    pub expires_at: Option<u64>,
    /// Whether the store can revoke it (see [`revocable`](Self::revocable)).
    pub revocable: bool,
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
            scope: None,
            labels: Vec::new(),
            expires_at: None,
            revocable: true,
        }
    }

    /// The authorization grant the token belongs to: revoking a refresh
    /// token revokes every token with the same grant id (RFC 7009 §2.1).
    /// Must be non-empty.
    pub fn with_grant_id(mut self, grant_id: impl Into<String>) -> Self {
        self.grant_id = Some(grant_id.into());
        self
    }

    /// The resource owner the token acts for (see
    /// [`ActiveToken::sub`](crate::ActiveToken::sub)).
    /// Must be non-empty.
    pub fn with_subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The scope of the access request the token was issued for, as the
    /// token endpoint granted it: scope-tokens separated by single spaces
    /// (RFC 6749 §3.3), such as `"read write"`; introspection reports it as
    /// [`ActiveToken::scope`](crate::ActiveToken::scope) (RFC 7662 §2.2).
    /// Must be of that syntax: no empty scope, no leading, trailing or
    /// double space, each scope-token printable ASCII but `"` and `\`.
    pub fn with_scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Adds the label `name` = `value` (replacing an earlier value of
    /// `name`), matched by
    /// [`revoke_subject_tokens`](crate::SubjectRevocationStore::revoke_subject_tokens).
    /// Both must be non-empty.
    pub fn with_label(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        match self.labels.iter_mut().find(|(n, _)| *n == name) {
            Some(label) => label.1 = value,
            None => self.labels.push((name, value)),
        }
        self
    }

    /// When the token expires, in Unix seconds: from that second on it is
    /// no longer active (`expires_at <= now` means expired).
    pub fn with_expires_at(mut self, unix_seconds: u64) -> Self {
        self.expires_at = Some(unix_seconds);
        self
    }

    /// Whether the store can revoke the token (default `true`). A
    /// self-contained token, such as a JWT the resource servers verify on
    /// their own, is `false`: revoking it answers `unsupported_token_type`
    /// (RFC 7009 §2.2.1).
    pub fn with_revocable(mut self, revocable: bool) -> Self {
        self.revocable = revocable;
        self
    }

    /// Whether the entry may be recorded: no empty grant id, subject, label
    /// name or label value, and a scope of RFC 6749 §3.3 syntax (see
    /// [`with_scope`](Self::with_scope)). What a seed refuses, and what
    /// [`IssuanceStore::record_token`](crate::IssuanceStore::record_token)
    /// answers [`Recording::Invalid`](crate::store::Recording::Invalid)
    /// for; a store implementation calls it rather than repeat the rule.
    pub fn is_well_formed(&self) -> bool {
        self.check().is_ok()
    }

    /// Refuses empty grant ids, subjects, label names and label values, and
    /// scopes that are not RFC 6749 §3.3 syntax, as (field, problem)
    /// relative to the entry (`grant_id`, `scope`, `labels.provider`).
    pub(crate) fn check(&self) -> Result<(), (String, &'static str)> {
        let empty = |field: &str| (field.to_owned(), "expected a non-empty string");
        if self.grant_id.as_deref() == Some("") {
            return Err(empty("grant_id"));
        }
        if self.subject.as_deref() == Some("") {
            return Err(empty("subject"));
        }
        if self.scope.as_deref().is_some_and(|scope| !is_scope(scope)) {
            return Err(("scope".to_owned(), SCOPE));
        }
        for (name, value) in &self.labels {
            if name.is_empty() {
                return Err(("labels".to_owned(), "empty label name"));
            }
            if value.is_empty() {
                return Err(empty(&format!("labels.{name}")));
            }
        }
        Ok(())
    }
}

/// What a malformed scope is refused with.
pub(super) const SCOPE: &str = "expected scope-tokens separated by single spaces (RFC 6749 §3.3)";

/// Whether `scope` is RFC 6749 §3.3 syntax: `scope-token *( SP
/// scope-token )`, where a scope-token is one or more of `%x21 / %x23-5B /
/// %x5D-7E` (printable ASCII but space, `"` and `\`).
fn is_scope(scope: &str) -> bool {
    scope.split(' ').all(|token| {
        !token.is_empty()
            && token
                .bytes()
                .all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E))
    })
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
    fn malformed_entries_are_refused() {
        assert!(entry()
            .with_grant_id("G")
            .with_label("a", "b")
            .is_well_formed());
        assert!(!entry().with_grant_id("").is_well_formed());
        assert!(!entry().with_subject("").is_well_formed());
        assert!(!entry().with_label("", "b").is_well_formed());
        assert!(!entry().with_label("a", "").is_well_formed());
    }

    #[test]
    fn scopes_must_be_rfc_6749_syntax() {
        for scope in ["read", "read write", "a:b/c~!#$[]{}", "x"] {
            assert!(entry().with_scope(scope).is_well_formed(), "{scope:?}");
        }
        for scope in [
            "",
            " ",
            " read",
            "read ",
            "read  write",
            "read\twrite",
            "say\"hi\"",
            "back\\slash",
            "caf\u{e9}",
        ] {
            assert!(!entry().with_scope(scope).is_well_formed(), "{scope:?}");
        }
    }

    #[test]
    fn defaults_are_revocable_and_never_expire() {
        let e = entry();
        assert!(e.revocable && e.expires_at.is_none() && e.grant_id.is_none());
        assert!(e.check().is_ok());
    }

    #[test]
    fn label_replaces_an_earlier_value() {
        let e = entry()
            .with_label("org", "1")
            .with_label("env", "x")
            .with_label("org", "2");
        assert_eq!(
            e.labels,
            [("org".into(), "2".into()), ("env".into(), "x".into())]
        );
    }

    #[test]
    fn empty_parts_are_refused_by_location() {
        let message = |e: TokenEntry| {
            let (at, problem) = e.check().unwrap_err();
            format!("{at}: {problem}")
        };
        assert_eq!(
            message(entry().with_grant_id("")),
            "grant_id: expected a non-empty string"
        );
        assert_eq!(
            message(entry().with_subject("")),
            "subject: expected a non-empty string"
        );
        assert_eq!(
            message(entry().with_scope("read  write")),
            format!("scope: {SCOPE}")
        );
        assert_eq!(
            message(entry().with_label("", "v")),
            "labels: empty label name"
        );
        assert_eq!(
            message(entry().with_label("org", "")),
            "labels.org: expected a non-empty string"
        );
    }
}
