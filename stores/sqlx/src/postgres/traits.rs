//! The store traits for [`PostgresStore`]: each method one statement.
//! Those it runs as `SqliteStore` does are [`Shared`](crate::shared::Shared)'s.

use super::{sql, PostgresStore};
use crate::error::failed;
use crate::rows::{kind, now, wanted_labels};
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::store::{JwtRecord, RevocationNotice, TokenDigest};
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

    /// One statement, which also sends the revocation notices: see
    /// [`PostgresStore`]'s round trips and notices.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let digest = TokenDigest::of(request.token());
        let row: Option<(String, bool, bool, bool, bool, i64, i64)> = sqlx::query_as(sql::REVOKE)
            .bind(digest.as_bytes().as_slice())
            .bind(client.client_id.as_str())
            .bind(now())
            .bind(self.access_token_revokes_grant)
            .bind(self.channel.as_str())
            .bind(PER_NOTICE)
            .fetch_optional(&self.pool)
            .await
            .map_err(failed("revoke"))?;
        let Some((kind_text, own, revocable, active, revoked, cascaded, _notices)) = row else {
            return Ok(RevocationOutcome::NotFound);
        };
        // The order of RevocationStore::revoke, over what the statement did.
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
            .bind(self.channel.as_str())
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
