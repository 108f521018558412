//! The values the stores write and read: a token entry as columns, label
//! sets as JSON, times as `BIGINT` Unix seconds, and the facts of a stored
//! token turned back into tower-revoke's types.

use crate::error::corrupt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_revoke::client::ClientId;
use tower_revoke::store::{ClientEntry, SecretDigest, TokenDigest, TokenEntry};
use tower_revoke::{ActiveToken, StoreError, TokenKind};

/// One token as the columns of `tower_revoke_tokens`.
#[derive(Clone)]
pub(crate) struct TokenRow {
    /// SHA-256 of the token: the only trace of the token itself.
    pub(crate) digest: Vec<u8>,
    pub(crate) kind: &'static str,
    pub(crate) client_id: String,
    pub(crate) grant_id: Option<String>,
    pub(crate) subject: Option<String>,
    /// Scope-tokens separated by single spaces (RFC 6749 §3.3).
    pub(crate) scope: Option<String>,
    /// A JSON object of strings (`{}` without labels).
    pub(crate) labels: String,
    pub(crate) expires_at: Option<i64>,
    pub(crate) revocable: bool,
}

impl TokenRow {
    pub(crate) fn of(entry: &TokenEntry) -> Self {
        let labels = entry.labels.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        Self {
            digest: TokenDigest::of(&entry.token).as_bytes().to_vec(),
            kind: entry.kind.as_str(),
            client_id: entry.client_id.as_str().to_owned(),
            grant_id: entry.grant_id.clone(),
            subject: entry.subject.clone(),
            scope: entry.scope.clone(),
            labels: json_object(labels),
            expires_at: entry.expires_at.map(unix),
            revocable: entry.revocable,
        }
    }
}

/// The `secret_digest` column of a client: `NULL` for a public client.
pub(crate) fn secret_column(client: &ClientEntry) -> Option<Vec<u8>> {
    let secret = client.client_secret.as_ref()?;
    Some(SecretDigest::of(secret).as_bytes().to_vec())
}

/// The labels a bulk revocation asks for, as a JSON object; `None` when
/// they give one name two values, which no token can carry.
pub(crate) fn wanted_labels(labels: &[(&str, &str)]) -> Option<String> {
    for (i, &(name, value)) in labels.iter().enumerate() {
        if labels[..i].iter().any(|&(n, v)| n == name && v != value) {
            return None;
        }
    }
    Some(json_object(labels.iter().copied()))
}

fn json_object<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let object: serde_json::Map<String, serde_json::Value> =
        pairs.map(|(n, v)| (n.to_owned(), v.into())).collect();
    serde_json::Value::Object(object).to_string()
}

/// Unix seconds as stored: `BIGINT`, so times from `i64::MAX` on (the
/// year 292 billion) are stored as `i64::MAX`, which introspection reports
/// as no expiry (as `MemoryStore` does for `u64::MAX`).
pub(crate) fn unix(seconds: u64) -> i64 {
    i64::try_from(seconds).unwrap_or(i64::MAX)
}

/// The current time in Unix seconds, from this process's clock (as
/// `MemoryStore` and the token issuer use).
pub(crate) fn now() -> i64 {
    unix(since_epoch().as_secs())
}

/// The time since the Unix epoch by this process's clock (zero if the
/// clock is before 1970).
pub(crate) fn since_epoch() -> Duration {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.unwrap_or_default()
}

pub(crate) fn kind(text: &str) -> Result<TokenKind, StoreError> {
    TokenKind::parse(text).ok_or_else(|| corrupt("token kind"))
}

/// A stored secret digest, checked for length.
pub(crate) fn secret_digest(bytes: &[u8]) -> Result<SecretDigest, StoreError> {
    let bytes = <[u8; 32]>::try_from(bytes).map_err(|_| corrupt("secret digest length"))?;
    Ok(SecretDigest::from_bytes(bytes))
}

/// The columns of an active token that introspection reads: client id,
/// kind, subject, scope, expiry.
pub(crate) type ActiveRow = (String, String, Option<String>, Option<String>, Option<i64>);

/// The facts of an active token, from its row (RFC 7662 §2.2).
pub(crate) fn active_token(
    (client_id, kind_text, subject, scope, expires_at): ActiveRow,
) -> Result<ActiveToken, StoreError> {
    let client_id = ClientId::new(&client_id).map_err(|_| corrupt("client id"))?;
    let mut token = ActiveToken::new(client_id, kind(&kind_text)?);
    if let Some(subject) = subject {
        token = token.with_sub(subject);
    }
    if let Some(scope) = scope {
        token = token.with_scope(scope);
    }
    // i64::MAX holds every expiry past it, as MemoryStore's u64::MAX: never.
    if let Some(exp) = expires_at.filter(|&exp| exp != i64::MAX) {
        token = token.with_exp(u64::try_from(exp).map_err(|_| corrupt("expires_at"))?);
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_revoke::request::Token;

    #[test]
    fn rows_keep_digests_not_tokens() {
        let entry = TokenEntry::new(
            Token::new("AT-raw").unwrap(),
            TokenKind::AccessToken,
            ClientId::new("app1").unwrap(),
        )
        .with_label("org", "42")
        .with_expires_at(u64::MAX);
        let row = TokenRow::of(&entry);
        assert_eq!(row.digest.len(), 32);
        assert!(!String::from_utf8_lossy(&row.digest).contains("AT-raw"));
        assert_eq!(row.labels, r#"{"org":"42"}"#);
        assert_eq!(row.expires_at, Some(i64::MAX));
    }

    fn row(kind: &str, scope: Option<&str>, expires_at: Option<i64>) -> ActiveRow {
        let scope = scope.map(str::to_owned);
        ("app1".into(), kind.into(), None, scope, expires_at)
    }

    #[test]
    fn the_largest_expiry_means_never() {
        let never = active_token(row("access_token", None, Some(i64::MAX))).unwrap();
        assert_eq!(never.exp(), None);
        let soon = active_token(row("refresh_token", None, Some(4_102_444_800))).unwrap();
        assert_eq!(soon.exp(), Some(4_102_444_800));
        assert!(active_token(row("id_token", None, None)).is_err());
    }

    #[test]
    fn the_scope_is_reported_as_stored() {
        let scoped = active_token(row("access_token", Some("read write"), None)).unwrap();
        assert_eq!(scoped.scope(), Some("read write"));
        let unscoped = active_token(row("access_token", None, None)).unwrap();
        assert_eq!(unscoped.scope(), None);
    }

    #[test]
    fn conflicting_wanted_labels_match_nothing() {
        assert_eq!(wanted_labels(&[]).as_deref(), Some("{}"));
        assert_eq!(
            wanted_labels(&[("a", "1"), ("a", "1")]).as_deref(),
            Some(r#"{"a":"1"}"#)
        );
        assert_eq!(wanted_labels(&[("a", "1"), ("a", "2")]), None);
    }
}
