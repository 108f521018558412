//! Storing clients and tokens, and loading seeds, idempotently: what is
//! stored already is left exactly as it is.

use crate::error::unexpected;
use crate::record::{
    expiry_score, field, key_expiry_ms, now_millis, now_secs, PUBLIC_CLIENT, SHA256,
};
use crate::scripts::{ADD_MEMBER, INSERT};
use crate::store::IN_FLIGHT;
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::{AsyncCommands, ExistenceCheck, ScriptInvocation, SetOptions};
use tower_revoke::store::{ClientEntry, SecretDigest, Seed, TokenDigest, TokenEntry};
use tower_revoke::StoreError;

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Stores the seed's clients and tokens that the store does not hold
    /// yet, leaving those it holds exactly as they are: a revoked token
    /// stays revoked, a secret is not replaced. Safe to run at every start
    /// of every instance. Returns how many clients and tokens it stored.
    ///
    /// # Errors
    /// Redis could not be reached or did not answer; what was stored
    /// before stays, and running the seed again completes it.
    pub async fn seed(&self, seed: &Seed) -> Result<(usize, usize), StoreError> {
        let clients = stream::iter(seed.clients())
            .map(|client| self.insert_client(client))
            .buffer_unordered(IN_FLIGHT);
        let clients: Vec<bool> = clients.try_collect().await?;
        let tokens = stream::iter(seed.tokens())
            .map(|token| self.insert_token(token))
            .buffer_unordered(IN_FLIGHT);
        let tokens: Vec<bool> = tokens.try_collect().await?;
        let count = |inserted: Vec<bool>| inserted.into_iter().filter(|&new| new).count();
        Ok((count(clients), count(tokens)))
    }

    /// Stores a client unless its id is taken (`SET NX`): confidential
    /// with the digest of its secret, public without one. Returns whether
    /// it stored it; an existing client is left exactly as it is (its
    /// secret is never replaced).
    ///
    /// # Errors
    /// Redis could not be reached or did not answer in time.
    pub async fn insert_client(&self, client: &ClientEntry) -> Result<bool, StoreError> {
        let value = match &client.client_secret {
            Some(secret) => {
                let digest = SecretDigest::of(secret);
                let hex = TokenDigest::from_bytes(*digest.as_bytes()).to_hex();
                format!("{SHA256}{hex}")
            }
            None => PUBLIC_CLIENT.to_owned(),
        };
        let key = self.keys.client(&client.client_id);
        let nx = SetOptions::default().conditional_set(ExistenceCheck::NX);
        let set = self.query(|c| c.set_options(key, value, nx));
        let stored: Option<String> = self.bounded(set).await?;
        Ok(stored.is_some())
    }

    /// Stores a token as its digest unless it is stored already (then it
    /// is left exactly as it is), and adds it to its grant's and subject's
    /// indexes. A token of a grant that was ended is stored ended. Returns
    /// whether it stored it. The token's client is not checked: store
    /// clients first.
    ///
    /// Its keys expire [`expired_retention`](Self::expired_retention) after
    /// its `expires_at` (or after now, if later); without `expires_at`
    /// they never expire.
    ///
    /// # Errors
    /// An empty grant id, subject, label name or label value; Redis could
    /// not be reached or did not answer in time.
    pub async fn insert_token(&self, entry: &TokenEntry) -> Result<bool, StoreError> {
        check(entry)?;
        self.bounded(self.write_token(entry)).await
    }

    async fn write_token(&self, entry: &TokenEntry) -> Result<bool, StoreError> {
        let digest = TokenDigest::of(&entry.token);
        let now_ms = now_millis();
        let expiry = key_expiry_ms(entry.expires_at, now_ms, self.retention);
        let owner = (entry.client_id.as_str(), entry.grant_id.as_deref());
        let lineage = (entry.subject.as_deref(), entry.scope.as_deref());
        let insert = self.insert(entry, owner, lineage, expiry, false);
        let stored = Stored::from_reply(self.invoke(&insert).await?)?;
        // Index what is stored (the entry's own values when it is new), so
        // that seeding again repairs an index an earlier seed left out.
        let Some(score) = stored.score else {
            return Ok(stored.inserted); // gone already
        };
        let member = digest.to_hex();
        let indexed = [(&member[..], &score[..])];
        if !stored.subject.is_empty() {
            let index = self.subject_index(&stored.subject);
            self.add_member(index, &indexed, now_ms, false).await?;
        }
        if !stored.grant.is_empty() {
            let (client, grant) = (&stored.client[..], &stored.grant[..]);
            let index = self.grant_index(client, grant);
            if self.add_member(index, &indexed, now_ms, false).await? {
                self.mark_ended(digest, client, grant, now_secs(), &score)
                    .await?;
            }
        }
        Ok(stored.inserted)
    }

    /// The [`INSERT`] of `entry` as the token of `owner` (a client id and
    /// grant id, which may differ from the entry's), of `subject` and with
    /// `scope` (which may too), its keys expiring at `expiry` (Unix
    /// milliseconds; `None` for never); `ended` writes it ended with its
    /// grant.
    pub(crate) fn insert(
        &self,
        entry: &TokenEntry,
        (client_id, grant_id): (&str, Option<&str>),
        (subject, scope): (Option<&str>, Option<&str>),
        expiry: Option<u64>,
        ended: bool,
    ) -> ScriptInvocation<'static> {
        let mut insert = INSERT.key(self.keys.token(&TokenDigest::of(&entry.token)));
        insert.arg(expiry.map(|ms| ms.to_string()).unwrap_or_default());
        insert.arg(field::CLIENT).arg(client_id);
        insert.arg(field::KIND).arg(entry.kind.as_str());
        insert.arg(field::REVOCABLE).arg(u8::from(entry.revocable));
        if let Some(grant) = grant_id {
            insert.arg(field::GRANT).arg(grant);
        }
        if let Some(subject) = subject {
            insert.arg(field::SUB).arg(subject);
        }
        if let Some(scope) = scope {
            insert.arg(field::SCOPE).arg(scope);
        }
        if let Some(expires_at) = entry.expires_at {
            insert.arg(field::EXP).arg(expires_at);
        }
        for (name, value) in &entry.labels {
            insert.arg(format!("{}{name}", field::LABEL)).arg(value);
        }
        if ended {
            insert.arg(field::ENDED).arg(1);
        }
        insert
    }

    /// [`ADD_MEMBER`] on a subject's index.
    pub(crate) fn subject_index(&self, subject: &str) -> ScriptInvocation<'static> {
        ADD_MEMBER.key(self.keys.subject(subject))
    }

    /// [`ADD_MEMBER`] on client `client_id`'s grant `grant_id`, with its
    /// `ended` flag.
    pub(crate) fn grant_index(&self, client_id: &str, grant_id: &str) -> ScriptInvocation<'static> {
        let mut index = ADD_MEMBER.key(self.keys.grant(client_id, grant_id));
        index.key(self.keys.grant_ended(client_id, grant_id));
        index
    }

    /// Runs [`ADD_MEMBER`] for `members` (digest, score pairs); `true` if
    /// the grant is ended. With `barrier`, an ended grant admits nothing.
    pub(crate) async fn add_member(
        &self,
        mut index: ScriptInvocation<'_>,
        members: &[(&str, &str)],
        now_ms: u64,
        barrier: bool,
    ) -> Result<bool, StoreError> {
        index.arg(now_ms).arg(u8::from(barrier));
        for (member, score) in members {
            index.arg(*member).arg(*score);
        }
        let ended: i64 = self.invoke(&index).await?;
        Ok(ended == 1)
    }
}

/// What [`INSERT`] replies: whether it wrote the token, and what the
/// stored hash holds (empty strings for absent fields).
#[derive(Default)]
pub(crate) struct Stored {
    pub(crate) inserted: bool,
    pub(crate) client: String,
    pub(crate) grant: String,
    pub(crate) subject: String,
    pub(crate) kind: String,
    /// When its keys expire, as an index score (Unix milliseconds or
    /// `inf`); `None` when the key is gone already.
    pub(crate) score: Option<String>,
}

impl Stored {
    pub(crate) fn from_reply(reply: Vec<String>) -> Result<Self, StoreError> {
        let Ok([inserted, client, grant, subject, expiry, kind]) = <[String; 6]>::try_from(reply)
        else {
            return Err(unexpected("token insertion"));
        };
        let score = expiry_score(&expiry)?;
        Ok(Self {
            inserted: inserted == "1",
            client,
            grant,
            subject,
            kind,
            score,
        })
    }
}

/// Refuses what a [`Seed`] refuses, by the one rule of
/// [`TokenEntry::is_well_formed`]: empty grant ids, subjects, label names
/// and label values, and scopes not of RFC 6749 §3.3 syntax.
pub(crate) fn check(entry: &TokenEntry) -> Result<(), StoreError> {
    match entry.is_well_formed() {
        true => Ok(()),
        false => Err(StoreError::new(
            "malformed token entry: an empty grant id, subject, label name or label value, \
             or a scope not of RFC 6749 §3.3 syntax",
        )),
    }
}
