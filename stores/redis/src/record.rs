//! What the store's values hold: a token's hash (its fields, and whether
//! they make it active), a client's value, the clock, and when a token's
//! keys expire.

use crate::error::unexpected;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_revoke::client::ClientId;
use tower_revoke::store::StatusSlot;
use tower_revoke::{ActiveToken, StoreError, TokenKind};

/// The fields of a token's hash `P:t:{<digest>}`. Written once when the
/// token is stored: `client`, `kind`, `revocable` (`1` or `0`), and when
/// set `grant`, `sub`, `scope` (RFC 6749 §3.3), `exp` (Unix seconds),
/// `label:<name>`. Set later,
/// to `1`, never cleared: `revoked` (revoked itself), `cascade` (its
/// revocation ends its grant), `ended` (its grant was ended); and
/// `rotated`, for a refresh token, to when it was first rotated (Unix
/// milliseconds, the server's clock).
pub(crate) mod field {
    pub(crate) const CLIENT: &str = "client";
    pub(crate) const KIND: &str = "kind";
    pub(crate) const GRANT: &str = "grant";
    pub(crate) const SUB: &str = "sub";
    pub(crate) const SCOPE: &str = "scope";
    pub(crate) const EXP: &str = "exp";
    pub(crate) const REVOCABLE: &str = "revocable";
    pub(crate) const REVOKED: &str = "revoked";
    pub(crate) const ENDED: &str = "ended";
    pub(crate) const ROTATED: &str = "rotated";
    pub(crate) const LABEL: &str = "label:";
}

/// The value of a public client's key `P:c:{<client_id>}`; a confidential
/// client's holds [`SHA256`] and the hex digest of its secret, or
/// [`KEYS_ONLY_CLIENT`].
pub(crate) const PUBLIC_CLIENT: &str = "public";
/// The value of the key `P:c:{<client_id>}` of a client with registered
/// keys and no secret: confidential, it authenticates only with
/// `private_key_jwt` (RFC 7523 §2.2), never with `none`.
pub(crate) const KEYS_ONLY_CLIENT: &str = "keys";
/// The prefix of a confidential client's value.
pub(crate) const SHA256: &str = "sha256:";

/// What introspection reads, in this order.
pub(crate) const INTROSPECTED: [&str; 8] = [
    field::CLIENT,
    field::KIND,
    field::SUB,
    field::SCOPE,
    field::EXP,
    field::REVOKED,
    field::ENDED,
    field::ROTATED,
];

/// The current time in Unix seconds (0 before 1970).
pub(crate) fn now_secs() -> u64 {
    since_epoch().as_secs()
}

/// The current time in Unix milliseconds (0 before 1970).
pub(crate) fn now_millis() -> u64 {
    u64::try_from(since_epoch().as_millis()).unwrap_or(u64::MAX)
}

fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// When the keys of a token expiring at `expires_at` (Unix seconds) and
/// stored at `now_ms` vanish, in Unix milliseconds: `retention` after its
/// expiry or after now, whichever is later; `None` (never) without expiry.
pub(crate) fn key_expiry_ms(
    expires_at: Option<u64>,
    now_ms: u64,
    retention: Duration,
) -> Option<u64> {
    let expires_ms = expires_at?.saturating_mul(1000).max(now_ms);
    let retention = u64::try_from(retention.as_millis()).unwrap_or(u64::MAX);
    Some(expires_ms.saturating_add(retention))
}

/// The `PXAT` (Unix milliseconds) of a key that lapses at `unix_secs`:
/// Redis refuses 0 and anything past `i64::MAX`, and deletes a key whose
/// `PXAT` has passed as it sets it, so a time in the past leaves no key.
pub(crate) fn pxat(unix_secs: u64) -> u64 {
    let most = u64::try_from(i64::MAX).unwrap_or(u64::MAX);
    unix_secs.saturating_mul(1000).clamp(1, most)
}

/// The index score of a key whose `PEXPIRETIME` is `reply`: when it
/// expires (Unix milliseconds), or `inf` for never; `None` when it is gone.
pub(crate) fn expiry_score(reply: &str) -> Result<Option<String>, StoreError> {
    match reply.parse::<i64>() {
        Ok(-1) => Ok(Some("inf".to_owned())),
        Ok(ms) if ms >= 0 => Ok(Some(ms.to_string())),
        Ok(_) => Ok(None),
        Err(_) => Err(unexpected("key expiry")),
    }
}

/// A status as the status keys name it: the list's number in 20 digits
/// and the index in 8, zero-padded (`00000000000000000001:00000042`), so
/// that the INVALID statuses of a list are one range of
/// `P:sl:{P}:invalid`, in the order of their indices.
pub(crate) fn status_member(slot: StatusSlot) -> String {
    format!("{:020}:{:08}", slot.list, slot.idx)
}

/// The first and last members of `list` in the order of their names, as
/// `ZRANGE ... BYLEX` takes them.
pub(crate) fn status_range(list: u64) -> (String, String) {
    (format!("[{list:020}:"), format!("({list:020};"))
}

/// The status a [`status_member`] names.
pub(crate) fn status_slot(member: &str) -> Result<StatusSlot, StoreError> {
    let parsed = member
        .split_once(':')
        .and_then(|(list, idx)| Some((list.parse().ok()?, idx.parse().ok()?)));
    let (list, idx) = parsed.ok_or_else(|| unexpected("status"))?;
    Ok(StatusSlot { list, idx })
}

/// A script's reply of `parts`, for the tests of reply parsers.
#[cfg(test)]
pub(crate) fn reply(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|&p| p.to_owned()).collect()
}

/// The facts of an active token from its [`INTROSPECTED`] fields at
/// `now` (Unix seconds); `None` when it is unknown, expired, revoked,
/// rotated, or its grant was ended.
pub(crate) fn active_token(
    fields: &[Option<String>],
    now: u64,
) -> Result<Option<ActiveToken>, StoreError> {
    let [client, kind, sub, scope, exp, revoked, ended, rotated] = fields else {
        return Err(unexpected("introspection fields"));
    };
    let Some(client) = client else {
        return Ok(None);
    };
    if revoked.is_some() || ended.is_some() || rotated.is_some() {
        return Ok(None);
    }
    let exp = match exp {
        Some(exp) => Some(exp.parse::<u64>().map_err(|_| unexpected("exp"))?),
        None => None,
    };
    if exp.is_some_and(|exp| exp <= now) {
        return Ok(None);
    }
    let client = ClientId::new(client.as_str()).map_err(|_| unexpected("client"))?;
    let kind = kind.as_deref().and_then(TokenKind::parse);
    let kind = kind.ok_or_else(|| unexpected("kind"))?;
    let mut token = ActiveToken::new(client, kind);
    if let Some(sub) = sub {
        token = token.with_sub(sub.as_str());
    }
    if let Some(scope) = scope {
        token = token.with_scope(scope.as_str());
    }
    if let Some(exp) = exp {
        token = token.with_exp(exp);
    }
    Ok(Some(token))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(values: [Option<&str>; 8]) -> Vec<Option<String>> {
        values.iter().map(|v| v.map(str::to_owned)).collect()
    }

    #[test]
    fn keys_outlive_expiry_by_the_retention() {
        let day = Duration::from_secs(86_400);
        assert_eq!(key_expiry_ms(None, 5, day), None);
        assert_eq!(key_expiry_ms(Some(10), 5, Duration::ZERO), Some(10_000));
        // Stored after it expired: kept for the retention from now.
        assert_eq!(
            key_expiry_ms(Some(1), 50_000, day),
            Some(50_000 + 86_400_000)
        );
    }

    #[test]
    fn status_members_sort_by_list_then_index() {
        let member = |list, idx| status_member(StatusSlot { list, idx });
        assert_eq!(member(1, 42), "00000000000000000001:00000042");
        assert!(member(2, 9) < member(2, 10) && member(2, (1 << 24) - 1) < member(3, 0));
        let (first, last) = status_range(2);
        assert!(
            &first[1..] < member(2, 0).as_str() && member(2, (1 << 24) - 1).as_str() < &last[1..]
        );
        assert_eq!(status_slot(&member(u64::MAX, 7)).unwrap().list, u64::MAX);
        assert!(status_slot("1-2").is_err());
    }

    #[test]
    fn a_pxat_is_one_redis_takes() {
        assert_eq!(pxat(0), 1);
        assert_eq!(pxat(1_700_000_000), 1_700_000_000_000);
        assert_eq!(pxat(u64::MAX), i64::MAX as u64);
    }

    #[test]
    fn active_means_known_unexpired_unrevoked() {
        let rotated_at = |exp, revoked, ended, rotated| {
            let f = fields([
                Some("app1"),
                Some("access_token"),
                Some("alice"),
                Some("read write"),
                exp,
                revoked,
                ended,
                rotated,
            ]);
            active_token(&f, 100).unwrap()
        };
        let at = |exp, revoked, ended| rotated_at(exp, revoked, ended, None);
        let token = at(Some("101"), None, None).unwrap();
        let facts = (token.sub(), token.scope(), token.exp());
        assert_eq!(facts, (Some("alice"), Some("read write"), Some(101)));
        assert!(at(Some("100"), None, None).is_none());
        assert!(at(None, Some("1"), None).is_none());
        assert!(at(None, None, Some("1")).is_none());
        assert!(rotated_at(None, None, None, Some("1700000000000")).is_none());
        let unknown = fields([None; 8]);
        assert!(active_token(&unknown, 100).unwrap().is_none());
    }
}
