//! What a store knows of a token: its kind and, while it is active, the
//! facts an introspection response gives (RFC 7662 §2.2).

use crate::client::ClientId;
use std::sync::Arc;

/// The kind of a stored token: the two token types RFC 7009 §2.1 revokes,
/// spelled as in the `token_type_hint` registry (RFC 7009 §4.1.2).
///
/// (Not the RFC 6749 §7.1 access token *type*, such as `Bearer`.)
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
    /// `"access_token"` or `"refresh_token"`.
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

/// What the store knows of an active token: the RFC 7662 §2.2 members of an
/// introspection response, less `active` itself (always `true` here) and
/// `token_type` (derived from [`kind`](Self::kind)).
///
/// `iss`, `aud` and `jti` are known for JWT access tokens (RFC 9068 §2.2);
/// stores of opaque tokens leave them unset.
///
/// Cheap to clone: the strings are reference-counted, so a store can hand
/// out the same facts for every request without allocating.
///
/// # Example
/// ```
/// use tower_revoke::{ActiveToken, TokenKind};
/// use tower_revoke::client::ClientId;
///
/// let token = ActiveToken::new(ClientId::new("app1").unwrap(), TokenKind::AccessToken)
///     .with_sub("alice")
///     .with_exp(4_102_444_800)
///     .with_scope("read write");
/// assert_eq!(token.sub(), Some("alice"));
/// assert_eq!(token.client_id().as_str(), "app1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveToken {
    client_id: ClientId,
    kind: TokenKind,
    sub: Option<Arc<str>>,
    exp: Option<u64>,
    iat: Option<u64>,
    scope: Option<Arc<str>>,
    iss: Option<Arc<str>>,
    aud: Option<Arc<[Box<str>]>>,
    jti: Option<Arc<str>>,
}

impl ActiveToken {
    /// An active token of `kind` issued to `client_id`, with no other facts.
    pub fn new(client_id: ClientId, kind: TokenKind) -> Self {
        Self {
            client_id,
            kind,
            sub: None,
            exp: None,
            iat: None,
            scope: None,
            iss: None,
            aud: None,
            jti: None,
        }
    }

    /// Sets `sub`, the resource owner (user) the token acts for.
    #[must_use]
    pub fn with_sub(mut self, sub: impl Into<Arc<str>>) -> Self {
        self.sub = Some(sub.into());
        self
    }

    /// Sets `exp`, when the token expires, in Unix seconds.
    #[must_use]
    pub fn with_exp(mut self, unix_seconds: u64) -> Self {
        self.exp = Some(unix_seconds);
        self
    }

    /// Sets `iat`, when the token was issued, in Unix seconds.
    #[must_use]
    pub fn with_iat(mut self, unix_seconds: u64) -> Self {
        self.iat = Some(unix_seconds);
        self
    }

    /// Sets `scope`: space-separated scopes (RFC 6749 §3.3).
    #[must_use]
    pub fn with_scope(mut self, scope: impl Into<Arc<str>>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// Sets `iss`, the issuer of the token (RFC 7519 §4.1.1).
    #[must_use]
    pub fn with_iss(mut self, iss: impl Into<Arc<str>>) -> Self {
        self.iss = Some(iss.into());
        self
    }

    /// Sets `aud`, the audiences the token is meant for (RFC 7519 §4.1.3);
    /// an empty list unsets it.
    #[must_use]
    pub fn with_aud<A: Into<Box<str>>>(mut self, aud: impl IntoIterator<Item = A>) -> Self {
        let aud: Arc<[Box<str>]> = aud.into_iter().map(Into::into).collect();
        self.aud = (!aud.is_empty()).then_some(aud);
        self
    }

    /// Sets `jti`, the token's unique identifier at its issuer (RFC 7519
    /// §4.1.7).
    #[must_use]
    pub fn with_jti(mut self, jti: impl Into<Arc<str>>) -> Self {
        self.jti = Some(jti.into());
        self
    }

    /// `client_id`: the client the token was issued to.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Access or refresh token (`token_type_hint` vocabulary).
    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    /// `sub`: the resource owner the token acts for, if any.
    pub fn sub(&self) -> Option<&str> {
        self.sub.as_deref()
    }

    /// `exp`: when the token expires, in Unix seconds, if it does.
    pub fn exp(&self) -> Option<u64> {
        self.exp
    }

    /// `iat`: when the token was issued, in Unix seconds, if known.
    pub fn iat(&self) -> Option<u64> {
        self.iat
    }

    /// `scope`: space-separated scopes, if known.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `iss`: the issuer, if known (JWT access tokens).
    pub fn iss(&self) -> Option<&str> {
        self.iss.as_deref()
    }

    /// `aud`: the audiences, if known (JWT access tokens); never empty.
    pub fn aud(&self) -> Option<&[Box<str>]> {
        self.aud.as_deref()
    }

    /// `jti`: the issuer's identifier of the token, if known (JWT access
    /// tokens).
    pub fn jti(&self) -> Option<&str> {
        self.jti.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in [TokenKind::AccessToken, TokenKind::RefreshToken] {
            assert_eq!(TokenKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(TokenKind::parse("Access_Token"), None);
    }

    #[test]
    fn jwt_members_are_optional_and_an_empty_audience_is_none() {
        let token = ActiveToken::new(ClientId::new("app1").unwrap(), TokenKind::AccessToken);
        assert_eq!((token.iss(), token.aud(), token.jti()), (None, None, None));
        let token = token
            .with_iss("https://as.example")
            .with_aud(["api", "other"])
            .with_jti("j1");
        assert_eq!(token.iss(), Some("https://as.example"));
        assert_eq!(token.aud().map(<[_]>::len), Some(2));
        assert_eq!(token.jti(), Some("j1"));
        assert_eq!(token.with_aud(Vec::<String>::new()).aud(), None);
    }
}
