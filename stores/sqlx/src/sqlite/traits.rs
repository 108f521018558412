//! The store traits for [`SqliteStore`]: reads are one statement; a
//! revocation is one `BEGIN IMMEDIATE` transaction that reads the token,
//! decides by [`plan`], and writes. The statements it runs as
//! `PostgresStore` does are [`Shared`](crate::shared::Shared)'s.

use super::{sql, SqliteStore};
use crate::error::failed;
use crate::group::{CommitBatch, GroupCommit, Grouped, Revocation};
use crate::rows::{kind, now, wanted_labels};
use crate::rules::{plan, Found, Plan};
use sqlx::SqliteConnection;
use std::time::Duration;
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::JwtRecord;
use tower_revoke::{
    ActiveToken, AuthenticatedClient, ExpiredDeletion, IntrospectionStore, JwtDenyList,
    RevocationOutcome, RevocationStore, StoreError, SubjectRevocationStore,
};

impl RevocationStore for SqliteStore {
    /// One `SELECT` by client id, then
    /// [`StoredClient::authenticate`](tower_revoke::store::StoredClient::authenticate):
    /// the same work for an unknown client as for a known one. Ignores
    /// [`raw_alternative`](ClientCredentials::raw_alternative): the
    /// endpoint asks again with it.
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.shared().authenticate_client(credentials).await
    }

    /// One write transaction, shared with the revocations waiting at the
    /// same moment ([group commit](SqliteStore#group-commit)): the token
    /// and, for a refresh token, its grant are revoked together or not at
    /// all, and committed before `Ok` returns. It runs to completion on a
    /// task of its own ([`run_to_completion`](tower_revoke::store::run_to_completion)): a client hanging up mid-way
    /// (hyper drops the request's future) never leaves a pooled connection
    /// inside the transaction, nor drops the batch it runs for others.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.revoke_grouped(client, request).await
    }
}

impl Grouped for SqliteStore {
    fn group(&self) -> &GroupCommit {
        &self.group
    }

    fn max_wait(&self) -> Duration {
        self.pool.options().get_acquire_timeout()
    }
}

/// Which of a grant's tokens [`end_grant`] counts.
#[derive(Clone, Copy)]
pub(super) enum Counted<'a> {
    /// A revocation: the active tokens but the revoked one (this digest).
    OtherActive(&'a [u8]),
    /// Reuse: every token neither revoked nor expired, rotated ones
    /// included (as `MemoryStore` counts them).
    Live,
}

/// Revokes the grant (client id, grant id) unless it already is; returns
/// how many of its tokens it ended, as `counted` says (0 if it was revoked
/// already).
pub(super) async fn end_grant(
    tx: &mut SqliteConnection,
    (client_id, grant_id): &(String, String),
    now: i64,
    counted: Counted<'_>,
) -> Result<u64, StoreError> {
    let (except, rotated, operation) = match counted {
        Counted::OtherActive(digest) => (Some(digest), false, "revoke"),
        Counted::Live => (None, true, "rotate refresh token"),
    };
    let ended = sqlx::query(sql::REVOKE_GRANT)
        .bind(client_id)
        .bind(grant_id)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(operation))?;
    if ended.rows_affected() == 0 {
        return Ok(0);
    }
    let count: i64 = sqlx::query_scalar(sql::COUNT_GRANT)
        .bind(client_id)
        .bind(grant_id)
        .bind(now)
        .bind(except)
        .bind(rotated)
        .fetch_one(&mut *tx)
        .await
        .map_err(failed(operation))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

impl IntrospectionStore for SqliteStore {
    /// One `SELECT` by digest, joined with the token's grant.
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.shared().introspect(token).await
    }
}

impl SubjectRevocationStore for SqliteStore {
    /// One `UPDATE` (a write transaction of its own); skips tokens that
    /// are not revocable and does not extend to the other tokens of their
    /// grants.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let Some(labels) = wanted_labels(labels) else {
            return Ok(0);
        };
        let done = sqlx::query(sql::REVOKE_SUBJECT)
            .bind(subject)
            .bind(now())
            .bind(labels)
            .execute(&self.pool)
            .await
            .map_err(failed("revoke subject tokens"))?;
        Ok(done.rows_affected())
    }
}

impl JwtDenyList for SqliteStore {
    /// One `INSERT ... ON CONFLICT`: a row of `tower_revoke_denied_jtis`,
    /// kept until [`delete_expired`](ExpiredDeletion::delete_expired) deletes it
    /// after `until`.
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        self.shared().deny_jwt(jwt, until).await
    }

    /// One `SELECT` over both deny-list tables (primary-key lookups).
    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        self.shared().jwt_denied(jwt).await
    }

    /// One `INSERT ... ON CONFLICT` into `tower_revoke_subject_cutoffs`.
    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        self.shared()
            .deny_subject_jwts(issuer, subject, cutoff)
            .await
    }
}

impl ExpiredDeletion for SqliteStore {
    /// Deletes tokens past their expiry, then lapsed entries of the JWT
    /// deny-list, then grants no token refers to any more, then expired
    /// records of used client assertions, each in batches of `batch` rows
    /// (at least 1), one short write transaction per batch, so revocations
    /// wait for one batch at most. A token recorded later under a purged
    /// grant's id starts a new, unrevoked grant: a revoked grant refuses
    /// recordings only while one of its tokens is kept.
    ///
    /// Rarely, a recording into a grant that is being purged at the same
    /// moment fails on the foreign key: the app retries it as any store
    /// error.
    async fn delete_expired(&self, batch: u32) -> Result<u64, StoreError> {
        self.shared().purge_expired(batch).await
    }
}

impl CommitBatch for SqliteStore {
    /// One `BEGIN IMMEDIATE` transaction of [`revoke_in`](Self::revoke_in)
    /// for each revocation.
    async fn commit_batch(
        &self,
        revocations: &[Revocation],
    ) -> Result<Vec<RevocationOutcome>, StoreError> {
        let mut tx = self.begin_write("revoke").await?;
        let mut outcomes = Vec::with_capacity(revocations.len());
        for revocation in revocations {
            outcomes.push(self.revoke_in(&mut tx, revocation).await?);
        }
        tx.commit().await.map_err(failed("revoke"))?;
        Ok(outcomes)
    }
}

impl SqliteStore {
    /// One revocation inside the write transaction `tx`: reads the token's
    /// facts, decides by [`plan`], and writes what the plan says.
    async fn revoke_in(
        &self,
        tx: &mut SqliteConnection,
        revocation: &Revocation,
    ) -> Result<RevocationOutcome, StoreError> {
        let digest = revocation.digest.as_bytes().as_slice();
        let now = now();
        type Row = (String, bool, bool, bool, bool, String, Option<String>);
        let row: Option<Row> = sqlx::query_as(sql::FIND)
            .bind(digest)
            .bind(revocation.client_id.as_str())
            .bind(now)
            .fetch_optional(&mut *tx)
            .await
            .map_err(failed("revoke"))?;
        let (found, grant) = match row {
            None => (None, None),
            Some((kind_text, own, revocable, unrevoked, unexpired, client_id, grant_id)) => {
                let found = Found {
                    kind: kind(&kind_text)?,
                    own,
                    revocable,
                    unrevoked,
                    unexpired,
                    has_grant: grant_id.is_some(),
                };
                (Some(found), grant_id.map(|g| (client_id, g)))
            }
        };
        Ok(match plan(found, self.access_token_revokes_grant) {
            // Nothing to write.
            Plan::Answer(outcome) => outcome,
            Plan::EndGrantOnly => {
                if let Some(grant) = &grant {
                    end_grant(tx, grant, now, Counted::OtherActive(digest)).await?;
                }
                RevocationOutcome::NotFound
            }
            Plan::Revoke {
                kind,
                end_grant: ends,
            } => {
                sqlx::query(sql::REVOKE_TOKEN)
                    .bind(digest)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed("revoke"))?;
                let cascaded = match (&grant, ends) {
                    (Some(grant), true) => {
                        end_grant(tx, grant, now, Counted::OtherActive(digest)).await?
                    }
                    _ => 0,
                };
                RevocationOutcome::Revoked { kind, cascaded }
            }
        })
    }
}
