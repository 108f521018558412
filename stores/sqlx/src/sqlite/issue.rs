//! [`IssuanceStore`] for [`SqliteStore`]: each recording and each
//! rotation is one `BEGIN IMMEDIATE` transaction that reads the facts,
//! decides by the rules of [`issuance`](crate::issuance), and writes. The
//! write lock is taken at `BEGIN`, so no other write (a revocation, a
//! recording, another rotation, from any connection or process) comes
//! between the read and the write.

use super::traits::{end_grant, Counted};
use super::{sql, SqliteStore};
use crate::error::failed;
use crate::issuance::{now_ms, step, Presented, RecordFacts, Step, Successors};
use crate::rows::{now, TokenRow};
use sqlx::SqliteConnection;
use tower_revoke::store::{
    run_to_completion, ClientEntry, Recording, Registration, Rotation, RotationOutcome,
    TokenDigest, TokenEntry,
};
use tower_revoke::{AuthenticatedClient, IssuanceStore, StoreError};

impl IssuanceStore for SqliteStore {
    /// One `INSERT ... ON CONFLICT DO NOTHING`.
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        self.shared().register_client(client).await
    }

    /// One write transaction: the facts (`SELECT`), then the grant and the
    /// token (`INSERT`s) when they allow it; run to completion on a task of
    /// its own ([`run_to_completion`]), so that a caller dropped mid-way
    /// (a client hanging up) never leaves the connection inside it.
    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        let (store, token) = (self.clone(), token.clone());
        run_to_completion(async move { store.record_committed(&token).await }).await
    }

    /// One write transaction: the facts (`SELECT`), then as they decide,
    /// the token marked rotated and its successors recorded (one sent
    /// without a subject or scope with the token's), or its grant ended;
    /// run to completion on a task of its own ([`run_to_completion`]).
    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let (store, client, rotation) = (self.clone(), client.clone(), rotation.clone());
        run_to_completion(async move { store.rotate_committed(&client, &rotation).await }).await
    }
}

/// Reuse: ends the grant (client id, grant id), creating its row revoked
/// if it has none, and the presented token `digest` when it lies outside
/// it; returns how many live tokens this ended.
async fn reuse(
    tx: &mut SqliteConnection,
    grant: &(String, String),
    digest: &[u8],
    now: i64,
) -> Result<u64, StoreError> {
    const OPERATION: &str = "rotate refresh token";
    insert_grant(tx, (&grant.0, &grant.1), OPERATION).await?;
    let members = end_grant(tx, grant, now, Counted::Live).await?;
    let outside = sqlx::query(sql::REVOKE_OUTSIDE)
        .bind(digest)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(failed(OPERATION))?;
    Ok(members + outside.rows_affected())
}

/// Inserts `row`'s grant (if any) unless it is stored, then the token
/// unless it is stored; returns 1 if it inserted the token, else 0. Errors
/// name `operation`.
async fn insert_token(
    conn: &mut SqliteConnection,
    row: &TokenRow,
    operation: &'static str,
) -> Result<u64, StoreError> {
    if let Some(grant_id) = &row.grant_id {
        insert_grant(conn, (&row.client_id, grant_id), operation).await?;
    }
    insert_row(conn, row, operation).await
}

/// Inserts the grant (client id, grant id) unless it is stored.
async fn insert_grant(
    conn: &mut SqliteConnection,
    (client_id, grant_id): (&str, &str),
    operation: &'static str,
) -> Result<(), StoreError> {
    sqlx::query(sql::INSERT_GRANT)
        .bind(client_id)
        .bind(grant_id)
        .execute(&mut *conn)
        .await
        .map_err(failed(operation))?;
    Ok(())
}

/// Inserts the token of `row` unless it is stored (its grant must be);
/// returns 1 if it inserted it, else 0.
async fn insert_row(
    conn: &mut SqliteConnection,
    row: &TokenRow,
    operation: &'static str,
) -> Result<u64, StoreError> {
    let done = sqlx::query(sql::INSERT_TOKEN)
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

impl SqliteStore {
    /// The work of [`record_token`](Self::record_token), which runs it to completion.
    async fn record_committed(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        const OPERATION: &str = "record token";
        if !token.is_well_formed() {
            return Ok(Recording::Invalid);
        }
        let row = TokenRow::of(token);
        let mut tx = self.begin_write(OPERATION).await?;
        let (client, existing, grant_open): (bool, Option<bool>, bool) =
            sqlx::query_as(sql::RECORD_FACTS)
                .bind(&row.digest)
                .bind(row.kind)
                .bind(&row.client_id)
                .bind(&row.grant_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(failed(OPERATION))?;
        let facts = RecordFacts {
            client,
            existing,
            grant_open,
        };
        let recording = match facts.refusal() {
            Some(refusal) => refusal,
            None => {
                insert_token(&mut tx, &row, OPERATION).await?;
                Recording::Recorded
            }
        };
        tx.commit().await.map_err(failed(OPERATION))?;
        Ok(recording)
    }

    /// The work of [`rotate_refresh_token`](Self::rotate_refresh_token), which runs it to completion.
    async fn rotate_committed(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        const OPERATION: &str = "rotate refresh token";
        let Some(successors) = Successors::of(rotation) else {
            return Ok(RotationOutcome::Conflict);
        };
        let digest = TokenDigest::of(&rotation.presented);
        let digest = digest.as_bytes().as_slice();
        let (now, now_ms) = (now(), now_ms());
        let mut tx = self.begin_write(OPERATION).await?;
        type Row = (
            bool,
            Option<bool>,
            Option<bool>,
            Option<bool>,
            Option<i64>,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let access = successors.access_token.as_ref();
        let (
            taken,
            own_refresh,
            unexpired_unrevoked,
            grant_open,
            rotated_at,
            grant,
            subject,
            scope,
        ): Row = sqlx::query_as(sql::ROTATION_FACTS)
            .bind(digest)
            .bind(client.client_id.as_str())
            .bind(now)
            .bind(rotation.own_grant_id())
            .bind(&successors.refresh_token.digest)
            .bind(access.map(|a| &a.digest))
            .fetch_one(&mut *tx)
            .await
            .map_err(failed(OPERATION))?;
        let presented = own_refresh.map(|own_refresh| Presented {
            own_refresh,
            unexpired_unrevoked: unexpired_unrevoked == Some(true),
            grant_open: grant_open != Some(false),
            rotated_at,
        });
        let decided = step(taken, presented, rotation.grace, now_ms);
        let outcome = match (decided, grant) {
            (Step::Rotate, Some(grant)) => {
                sqlx::query(sql::MARK_ROTATED)
                    .bind(digest)
                    .bind(now_ms)
                    .execute(&mut *tx)
                    .await
                    .map_err(failed(OPERATION))?;
                let client_id = client.client_id.as_str();
                insert_grant(&mut tx, (client_id, &grant), OPERATION).await?;
                for row in successors.rows() {
                    let row = TokenRow {
                        client_id: client_id.to_owned(),
                        grant_id: Some(grant.clone()),
                        subject: row.subject.clone().or_else(|| subject.clone()),
                        scope: row.scope.clone().or_else(|| scope.clone()),
                        ..row.clone()
                    };
                    insert_row(&mut tx, &row, OPERATION).await?;
                }
                RotationOutcome::Rotated
            }
            (Step::Reuse, Some(grant)) => {
                let ended = (client.client_id.as_str().to_owned(), grant);
                let revoked = reuse(&mut tx, &ended, digest, now).await?;
                RotationOutcome::Reused { revoked }
            }
            (Step::Answer(outcome), _) => outcome,
            // A known token always has a grant (its own at least).
            (_, None) => RotationOutcome::InvalidGrant,
        };
        tx.commit().await.map_err(failed(OPERATION))?;
        Ok(outcome)
    }
}
