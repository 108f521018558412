//! Every write that ends tokens, then its notice: a revocation (RFC 7009
//! §2.1) with its grant cascade, and bulk revocation of a subject's
//! tokens. The steps are those of the crate docs' "Revocation"; the
//! scripts are in [`scripts`](crate::scripts). The JWT deny-list's writes
//! are in `deny.rs`.

use crate::error::unexpected;
use crate::record::{now_millis, now_secs};
use crate::scripts::{END_GRANT, MARK_ENDED, REVOKE, REVOKE_IF_LABELLED};
use crate::store::IN_FLIGHT;
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::request::Token;
use tower_revoke::store::{RevocationNotice, TokenDigest};
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
        decide.key(self.keys.token_statuses(&digest));
        decide
            .arg(client_id)
            .arg(now_secs())
            .arg(u8::from(self.access_token_revokes_grant));
        let reply: Vec<String> = self.invoke_settled(&mut decide).await?;
        let (outcome, grant) = decision(&reply)?;
        let mut ended = Vec::new();
        if let RevocationOutcome::Revoked { .. } = outcome {
            ended.push(digest);
        }
        let Some(grant) = grant else {
            return Ok((outcome, ended));
        };
        let cascade = self.end_grant(client_id, grant, Some(digest), "").await?;
        let active = cascade.iter().filter(|(_, mark)| *mark == Mark::Active);
        let outcome = match outcome {
            RevocationOutcome::Revoked { kind, .. } => RevocationOutcome::Revoked {
                kind,
                cascaded: active.count() as u64,
            },
            other => other,
        };
        ended.extend(cascade.into_iter().map(|(digest, _)| digest));
        Ok((outcome, ended))
    }

    /// Steps 2 and 3: ends client `client_id`'s grant `grant_id`, except
    /// the token `except` (the revoked one, which needs no mark); its flag
    /// lives at least until `floor` (Unix milliseconds, `inf`, or empty for
    /// as long as its tokens). Returns the tokens it ended that were live
    /// until now.
    pub(crate) async fn end_grant(
        &self,
        client_id: &str,
        grant_id: &str,
        except: Option<TokenDigest>,
        floor: &str,
    ) -> Result<Vec<(TokenDigest, Mark)>, StoreError> {
        let mut end = END_GRANT.key(self.keys.grant(client_id, grant_id));
        end.key(self.keys.grant_ended(client_id, grant_id))
            .arg(now_millis())
            .arg(floor);
        let members: Vec<String> = self.invoke(&end).await?;
        if !members.len().is_multiple_of(2) {
            return Err(unexpected("grant members"));
        }
        let mut scored = Vec::with_capacity(members.len() / 2);
        let mut members = members.into_iter();
        while let (Some(member), Some(score)) = (members.next(), members.next()) {
            let digest =
                TokenDigest::from_hex(&member).ok_or_else(|| unexpected("grant member"))?;
            if Some(digest) != except {
                scored.push((digest, score));
            }
        }
        let now = now_secs();
        let marked = stream::iter(scored)
            .map(|(digest, score): (TokenDigest, String)| async move {
                let mark = self
                    .mark_ended(digest, client_id, grant_id, now, &score)
                    .await?;
                Ok::<_, StoreError>((mark != Mark::Nothing).then_some((digest, mark)))
            })
            .buffer_unordered(IN_FLIGHT);
        let ended: Vec<Option<(TokenDigest, Mark)>> = marked.try_collect().await?;
        Ok(ended.into_iter().flatten().collect())
    }

    /// Step 3 for one token of a grant (and a token stored into an ended
    /// grant), whose index score is `score`: marks it ended, or leaves a
    /// tombstone if it is not written yet.
    pub(crate) async fn mark_ended(
        &self,
        digest: TokenDigest,
        client_id: &str,
        grant_id: &str,
        now: u64,
        score: &str,
    ) -> Result<Mark, StoreError> {
        let mut mark = MARK_ENDED.key(self.keys.token(&digest));
        mark.key(self.keys.token_statuses(&digest));
        mark.arg(now).arg(client_id).arg(grant_id).arg(score);
        let ended: i64 = self.invoke_settled(&mut mark).await?;
        Ok(match ended {
            1 => Mark::Active,
            2 => Mark::Rotated,
            _ => Mark::Nothing,
        })
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
                revoke.key(self.keys.token_statuses(&digest));
                revoke.arg(now).arg(subject);
                for (name, value) in labels {
                    revoke.arg(*name).arg(*value);
                }
                let revoked: i64 = self.invoke_settled(&mut revoke).await?;
                Ok::<_, StoreError>((revoked == 1).then_some(digest))
            })
            .buffer_unordered(IN_FLIGHT);
        let revoked: Vec<Option<TokenDigest>> = revoked.try_collect().await?;
        Ok(revoked.into_iter().flatten().collect())
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
    pub(crate) async fn publish(&self, ended: &[TokenDigest]) {
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

/// What marking one token of an ended grant ended (a [`MARK_ENDED`] reply).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mark {
    /// An active token.
    Active,
    /// A rotated refresh token, not expired or revoked: no longer active,
    /// but still presentable, so counted by reuse.
    Rotated,
    /// Nothing live: expired, revoked or ended before, another grant's, or
    /// not written yet.
    Nothing,
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
    use crate::record::reply;

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
