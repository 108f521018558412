//! The store traits for [`PostgresStore`]: each method one statement (a
//! revocation's shared with those waiting at the same moment).
//! Those it runs as `SqliteStore` does are [`Shared`](crate::shared::Shared)'s.

use super::{sql, PostgresStore};
use crate::error::{corrupt, failed};
use crate::group::{CommitBatch, GroupCommit, Grouped, Revocation};
use crate::rows::{kind, now, wanted_labels};
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use sqlx::Postgres;
use std::time::Duration;
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::{JwtRecord, RevocationNotice};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, ExpiredDeletion, IntrospectionStore, JwtDenyList,
    RevocationOutcome, RevocationStore, StoreError, SubjectRevocationStore,
};

/// Digests per `NOTIFY` payload, bound into the statements.
pub(super) const PER_NOTICE: i64 = RevocationNotice::MAX_DIGESTS_PER_MESSAGE as i64;

impl RevocationStore for PostgresStore {
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

    /// One statement, which also sends the revocation notices, shared
    /// with the revocations waiting at the same moment: see
    /// [`PostgresStore`]'s group commit, round trips and notices. It runs
    /// to completion on a task of its own ([`run_to_completion`](tower_revoke::store::run_to_completion)): a
    /// client hanging up mid-way never drops the batch it runs for others.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.revoke_grouped(client, request).await
    }
}

impl Grouped for PostgresStore {
    fn group(&self) -> &GroupCommit {
        &self.group
    }

    fn max_wait(&self) -> Duration {
        self.pool.options().get_acquire_timeout()
    }
}

/// The columns of `REVOKE`'s row: the token's kind, whether it is the
/// asking client's, revocable, active, whether the statement revoked it,
/// how many other tokens its grant's end revoked, how many notices.
type Revoked = (String, bool, bool, bool, bool, i64, i64);

impl CommitBatch for PostgresStore {
    /// One revocation: the `REVOKE` statement. Several: one
    /// `REVOKE_BATCH` statement (see `sql::batch`).
    async fn commit_batch(
        &self,
        revocations: &[Revocation],
    ) -> Result<Vec<RevocationOutcome>, StoreError> {
        let now = now();
        if let [one] = revocations {
            let query = sqlx::query_as(sql::REVOKE)
                .bind(one.digest.as_bytes().as_slice())
                .bind(one.client_id.as_str());
            let row: Option<Revoked> = self
                .bind_settings(query, now)
                .fetch_optional(&self.pool)
                .await
                .map_err(failed("revoke"))?;
            return Ok(vec![outcome(row)?]);
        }
        let digests: Vec<&[u8]> = revocations
            .iter()
            .map(|r| r.digest.as_bytes().as_slice())
            .collect();
        let client_ids: Vec<&str> = revocations.iter().map(|r| r.client_id.as_str()).collect();
        type Row = (i32, String, bool, bool, bool, bool, i64, i64);
        let query = sqlx::query_as(sql::REVOKE_BATCH)
            .bind(digests)
            .bind(client_ids);
        let rows: Vec<Row> = self
            .bind_settings(query, now)
            .fetch_all(&self.pool)
            .await
            .map_err(failed("revoke"))?;
        let mut outcomes = vec![RevocationOutcome::NotFound; revocations.len()];
        for (position, kind, own, revocable, active, revoked, cascaded, notices) in rows {
            let row = (kind, own, revocable, active, revoked, cascaded, notices);
            let slot = usize::try_from(position - 1)
                .ok()
                .and_then(|i| outcomes.get_mut(i))
                .ok_or_else(|| corrupt("a batch revocation's position"))?;
            *slot = outcome(Some(row))?;
        }
        Ok(outcomes)
    }
}

impl PostgresStore {
    /// Binds `REVOKE`'s (and `REVOKE_BATCH`'s) `$3` to `$6` after the
    /// first two: now, whether an access token ends its grant, the notice
    /// channel, digests per notice.
    fn bind_settings<'q, O>(
        &'q self,
        query: QueryAs<'q, Postgres, O, PgArguments>,
        now: i64,
    ) -> QueryAs<'q, Postgres, O, PgArguments> {
        query
            .bind(now)
            .bind(self.access_token_revokes_grant)
            .bind(&*self.channel)
            .bind(PER_NOTICE)
    }
}

/// The outcome of a revocation, from what `REVOKE` did (`None`: an
/// unknown token), in the order of
/// [`RevocationStore::revoke`](tower_revoke::RevocationStore::revoke).
fn outcome(row: Option<Revoked>) -> Result<RevocationOutcome, StoreError> {
    let Some((kind_text, own, revocable, active, revoked, cascaded, _notices)) = row else {
        return Ok(RevocationOutcome::NotFound);
    };
    Ok(if !active {
        RevocationOutcome::NotFound
    } else if !own {
        RevocationOutcome::IssuedToAnotherClient
    } else if !revocable {
        RevocationOutcome::UnsupportedTokenType
    } else if !revoked {
        // A concurrent revocation got there first.
        RevocationOutcome::NotFound
    } else {
        RevocationOutcome::Revoked {
            kind: kind(&kind_text)?,
            cascaded: u64::try_from(cascaded).unwrap_or(0),
        }
    })
}

impl IntrospectionStore for PostgresStore {
    /// One `SELECT` by digest, joined with the token's grant.
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.shared().introspect(token).await
    }
}

impl SubjectRevocationStore for PostgresStore {
    /// One `UPDATE`, which also sends the revocation notices; skips tokens
    /// that are not revocable and does not extend to the other tokens of
    /// their grants.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        let Some(labels) = wanted_labels(labels) else {
            return Ok(0);
        };
        let (revoked, _notices): (i64, i64) = sqlx::query_as(sql::REVOKE_SUBJECT)
            .bind(subject)
            .bind(now())
            .bind(labels)
            .bind(&*self.channel)
            .bind(PER_NOTICE)
            .fetch_one(&self.pool)
            .await
            .map_err(failed("revoke subject tokens"))?;
        Ok(u64::try_from(revoked).unwrap_or(0))
    }
}

impl JwtDenyList for PostgresStore {
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

impl ExpiredDeletion for PostgresStore {
    /// Deletes tokens past their expiry, then lapsed entries of the JWT
    /// deny-list, then grants no token refers to any more, then expired
    /// records of used client assertions, each in batches of `batch` rows
    /// (at least 1), one short statement per batch, so other requests are
    /// never blocked for long. A token recorded later under a purged
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
