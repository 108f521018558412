//! [`SeedRows`] for SQLite: one `INSERT` per row, in the seed's
//! `BEGIN IMMEDIATE` transaction (SQLite runs in this process, so a
//! statement costs no round trip).

use super::sql;
use crate::error::failed;
use crate::rows::{secret_column, TokenRow};
use crate::seed::SeedRows;
use sqlx::SqliteConnection;
use tower_revoke::store::ClientEntry;
use tower_revoke::StoreError;

impl SeedRows for SqliteConnection {
    /// Rows are inserted one by one: the chunk only bounds the rows held
    /// in memory at once.
    const CHUNK: usize = 1_000;

    /// One statement per client.
    async fn insert_clients(&mut self, clients: &[ClientEntry]) -> Result<u64, StoreError> {
        let mut inserted = 0;
        for client in clients {
            inserted += sqlx::query(sql::SEED_CLIENT)
                .bind(client.client_id.as_str())
                .bind(secret_column(client))
                .execute(&mut *self)
                .await
                .map_err(failed("seed"))?
                .rows_affected();
        }
        Ok(inserted)
    }

    /// For each row, its grant (if any), then the token.
    async fn insert_tokens(&mut self, rows: &[TokenRow]) -> Result<u64, StoreError> {
        let mut inserted = 0;
        for row in rows {
            inserted += insert_token(self, row, "seed").await?;
        }
        Ok(inserted)
    }
}

/// Inserts `row`'s grant (if any) unless it is stored, then the token
/// unless it is stored; returns 1 if it inserted the token, else 0. Errors
/// name `operation`.
pub(super) async fn insert_token(
    conn: &mut SqliteConnection,
    row: &TokenRow,
    operation: &'static str,
) -> Result<u64, StoreError> {
    if let Some(grant_id) = &row.grant_id {
        sqlx::query(sql::SEED_GRANT)
            .bind(&row.client_id)
            .bind(grant_id)
            .execute(&mut *conn)
            .await
            .map_err(failed(operation))?;
    }
    let done = sqlx::query(sql::SEED_TOKEN)
        .bind(&row.digest)
        .bind(row.kind)
        .bind(&row.client_id)
        .bind(&row.grant_id)
        .bind(&row.subject)
        .bind(&row.scope)
        .bind(&row.labels)
        .bind(row.expires_at)
        .bind(row.revocable)
        .execute(&mut *conn)
        .await
        .map_err(failed(operation))?;
    Ok(done.rows_affected())
}
