//! Issuance: registering clients, recording issued tokens behind their
//! grant's revocation barrier, rotating refresh tokens with reuse
//! detection. The steps are those of the crate docs' "Issuance"; the
//! scripts are in [`scripts`](crate::scripts).

use crate::error::unexpected;
use crate::insert::Stored;
use crate::record::{expiry_score, field, key_expiry_ms, now_millis, now_secs};
use crate::scripts::ROTATE;
use crate::RedisStore;
use futures_util::future::{join, try_join, try_join_all};
use redis::aio::ConnectionLike;
use redis::AsyncCommands;
use tower_revoke::store::{Recording, Rotation, RotationOutcome, TokenDigest, TokenEntry};
use tower_revoke::{AuthenticatedClient, StoreError, TokenKind};

/// A token about to be written: its entry, and the client, grant, subject
/// and scope it is written under (a rotation's successors take the
/// presented token's client and grant, and its subject and scope when they
/// have none).
struct Issued<'a> {
    entry: &'a TokenEntry,
    client_id: &'a str,
    grant_id: Option<&'a str>,
    subject: Option<&'a str>,
    scope: Option<&'a str>,
    member: String,
    /// When its keys expire, Unix milliseconds (`None`: never).
    expiry: Option<u64>,
    /// `expiry` as an index score.
    score: String,
}

impl<'a> Issued<'a> {
    fn new(
        entry: &'a TokenEntry,
        (client_id, grant_id): (&'a str, Option<&'a str>),
        expiry: Option<u64>,
    ) -> Self {
        Self {
            entry,
            client_id,
            grant_id,
            subject: entry.subject.as_deref(),
            scope: entry.scope.as_deref(),
            member: TokenDigest::of(&entry.token).to_hex(),
            expiry,
            score: expiry.map_or_else(|| "inf".to_owned(), |ms| ms.to_string()),
        }
    }

    /// Whether `stored` is this token, for the same client, kind and grant.
    fn is(&self, stored: &Stored) -> bool {
        stored.client == self.client_id
            && stored.kind == self.entry.kind.as_str()
            && stored.grant == self.grant_id.unwrap_or_default()
    }
}

/// Where a rotation records its successors: the presented token's grant,
/// and its subject and scope, which successors sent without them take
/// (RFC 6749 §6: an omitted scope is the one originally granted).
#[derive(Debug, PartialEq, Eq)]
struct Lineage {
    grant: String,
    subject: Option<String>,
    scope: Option<String>,
}

/// What the rotation script decided (a [`ROTATE`] reply).
enum Decision {
    InvalidGrant,
    /// The first rotation: record the successors in this lineage.
    Rotate(Lineage),
    /// A rotation within the grace period: record new successors in this
    /// lineage if its grant has not ended, else the presentation is reuse.
    Grace(Lineage),
    /// End this grant; the presented token was revoked itself (it lies
    /// outside the grant); the grant's flag must outlive this key expiry.
    Reuse {
        grant: String,
        revoked_itself: bool,
        expiry: String,
    },
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Records `entry` (see [`IssuanceStore::record_token`](tower_revoke::IssuanceStore::record_token)).
    pub(crate) async fn record(&self, entry: &TokenEntry) -> Result<Recording, StoreError> {
        if !entry.is_well_formed() {
            return Ok(Recording::Invalid);
        }
        self.bounded(self.commit_record(entry)).await
    }

    /// Step 1, the client's key and the token's hash read together (two
    /// slots); step 2, the grant's barrier; step 3, the write.
    async fn commit_record(&self, entry: &TokenEntry) -> Result<Recording, StoreError> {
        let client_key = self.keys.client(&entry.client_id);
        let token_key = self.keys.token(&TokenDigest::of(&entry.token));
        let read = try_join(
            self.query(|c| c.exists(client_key)),
            self.query(|c| c.hmget(token_key, &[field::CLIENT, field::KIND, field::GRANT])),
        );
        let (known, stored): (bool, Vec<Option<String>>) = read.await?;
        if !known {
            return Ok(Recording::UnknownClient);
        }
        let now_ms = now_millis();
        let expiry = key_expiry_ms(entry.expires_at, now_ms, self.retention);
        let owner = (entry.client_id.as_str(), entry.grant_id.as_deref());
        let issued = Issued::new(entry, owner, expiry);
        if let [Some(client), Some(kind), grant] = &stored[..] {
            let stored = Stored {
                client: client.clone(),
                kind: kind.clone(),
                grant: grant.clone().unwrap_or_default(),
                ..Stored::default()
            };
            return Ok(same_or_conflict(&issued, &stored));
        }
        if !self.admit(&[&issued], now_ms).await? {
            return Ok(Recording::GrantRevoked);
        }
        let stored = self.write(&issued, false, now_ms).await?;
        Ok(if stored.inserted {
            Recording::Recorded
        } else {
            // Recorded meanwhile by another call: that one decides.
            same_or_conflict(&issued, &stored)
        })
    }

    /// Step 2: the tokens' grant (they share one) admits them unless it is
    /// ended: the revocation barrier, one script on the grant's slot.
    /// `true` when admitted, or when they have no grant.
    async fn admit(&self, tokens: &[&Issued<'_>], now_ms: u64) -> Result<bool, StoreError> {
        let Some(first) = tokens.first() else {
            return Ok(true);
        };
        let Some(grant_id) = first.grant_id else {
            return Ok(true);
        };
        let index = self.grant_index(first.client_id, grant_id);
        let members: Vec<_> = tokens
            .iter()
            .map(|t| (&t.member[..], &t.score[..]))
            .collect();
        let ended = self.add_member(index, &members, now_ms, true).await?;
        Ok(!ended)
    }

    /// Step 3: writes the token's hash (onto a tombstone its grant's end
    /// may have left; `ended` when its grant did not admit it), and adds
    /// it to its subject's index (the subject it is written under).
    async fn write(
        &self,
        token: &Issued<'_>,
        ended: bool,
        now_ms: u64,
    ) -> Result<Stored, StoreError> {
        let owner = (token.client_id, token.grant_id);
        let lineage = (token.subject, token.scope);
        let insert = self.insert(token.entry, owner, lineage, token.expiry, ended);
        let index = async {
            let Some(subject) = token.subject else {
                return Ok(false);
            };
            let member = [(&token.member[..], &token.score[..])];
            let index = self.subject_index(subject);
            self.add_member(index, &member, now_ms, false).await
        };
        let (reply, _) = try_join(self.invoke(&insert), index).await?;
        Stored::from_reply(reply)
    }

    /// Rotates `rotation.presented` (see
    /// [`IssuanceStore::rotate_refresh_token`](tower_revoke::IssuanceStore::rotate_refresh_token)),
    /// and publishes the tokens it made inactive. The decision, then the
    /// successors' writes or the grant's end, are each bounded by the
    /// store's timeout.
    pub(crate) async fn rotate(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let access = rotation.access_token.as_ref();
        let kinds = rotation.refresh_token.kind == TokenKind::RefreshToken
            && access.is_none_or(|a| a.kind == TokenKind::AccessToken);
        let successors: Vec<&TokenEntry> = [Some(&rotation.refresh_token), access]
            .into_iter()
            .flatten()
            .collect();
        if !kinds || successors.iter().any(|entry| !entry.is_well_formed()) {
            return Ok(RotationOutcome::Conflict);
        }
        let presented = TokenDigest::of(&rotation.presented);
        let client_id = client.client_id.as_str();
        let decide = self.decide_rotation(client_id, rotation, &successors, presented);
        match self.bounded(decide).await? {
            None => Ok(RotationOutcome::Conflict),
            Some(Decision::InvalidGrant) => Ok(RotationOutcome::InvalidGrant),
            Some(Decision::Rotate(lineage)) => {
                // The rotation is committed: the presented token is no
                // longer active, so caches drop it while the successors are
                // written. The notice is outside the bound, as a
                // revocation's: a slow PUBLISH never fails a rotation. A
                // grant that ends meanwhile ends the successors with it:
                // the rotation came first.
                let record = self.record_successors(client_id, &lineage, &successors);
                let (admitted, ()) = join(self.bounded(record), self.publish(&[presented])).await;
                admitted?;
                Ok(RotationOutcome::Rotated)
            }
            Some(Decision::Grace(lineage)) => {
                // A grant that has ended refuses new tokens: presenting a
                // token of its lineage again is reuse (as in `MemoryStore`),
                // whatever the grace period.
                let record = self.record_successors(client_id, &lineage, &successors);
                Ok(match self.bounded(record).await? {
                    true => RotationOutcome::Rotated,
                    false => RotationOutcome::Reused { revoked: 0 },
                })
            }
            Some(Decision::Reuse {
                grant,
                revoked_itself,
                expiry,
            }) => {
                let end = self.end_grant(client_id, &grant, None, &expiry);
                let ended = self.bounded(end).await?;
                let mut ended: Vec<TokenDigest> = ended.into_iter().map(|(d, _)| d).collect();
                if revoked_itself {
                    ended.push(presented);
                }
                self.publish(&ended).await;
                Ok(RotationOutcome::Reused {
                    revoked: ended.len() as u64,
                })
            }
        }
    }

    /// Step 1, the successors are new (`None` otherwise: a conflict, and
    /// nothing changed); step 2, the decision on the presented token's
    /// slot.
    async fn decide_rotation(
        &self,
        client_id: &str,
        rotation: &Rotation,
        successors: &[&TokenEntry],
        presented: TokenDigest,
    ) -> Result<Option<Decision>, StoreError> {
        let taken = successors.iter().map(|entry| {
            let key = self.keys.token(&TokenDigest::of(&entry.token));
            self.query(|c| c.hexists(key, field::CLIENT))
        });
        let taken: Vec<bool> = try_join_all(taken).await?;
        if taken.into_iter().any(|taken| taken) {
            return Ok(None);
        }
        // Zero turns the grace period off; any other is on, however short.
        let grace = (!rotation.grace.is_zero()).then(|| {
            u64::try_from(rotation.grace.as_millis())
                .unwrap_or(u64::MAX)
                .to_string()
        });
        let mut decide = ROTATE.key(self.keys.token(&presented));
        decide.key(self.keys.token_statuses(&presented));
        decide
            .arg(client_id)
            .arg(now_secs())
            .arg(grace.unwrap_or_default())
            .arg(rotation.own_grant_id());
        let reply: Vec<String> = self.invoke_settled(&mut decide).await?;
        decision(reply).map(Some)
    }

    /// Steps 2 and 3 for a rotation's successors, of client `client_id` in
    /// the lineage's grant whatever their entries say, and of its subject
    /// and scope when their entries have none; whether the grant admitted
    /// them. A
    /// grant that has ended does not: they are written ended.
    async fn record_successors(
        &self,
        client_id: &str,
        lineage: &Lineage,
        successors: &[&TokenEntry],
    ) -> Result<bool, StoreError> {
        let now_ms = now_millis();
        let owner = (client_id, Some(lineage.grant.as_str()));
        let issued: Vec<Issued<'_>> = successors
            .iter()
            .map(|entry| {
                let expiry = key_expiry_ms(entry.expires_at, now_ms, self.retention);
                let mut issued = Issued::new(entry, owner, expiry);
                issued.subject = issued.subject.or(lineage.subject.as_deref());
                issued.scope = issued.scope.or(lineage.scope.as_deref());
                issued
            })
            .collect();
        let admitted = self
            .admit(&issued.iter().collect::<Vec<_>>(), now_ms)
            .await?;
        let writes = issued
            .iter()
            .map(|token| self.write(token, !admitted, now_ms));
        // A successor recorded meanwhile by another call keeps its record,
        // as in `MemoryStore`: the rotation stands.
        try_join_all(writes).await?;
        Ok(admitted)
    }
}

/// `AlreadyRecorded` if `stored` is `issued`'s token as it would record
/// it, `Conflict` otherwise.
fn same_or_conflict(issued: &Issued<'_>, stored: &Stored) -> Recording {
    if issued.is(stored) {
        Recording::AlreadyRecorded
    } else {
        Recording::Conflict
    }
}

/// The decision of a [`ROTATE`] reply.
fn decision(reply: Vec<String>) -> Result<Decision, StoreError> {
    let mut parts = reply.into_iter();
    let outcome = parts.next().unwrap_or_default();
    let rest: Vec<String> = parts.collect();
    // The presented token's subject and scope, empty when it has none (a
    // stored one never is: recording refuses an empty subject or scope).
    let present = |value: &String| (!value.is_empty()).then(|| value.clone());
    let lineage = |grant: &String, subject, scope| Lineage {
        grant: grant.clone(),
        subject: present(subject),
        scope: present(scope),
    };
    Ok(match (&outcome[..], &rest[..]) {
        ("invalid_grant", []) => Decision::InvalidGrant,
        ("rotated", [grant, subject, scope]) => Decision::Rotate(lineage(grant, subject, scope)),
        ("grace", [grant, subject, scope]) => Decision::Grace(lineage(grant, subject, scope)),
        ("reused", [grant, itself, expiry]) => Decision::Reuse {
            grant: grant.clone(),
            revoked_itself: itself == "1",
            expiry: expiry_score(expiry)?.unwrap_or_default(),
        },
        _ => return Err(unexpected("rotation outcome")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::reply;

    #[test]
    fn replies_map_to_decisions() {
        assert!(matches!(
            decision(reply(&["invalid_grant"])).unwrap(),
            Decision::InvalidGrant
        ));
        let lineage = |grant: &str, subject: Option<&str>, scope: Option<&str>| Lineage {
            grant: grant.to_owned(),
            subject: subject.map(str::to_owned),
            scope: scope.map(str::to_owned),
        };
        assert!(matches!(
            decision(reply(&["rotated", "G1", "alice", "read write"])).unwrap(),
            Decision::Rotate(l) if l == lineage("G1", Some("alice"), Some("read write"))
        ));
        assert!(matches!(
            decision(reply(&["rotated", "G1", "", ""])).unwrap(),
            Decision::Rotate(l) if l == lineage("G1", None, None)
        ));
        assert!(matches!(
            decision(reply(&["grace", "G1", "bob", "read"])).unwrap(),
            Decision::Grace(l) if l == lineage("G1", Some("bob"), Some("read"))
        ));
        let reused = decision(reply(&["reused", "rt:ab", "1", "-1"])).unwrap();
        assert!(matches!(
            reused,
            Decision::Reuse { grant, revoked_itself: true, expiry }
                if grant == "rt:ab" && expiry == "inf"
        ));
        assert!(decision(reply(&["rotated"])).is_err());
        assert!(decision(reply(&["rotated", "G1"])).is_err());
        assert!(decision(reply(&["rotated", "G1", "alice"])).is_err());
        assert!(decision(reply(&[])).is_err());
    }
}
