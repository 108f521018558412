//! [`JwtDenyList`] for [`SqliteStore`]: each method one statement.

use super::{sql, SqliteStore};
use crate::error::failed;
use crate::rows::{now, unix};
use tower_revoke::{JwtDenyList, JwtRecord, StoreError};

impl JwtDenyList for SqliteStore {
    /// One `INSERT ... ON CONFLICT`: a row of `tower_revoke_denied_jtis`,
    /// kept until [`purge_expired`](SqliteStore::purge_expired) deletes it
    /// after `until`.
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::DENY_JWT)
            .bind(jwt.issuer)
            .bind(jwt.jti)
            .bind(unix(until))
            .bind(now())
            .execute(&self.pool)
            .await
            .map_err(failed("deny jwt"))?;
        Ok(done.rows_affected() == 1)
    }

    /// One `SELECT` over both deny-list tables (primary-key lookups).
    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        sqlx::query_scalar(sql::JWT_DENIED)
            .bind(jwt.issuer)
            .bind(jwt.jti)
            .bind(jwt.subject)
            .bind(unix(jwt.issued_at))
            .bind(now())
            .fetch_one(&self.pool)
            .await
            .map_err(failed("check jwt"))
    }

    /// One `INSERT ... ON CONFLICT` into `tower_revoke_subject_cutoffs`.
    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(sql::DENY_SUBJECT_JWTS)
            .bind(issuer)
            .bind(subject)
            .bind(unix(cutoff))
            .execute(&self.pool)
            .await
            .map_err(failed("deny subject jwts"))?;
        Ok(())
    }
}
