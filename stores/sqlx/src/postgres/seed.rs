//! [`SeedRows`] for PostgreSQL: each chunk of seed rows as parallel
//! arrays, one `INSERT ... SELECT FROM UNNEST` per table.

use super::sql;
use crate::error::failed;
use crate::rows::{secret_column, TokenRow};
use crate::seed::SeedRows;
use sqlx::PgConnection;
use tower_revoke::store::ClientEntry;
use tower_revoke::StoreError;

impl SeedRows for PgConnection {
    /// Seed rows sent per `INSERT` (as parallel arrays).
    const CHUNK: usize = 5_000;

    /// Every client in one statement.
    async fn insert_clients(&mut self, clients: &[ClientEntry]) -> Result<u64, StoreError> {
        let (ids, secrets): (Vec<_>, Vec<_>) = clients
            .iter()
            .map(|c| (c.client_id.as_str().to_owned(), secret_column(c)))
            .unzip();
        let done = sqlx::query(sql::SEED_CLIENTS)
            .bind(ids)
            .bind(secrets)
            .execute(&mut *self)
            .await
            .map_err(failed("seed"))?;
        Ok(done.rows_affected())
    }

    /// The chunk's grants in one statement, then its tokens in another.
    async fn insert_tokens(&mut self, rows: &[TokenRow]) -> Result<u64, StoreError> {
        let grants = rows
            .iter()
            .filter_map(|r| Some((&r.client_id, r.grant_id.as_ref()?)));
        let (grant_clients, grant_ids): (Vec<_>, Vec<_>) = grants.unzip();
        sqlx::query(sql::SEED_GRANTS)
            .bind(grant_clients)
            .bind(grant_ids)
            .execute(&mut *self)
            .await
            .map_err(failed("seed"))?;
        let digests: Vec<&[u8]> = rows.iter().map(|r| r.digest.as_slice()).collect();
        let kinds: Vec<&str> = rows.iter().map(|r| r.kind).collect();
        let clients: Vec<&str> = rows.iter().map(|r| r.client_id.as_str()).collect();
        let grants: Vec<Option<&str>> = rows.iter().map(|r| r.grant_id.as_deref()).collect();
        let subjects: Vec<Option<&str>> = rows.iter().map(|r| r.subject.as_deref()).collect();
        let scopes: Vec<Option<&str>> = rows.iter().map(|r| r.scope.as_deref()).collect();
        let labels: Vec<&str> = rows.iter().map(|r| r.labels.as_str()).collect();
        let expiry: Vec<Option<i64>> = rows.iter().map(|r| r.expires_at).collect();
        let revocable: Vec<bool> = rows.iter().map(|r| r.revocable).collect();
        let done = sqlx::query(sql::SEED_TOKENS)
            .bind(digests)
            .bind(kinds)
            .bind(clients)
            .bind(grants)
            .bind(subjects)
            .bind(scopes)
            .bind(labels)
            .bind(expiry)
            .bind(revocable)
            .execute(&mut *self)
            .await
            .map_err(failed("seed"))?;
        Ok(done.rows_affected())
    }
}
