//! Revocation (RFC 7009 §2.1): the decision on the token's own slot, then
//! the grant cascade, then the notice.

use crate::error::unexpected;
use crate::record::now_secs;
use crate::RedisStore;
use redis::aio::ConnectionLike;
use redis::Script;
use std::sync::LazyLock;
use tower_revoke::{
    AuthenticatedClient, RevocationOutcome, StoreError, Token, TokenDigest, TokenKind,
};

/// Decides a revocation on `KEYS[1]`, the token's hash, for client
/// `ARGV[1]` at `ARGV[2]` (Unix seconds), in the order
/// `RevocationStore::revoke` gives; `ARGV[3]` is `1` when an access
/// token's revocation ends its grant too. Replies `{outcome[, kind][, grant]}`:
/// a grant id in the reply is a grant this revocation must end.
///
/// A revoked token whose revocation ends its grant (`cascade`) replies its
/// grant again, so that revoking it once more finishes a cascade an
/// earlier call could not (the grant's end is idempotent).
const REVOKE_LUA: &str = r"
local f = redis.call('HMGET', KEYS[1], 'client', 'kind', 'grant', 'exp', 'revocable',
  'revoked', 'cascade', 'ended')
local client, kind, grant, exp = f[1], f[2], f[3], f[4]
local revocable, revoked, cascade, ended = f[5], f[6], f[7], f[8]
if not client then return {'not_found'} end
local own = client == ARGV[1]
local expired = exp and tonumber(exp) <= tonumber(ARGV[2])
if expired or revoked or ended then
  if own and grant and (cascade or (kind == 'refresh_token' and not (revoked or ended))) then
    redis.call('HSET', KEYS[1], 'cascade', '1')
    return {'not_found', grant}
  end
  return {'not_found'}
end
if not own then return {'issued_to_another_client'} end
if revocable ~= '1' then return {'unsupported_token_type'} end
redis.call('HSET', KEYS[1], 'revoked', '1')
if grant and (kind == 'refresh_token' or ARGV[3] == '1') then
  redis.call('HSET', KEYS[1], 'cascade', '1')
  return {'revoked', kind, grant}
end
return {'revoked', kind}
";

static REVOKE: LazyLock<Script> = LazyLock::new(|| Script::new(REVOKE_LUA));

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Revokes `token` for `client`, then publishes the digests of the
    /// tokens it ended (a failed publish is logged, not returned: the
    /// revocation is committed by then).
    pub(crate) async fn revoke_token(
        &self,
        client: &AuthenticatedClient,
        token: &Token,
    ) -> Result<RevocationOutcome, StoreError> {
        let digest = TokenDigest::of(token);
        let (outcome, ended) = self.bounded(self.commit_revocation(client, digest)).await?;
        self.publish(&ended).await;
        Ok(outcome)
    }

    /// The decision script, then the cascade if it names a grant. Returns
    /// the outcome and every token it ended.
    async fn commit_revocation(
        &self,
        client: &AuthenticatedClient,
        digest: TokenDigest,
    ) -> Result<(RevocationOutcome, Vec<TokenDigest>), StoreError> {
        let client_id = client.client_id.as_str();
        let mut decide = REVOKE.key(self.keys.token(&digest));
        decide
            .arg(client_id)
            .arg(now_secs())
            .arg(u8::from(self.access_token_revokes_grant));
        let reply: Vec<String> = self.invoke(&decide).await?;
        let (outcome, grant) = decision(&reply)?;
        let mut ended = Vec::new();
        if let RevocationOutcome::Revoked { .. } = outcome {
            ended.push(digest);
        }
        let Some(grant) = grant else {
            return Ok((outcome, ended));
        };
        let cascade = self.end_grant(client_id, grant, digest).await?;
        let outcome = match outcome {
            RevocationOutcome::Revoked { kind, .. } => RevocationOutcome::Revoked {
                kind,
                cascaded: cascade.len() as u64,
            },
            other => other,
        };
        ended.extend(cascade);
        Ok((outcome, ended))
    }
}

/// The outcome of a [`REVOKE_LUA`] reply, and the grant to end if any.
fn decision(reply: &[String]) -> Result<(RevocationOutcome, Option<&str>), StoreError> {
    let kind = |kind: Option<&String>| {
        let kind = kind.and_then(|kind| TokenKind::parse(kind));
        kind.ok_or_else(|| unexpected("token kind"))
    };
    let revoked = |kind| RevocationOutcome::Revoked { kind, cascaded: 0 };
    Ok(match reply {
        [outcome] if outcome == "not_found" => (RevocationOutcome::NotFound, None),
        [outcome, grant] if outcome == "not_found" => (RevocationOutcome::NotFound, Some(grant)),
        [outcome] if outcome == "issued_to_another_client" => {
            (RevocationOutcome::IssuedToAnotherClient, None)
        }
        [outcome] if outcome == "unsupported_token_type" => {
            (RevocationOutcome::UnsupportedTokenType, None)
        }
        [outcome, k] if outcome == "revoked" => (revoked(kind(Some(k))?), None),
        [outcome, k, grant] if outcome == "revoked" => (revoked(kind(Some(k))?), Some(grant)),
        _ => return Err(unexpected("revocation outcome")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|&p| p.to_owned()).collect()
    }

    #[test]
    fn replies_map_to_outcomes() {
        let revoked = RevocationOutcome::Revoked {
            kind: TokenKind::RefreshToken,
            cascaded: 0,
        };
        let cases = [
            (reply(&["not_found"]), (RevocationOutcome::NotFound, None)),
            (
                reply(&["not_found", "G1"]),
                (RevocationOutcome::NotFound, Some("G1")),
            ),
            (
                reply(&["revoked", "refresh_token", "G1"]),
                (revoked, Some("G1")),
            ),
        ];
        for (reply, expected) in &cases {
            assert_eq!(decision(reply).unwrap(), *expected);
        }
        assert!(decision(&reply(&["revoked", "id_token"])).is_err());
        assert!(decision(&reply(&[])).is_err());
    }
}
