//! Every write that ends tokens, then its notice: a revocation (RFC 7009
//! §2.1) with its grant cascade, bulk revocation of a subject's tokens,
//! and the JWT deny-list. The steps are those of the crate docs'
//! "Revocation"; the scripts are in [`scripts`](crate::scripts).

use crate::error::unexpected;
use crate::record::{now_millis, now_secs};
use crate::scripts::{END_GRANT, MARK_ENDED, RAISE, REVOKE, REVOKE_IF_LABELLED};
use crate::store::IN_FLIGHT;
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::{AsyncCommands, ExistenceCheck, SetExpiry, SetOptions};
use tower_revoke::request::Token;
use tower_revoke::store::{JwtRecord, RevocationNotice, TokenDigest};
use tower_revoke::{AuthenticatedClient, RevocationOutcome, StoreError, TokenKind};

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Revokes `token` for `client` (steps 1 to 3), then publishes the
    /// digests of the tokens it ended (step 4).
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

    /// Step 1, the decision on the token's slot; then, if it names a
    /// grant, steps 2 and 3. Returns the outcome and every token it ended.
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

    /// Steps 2 and 3: ends client `client_id`'s grant `grant_id`, whose
    /// revocation came from the token `except`. Returns the other tokens
    /// it ended (active until now).
    async fn end_grant(
        &self,
        client_id: &str,
        grant_id: &str,
        except: TokenDigest,
    ) -> Result<Vec<TokenDigest>, StoreError> {
        let mut end = END_GRANT.key(self.keys.grant(client_id, grant_id));
        end.key(self.keys.grant_ended(client_id, grant_id))
            .arg(now_millis());
        let members: Vec<String> = self.invoke(&end).await?;
        let mut digests = Vec::with_capacity(members.len());
        for member in &members {
            let digest = TokenDigest::from_hex(member).ok_or_else(|| unexpected("grant member"))?;
            if digest != except {
                digests.push(digest);
            }
        }
        let now = now_secs();
        let marked = stream::iter(digests)
            .map(|digest| async move {
                let ended = self.mark_ended(digest, client_id, grant_id, now).await?;
                Ok::<_, StoreError>(ended.then_some(digest))
            })
            .buffer_unordered(IN_FLIGHT);
        let ended: Vec<Option<TokenDigest>> = marked.try_collect().await?;
        Ok(ended.into_iter().flatten().collect())
    }

    /// Step 3 for one token of a grant (and a token stored into an ended
    /// grant): marks it ended; `true` if it was active.
    pub(crate) async fn mark_ended(
        &self,
        digest: TokenDigest,
        client_id: &str,
        grant_id: &str,
        now: u64,
    ) -> Result<bool, StoreError> {
        let mut mark = MARK_ENDED.key(self.keys.token(&digest));
        mark.arg(now).arg(client_id).arg(grant_id);
        let ended: i64 = self.invoke(&mark).await?;
        Ok(ended == 1)
    }

    /// Revokes `subject`'s active, revocable tokens carrying all `labels`,
    /// one script per token; publishes their digests. Returns how many it
    /// revoked.
    pub(crate) async fn revoke_subject(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let revoked = self.bounded(self.commit_subject(subject, labels)).await?;
        self.publish(&revoked).await;
        Ok(revoked.len() as u64)
    }

    async fn commit_subject(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<Vec<TokenDigest>, StoreError> {
        // Members scored before now are tokens whose keys are gone. The
        // typed API has no ZRANGE ... BYSCORE (its `zrangebyscore` sends
        // the deprecated ZRANGEBYSCORE): a command.
        let mut zrange = redis::cmd("ZRANGE");
        zrange
            .arg(self.keys.subject(subject))
            .arg(now_millis())
            .arg("+inf")
            .arg("BYSCORE");
        let read = self.query(|c| Box::pin(async move { zrange.query_async(c).await }));
        let members: Vec<String> = read.await?;
        let now = now_secs();
        let revoked = stream::iter(members)
            .map(|member| async move {
                let digest =
                    TokenDigest::from_hex(&member).ok_or_else(|| unexpected("subject member"))?;
                let mut revoke = REVOKE_IF_LABELLED.key(self.keys.token(&digest));
                revoke.arg(now).arg(subject);
                for (name, value) in labels {
                    revoke.arg(*name).arg(*value);
                }
                let revoked: i64 = self.invoke(&revoke).await?;
                Ok::<_, StoreError>((revoked == 1).then_some(digest))
            })
            .buffer_unordered(IN_FLIGHT);
        let revoked: Vec<Option<TokenDigest>> = revoked.try_collect().await?;
        Ok(revoked.into_iter().flatten().collect())
    }

    /// One `SET key 1 NX PXAT <until>`: the key vanishes when the entry
    /// lapses, so the list never outgrows the live denied tokens.
    pub(crate) async fn deny_jti(
        &self,
        jwt: &JwtRecord<'_>,
        until: u64,
    ) -> Result<bool, StoreError> {
        let key = self.keys.denied_jti(jwt.issuer, jwt.jti);
        let options = SetOptions::default()
            .conditional_set(ExistenceCheck::NX)
            .with_expiration(SetExpiry::PXAT(until.saturating_mul(1000).max(1)));
        let set = self.query(|c| c.set_options(key, "1", options));
        let stored: Option<String> = self.bounded(set).await?;
        Ok(stored.is_some())
    }

    /// One script on the subject's cutoff key: raised, never lowered. The
    /// key never expires.
    pub(crate) async fn raise_jwt_cutoff(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        let mut raise = RAISE.key(self.keys.subject_cutoff(issuer, subject));
        raise.arg(cutoff);
        let _: i64 = self.bounded(self.invoke(&raise)).await?;
        Ok(())
    }

    /// Step 4: PUBLISHes the digests of the tokens a committed revocation
    /// ended on the store's channel, in messages of at most
    /// [`RevocationNotice::MAX_DIGESTS_PER_MESSAGE`] digests.
    ///
    /// Bounded by the store's timeout, on top of the revocation's own. A
    /// failure is logged at WARN and otherwise ignored: the revocation
    /// is committed, so the endpoint must still answer 200, and a cache
    /// that misses the notice serves the token at most its maximum
    /// staleness longer.
    async fn publish(&self, ended: &[TokenDigest]) {
        if ended.is_empty() {
            return;
        }
        let notice = RevocationNotice::new(ended.to_vec());
        let publish = async {
            for payload in notice.to_payloads() {
                let channel = self.channel.clone();
                let _: i64 = self.query(|c| c.publish(channel, payload)).await?;
            }
            Ok::<_, StoreError>(())
        };
        let failure = match tokio::time::timeout(self.timeout, publish).await {
            Ok(Ok(())) => return,
            Ok(Err(error)) => error.to_string(),
            Err(_) => format!("no answer within {:?}", self.timeout),
        };
        tracing::warn!(
            channel = %self.channel,
            tokens = ended.len(),
            "tower-revoke-redis: revocation committed, but its notice was not published \
             (caches stay stale up to their maximum staleness): {failure}"
        );
    }
}

/// The outcome of a [`REVOKE`] reply, and the grant to end if any.
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
