//! Storing clients and tokens, and loading seeds, idempotently: what is
//! stored already is left exactly as it is.

use crate::error::unexpected;
use crate::record::{field, key_expiry_ms, now_millis, now_secs, PUBLIC_CLIENT, SHA256};
use crate::scripts::{ADD_MEMBER, INSERT};
use crate::store::IN_FLIGHT;
use crate::RedisStore;
use futures_util::stream::{self, StreamExt, TryStreamExt};
use redis::aio::ConnectionLike;
use redis::{AsyncCommands, ExistenceCheck, SetOptions};
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
        let mut insert = INSERT.key(self.keys.token(&digest));
        insert.arg(expiry.map(|ms| ms.to_string()).unwrap_or_default());
        insert.arg(field::CLIENT).arg(entry.client_id.as_str());
        insert.arg(field::KIND).arg(entry.kind.as_str());
        insert.arg(field::REVOCABLE).arg(u8::from(entry.revocable));
        if let Some(grant) = &entry.grant_id {
            insert.arg(field::GRANT).arg(grant);
        }
        if let Some(subject) = &entry.subject {
            insert.arg(field::SUB).arg(subject);
        }
        if let Some(expires_at) = entry.expires_at {
            insert.arg(field::EXP).arg(expires_at);
        }
        for (name, value) in &entry.labels {
            insert.arg(format!("{}{name}", field::LABEL)).arg(value);
        }
        let reply: Vec<String> = self.invoke(&insert).await?;
        let [inserted, client, grant, subject, expiry] = &reply[..] else {
            return Err(unexpected("token insertion"));
        };
        // Index what is stored (the entry's own values when it is new), so
        // that seeding again repairs an index an earlier seed left out.
        let score = match expiry.parse::<i64>() {
            Ok(-1) => "inf".to_owned(),
            Ok(ms) if ms >= 0 => ms.to_string(),
            Ok(_) => return Ok(inserted == "1"), // gone already
            Err(_) => return Err(unexpected("key expiry")),
        };
        let member = digest.to_hex();
        if !subject.is_empty() {
            let index = ADD_MEMBER.key(self.keys.subject(subject));
            self.add_member(index, &member, &score, now_ms).await?;
        }
        if !grant.is_empty() {
            let mut index = ADD_MEMBER.key(self.keys.grant(client, grant));
            index.key(self.keys.grant_ended(client, grant));
            if self.add_member(index, &member, &score, now_ms).await? {
                self.mark_ended(digest, client, grant, now_secs()).await?;
            }
        }
        Ok(inserted == "1")
    }

    /// Runs [`ADD_MEMBER`]; `true` if the grant is ended.
    async fn add_member(
        &self,
        mut index: redis::ScriptInvocation<'_>,
        member: &str,
        score: &str,
        now_ms: u64,
    ) -> Result<bool, StoreError> {
        index.arg(member).arg(score).arg(now_ms);
        let ended: i64 = self.invoke(&index).await?;
        Ok(ended == 1)
    }
}

/// Refuses what a [`Seed`] refuses: empty grant ids, subjects, label
/// names and label values.
fn check(entry: &TokenEntry) -> Result<(), StoreError> {
    let empty = |what: &str| {
        Err(StoreError::new(format!(
            "{what}: expected a non-empty string"
        )))
    };
    if entry.grant_id.as_deref() == Some("") {
        return empty("grant_id");
    }
    if entry.subject.as_deref() == Some("") {
        return empty("subject");
    }
    if entry
        .labels
        .iter()
        .any(|(n, v)| n.is_empty() || v.is_empty())
    {
        return empty("labels");
    }
    Ok(())
}
