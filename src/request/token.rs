//! The token a request presents, and its type hint (RFC 7009 §2.1).

use std::fmt;

/// A token presented for revocation or as a Bearer credential.
///
/// Opaque, non-empty UTF-8. `Debug` prints `Token(<redacted>)`; there is no
/// `Display` and no `PartialEq`, so a token cannot slip into a log line or a
/// timing-dependent comparison by accident.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// Wraps a token value. Returns `None` for an empty string: an empty
    /// parameter counts as absent (RFC 6749 §3.2).
    pub fn new(value: impl Into<String>) -> Option<Self> {
        let value = value.into();
        (!value.is_empty()).then_some(Self(value))
    }

    /// A new opaque token for the app's token endpoint to issue: 256 bits
    /// from the operating system's CSPRNG (`getrandom`), as 43 characters of
    /// unpadded base64url (RFC 4648 §5), so it fits a URL, a form and a
    /// Bearer header unescaped (RFC 6750 §2.1 `b64token`). RFC 6749 §10.10
    /// asks that a token be infeasible to guess; 2^256 values are.
    ///
    /// # Panics
    /// If the operating system has no random source to give (`getrandom`
    /// fails), rather than issue a guessable token.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::request::Token;
    ///
    /// let token = Token::generate();
    /// assert_eq!(token.secret().len(), 43);
    /// assert!(token.secret().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    /// assert_ne!(token.secret(), Token::generate().secret());
    /// ```
    pub fn generate() -> Self {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).expect("the operating system's random source failed");
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// The token value.
    ///
    /// # Security
    /// This is the credential itself: do not log it, put it in an error
    /// message or compare it with `==` where timing matters.
    pub fn secret(&self) -> &str {
        &self.0
    }

    /// Consumes the wrapper and returns the token value (see [`Token::secret`]).
    pub fn into_secret(self) -> String {
        self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// The `token_type_hint` parameter (RFC 7009 §2.1, values from the IANA
/// "OAuth Token Type Hints" registry, RFC 7009 §4.1.2).
///
/// The hint is advice only: a server looks the token up across all types
/// whatever the hint says, and an unknown value is kept as [`Other`] and never
/// causes an error (RFC 7009 §2.2).
///
/// # Example
/// ```
/// use tower_revoke::request::TokenTypeHint;
///
/// assert_eq!(TokenTypeHint::parse("refresh_token"), TokenTypeHint::RefreshToken);
/// assert_eq!(
///     TokenTypeHint::parse("urn:ietf:params:oauth:token-type:access_token"),
///     TokenTypeHint::AccessToken,
/// );
/// assert_eq!(TokenTypeHint::parse("id_token").as_str(), "id_token");
/// ```
///
/// [`Other`]: TokenTypeHint::Other
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TokenTypeHint {
    /// `access_token`, or the RFC 8693 §3 URN
    /// `urn:ietf:params:oauth:token-type:access_token`.
    AccessToken,
    /// `refresh_token`, or the RFC 8693 §3 URN
    /// `urn:ietf:params:oauth:token-type:refresh_token`.
    RefreshToken,
    /// Any other value, kept verbatim.
    Other(String),
}

impl TokenTypeHint {
    /// Classifies a hint value. Values are case-sensitive (RFC 7009 §4.1.2).
    pub fn parse(value: &str) -> Self {
        match value {
            "access_token" | "urn:ietf:params:oauth:token-type:access_token" => Self::AccessToken,
            "refresh_token" | "urn:ietf:params:oauth:token-type:refresh_token" => {
                Self::RefreshToken
            }
            other => Self::Other(other.to_owned()),
        }
    }

    /// The registered name (`access_token`, `refresh_token`) or the value
    /// as received.
    pub fn as_str(&self) -> &str {
        match self {
            Self::AccessToken => "access_token",
            Self::RefreshToken => "refresh_token",
            Self::Other(value) => value,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let token = Token::new("45ghiukldjahdnhzdauz").unwrap();
        assert_eq!(format!("{token:?}"), "Token(<redacted>)");
    }

    #[test]
    fn empty_token_is_absent() {
        assert!(Token::new("").is_none());
    }

    #[test]
    fn hints_accept_rfc8693_urns_and_keep_unknown_values() {
        assert_eq!(
            TokenTypeHint::parse("access_token"),
            TokenTypeHint::AccessToken
        );
        assert_eq!(
            TokenTypeHint::parse("urn:ietf:params:oauth:token-type:refresh_token"),
            TokenTypeHint::RefreshToken
        );
        assert_eq!(
            TokenTypeHint::parse("Access_Token"),
            TokenTypeHint::Other("Access_Token".into())
        );
    }
}
