//! The claims of a verified JWT access token (RFC 9068 §2.2), as read from
//! its payload and as the stores and endpoints use them.

use crate::client::ClientId;
use crate::store::{ActiveToken, JwtRecord, TokenKind};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use std::fmt;

/// A JWT access token whose signature, type, issuer, audience and validity
/// period were checked by a [`JwtVerifier`](super::JwtVerifier): its
/// claims (RFC 9068 §2.2). Holds no signature: it cannot be replayed as
/// the token.
#[derive(Clone, PartialEq, Eq)]
pub struct VerifiedJwt {
    pub(super) issuer: String,
    pub(super) subject: String,
    pub(super) client_id: ClientId,
    pub(super) jti: String,
    pub(super) issued_at: u64,
    pub(super) expires_at: u64,
    pub(super) scope: Option<String>,
    pub(super) audience: Vec<String>,
    /// `status` (draft-ietf-oauth-status-list §6.2), as the token has it.
    #[cfg(feature = "status-list")]
    pub(super) status: Option<serde_json::Value>,
}

impl VerifiedJwt {
    /// `iss`: the issuer.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// `sub`: the resource owner (or the client itself, for a client
    /// credentials grant, RFC 9068 §2.2).
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// `client_id`: the client the token was issued to.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// `jti`: the issuer's identifier of the token.
    pub fn jti(&self) -> &str {
        &self.jti
    }

    /// `iat`, in Unix seconds.
    pub fn issued_at(&self) -> u64 {
        self.issued_at
    }

    /// `exp`, in Unix seconds.
    pub fn expires_at(&self) -> u64 {
        self.expires_at
    }

    /// `scope`, space-separated, if any.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// `aud`: the audiences (empty when the token names none).
    pub fn audience(&self) -> &[String] {
        &self.audience
    }

    /// `status` (draft-ietf-oauth-status-list §6.2), the token's reference
    /// to a status mechanism, as the token has it; `None` when it has none
    /// (or `null`). The [`JwtVerifier`](super::JwtVerifier) checks nothing
    /// in it: see [`status_reference`](Self::status_reference) and
    /// [`StatusCheckedStore`](crate::status_list::StatusCheckedStore).
    #[cfg(feature = "status-list")]
    #[cfg_attr(docsrs, doc(cfg(feature = "status-list")))]
    pub fn status(&self) -> Option<&serde_json::Value> {
        self.status.as_ref()
    }

    /// The `status_list` member of the `status` claim (§6.2): the index of
    /// the token in the Status List Token at `uri`. `None` without a
    /// `status` claim, or when it has no well-formed `status_list` member
    /// (a non-negative integer `idx` and a string `uri`).
    #[cfg(feature = "status-list")]
    #[cfg_attr(docsrs, doc(cfg(feature = "status-list")))]
    pub fn status_reference(&self) -> Option<crate::status_list::StatusReference> {
        crate::status_list::StatusReference::from_claim(self.status.as_ref()?)
    }

    /// What a [`JwtDenyList`](crate::JwtDenyList) needs to know of it.
    pub fn record(&self) -> JwtRecord<'_> {
        JwtRecord {
            issuer: &self.issuer,
            jti: &self.jti,
            subject: &self.subject,
            issued_at: self.issued_at,
        }
    }

    /// Its facts as an active access token, for the Bearer guard and
    /// introspection (RFC 7662 §2.2).
    pub fn to_active_token(&self) -> ActiveToken {
        let mut token = ActiveToken::new(self.client_id.clone(), TokenKind::AccessToken)
            .with_sub(self.subject.as_str())
            .with_exp(self.expires_at)
            .with_iat(self.issued_at)
            .with_iss(self.issuer.as_str())
            .with_jti(self.jti.as_str())
            .with_aud(self.audience.iter().map(String::as_str));
        if let Some(scope) = &self.scope {
            token = token.with_scope(scope.as_str());
        }
        token
    }

    /// `facts`, a store's answer for this token as it recorded it, with
    /// what only the token states: `iss`, `aud` and `jti`, and `iat` and
    /// `scope` where the store has none. Where both speak, the store's
    /// facts stand (see [`JwtStore::recorded`](super::JwtStore::recorded)).
    pub(super) fn merged_into(&self, facts: ActiveToken) -> ActiveToken {
        let mut token = facts
            .with_iss(self.issuer.as_str())
            .with_jti(self.jti.as_str())
            .with_aud(self.audience.iter().map(String::as_str));
        if token.iat().is_none() {
            token = token.with_iat(self.issued_at);
        }
        let scope = self.scope.as_deref().filter(|_| token.scope().is_none());
        if let Some(scope) = scope {
            token = token.with_scope(scope);
        }
        token
    }
}

/// Shows the claims, none of which is a secret.
impl fmt::Debug for VerifiedJwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifiedJwt")
            .field("iss", &self.issuer)
            .field("sub", &self.subject)
            .field("client_id", &self.client_id.as_str())
            .field("jti", &self.jti)
            .field("iat", &self.issued_at)
            .field("exp", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// The payload as RFC 9068 §2.2 requires it: `iss`, `exp`, `sub`,
/// `client_id`, `iat` and `jti` present; `aud` a string or an array of
/// strings; `scope` a string.
#[derive(Deserialize)]
pub(super) struct Claims {
    iss: String,
    sub: String,
    client_id: String,
    jti: String,
    #[serde(deserialize_with = "numeric_date")]
    iat: u64,
    #[serde(deserialize_with = "numeric_date")]
    exp: u64,
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    aud: Option<Audience>,
    #[cfg(feature = "status-list")]
    #[serde(default)]
    status: Option<serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Claims {
    /// The verified token, or `None` when a claim cannot identify it: an
    /// empty `jti` or `sub`, a `client_id` that is not a client id.
    pub(super) fn into_verified(self) -> Option<VerifiedJwt> {
        let client_id = ClientId::new(&self.client_id).ok()?;
        if self.jti.is_empty() || self.sub.is_empty() {
            return None;
        }
        let audience = match self.aud {
            None => Vec::new(),
            Some(Audience::One(aud)) => vec![aud],
            Some(Audience::Many(aud)) => aud,
        };
        Some(VerifiedJwt {
            issuer: self.iss,
            subject: self.sub,
            client_id,
            jti: self.jti,
            issued_at: self.iat,
            expires_at: self.exp,
            scope: self.scope,
            audience,
            #[cfg(feature = "status-list")]
            status: self.status,
        })
    }
}

/// A NumericDate (RFC 7519 §2): seconds, possibly with a fraction, which
/// is dropped; never negative.
fn numeric_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let seconds = f64::deserialize(deserializer)?;
    if seconds.is_finite() && seconds >= 0.0 && seconds < u64::MAX as f64 {
        Ok(seconds as u64)
    } else {
        Err(de::Error::custom(
            "a NumericDate must be a non-negative number",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Option<VerifiedJwt> {
        serde_json::from_str::<Claims>(json).ok()?.into_verified()
    }

    const FULL: &str = r#"{"iss":"https://as","sub":"alice","client_id":"app1","jti":"j1",
        "iat":100,"exp":200.5,"aud":["a","b"],"scope":"read"}"#;

    #[test]
    fn rfc9068_claims_are_read() {
        let jwt = claims(FULL).unwrap();
        assert_eq!((jwt.issued_at(), jwt.expires_at()), (100, 200));
        assert_eq!(jwt.audience(), ["a", "b"]);
        let active = jwt.to_active_token();
        assert_eq!(active.jti(), Some("j1"));
        assert_eq!(active.scope(), Some("read"));
        assert_eq!(active.kind(), TokenKind::AccessToken);
    }

    #[cfg(feature = "status-list")]
    #[test]
    fn the_status_claim_is_kept() {
        use crate::status_list::StatusReference;
        assert_eq!(claims(FULL).unwrap().status(), None);
        let status = r#","status":{"status_list":{"idx":7,"uri":"https://as/sl/1"}}}"#;
        let jwt = claims(&FULL.replace('}', status)).unwrap();
        let reference = StatusReference {
            idx: 7,
            uri: "https://as/sl/1".into(),
        };
        assert_eq!(jwt.status(), Some(&reference.to_claim()));
        assert_eq!(jwt.status_reference(), Some(reference));
        let other = claims(&FULL.replace('}', r#","status":{"other":1}}"#)).unwrap();
        assert!(other.status().is_some());
        assert_eq!(other.status_reference(), None);
    }

    #[test]
    fn required_claims_must_be_present_and_usable() {
        for missing in ["jti", "client_id", "iat", "sub"] {
            let json = FULL.replace(&format!("\"{missing}\""), "\"other\"");
            assert!(claims(&json).is_none(), "{missing}");
        }
        assert!(claims(&FULL.replace(r#""jti":"j1""#, r#""jti":"""#)).is_none());
        assert!(claims(&FULL.replace(r#""iat":100"#, r#""iat":-1"#)).is_none());
        assert!(claims(&FULL.replace(r#""aud":["a","b"]"#, r#""aud":7"#)).is_none());
    }
}
