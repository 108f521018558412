//! [`IssuanceStore`] for [`PostgresStore`]: a recording is one statement;
//! a first rotation is one statement; a token rotated before (reuse, or a
//! presentation within the grace period) is decided in a transaction that
//! locks the token and its grant first.

use super::traits::PER_NOTICE;
use super::{sql, PostgresStore};
use crate::error::failed;
use crate::issuance::{now_ms, step, Presented, RecordFacts, Step, Successors};
use crate::rows::{now, TokenRow};
use sqlx::postgres::PgArguments;
use sqlx::query::QueryAs;
use sqlx::{Connection, PgConnection, Postgres};
use std::time::Duration;
use tower_revoke::store::{
    run_to_completion, ClientEntry, Recording, Registration, Rotation, RotationOutcome,
    TokenDigest, TokenEntry,
};
use tower_revoke::{AuthenticatedClient, IssuanceStore, StoreError};

/// How many times a statement that lost a race on a new digest (a unique
/// violation, or `ON CONFLICT DO NOTHING`) runs again: the next run's
/// snapshot sees the digest, and decides.
const ATTEMPTS: usize = 3;

/// SQLSTATE `unique_violation`.
const UNIQUE_VIOLATION: [&str; 1] = ["23505"];

impl IssuanceStore for PostgresStore {
    /// One `INSERT ... ON CONFLICT DO NOTHING`.
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        self.shared().register_client(client).await
    }

    /// One statement (one round trip, one implicit transaction), which
    /// takes the grant's row lock: see [`PostgresStore`]'s issuance docs.
    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        if !token.is_well_formed() {
            return Ok(Recording::Invalid);
        }
        let row = TokenRow::of(token);
        for _ in 0..ATTEMPTS {
            let (client, existing, grant_open, inserted): (bool, Option<bool>, bool, bool) =
                sqlx::query_as(sql::RECORD)
                    .bind(row.digest.as_slice())
                    .bind(row.kind)
                    .bind(row.client_id.as_str())
                    .bind(row.grant_id.as_deref())
                    .bind(row.subject.as_deref())
                    .bind(row.scope.as_deref())
                    .bind(row.labels.as_str())
                    .bind(row.expires_at)
                    .bind(row.revocable)
                    .fetch_one(&self.pool)
                    .await
                    .map_err(failed("record token"))?;
            let facts = RecordFacts {
                client,
                existing,
                grant_open,
            };
            if let Some(refusal) = facts.refusal() {
                return Ok(refusal);
            }
            if inserted {
                return Ok(Recording::Recorded);
            }
            // Recorded meanwhile by another call: the next run sees it.
        }
        Err(StoreError::new("record token: the token kept changing"))
    }

    /// A first rotation is one statement (one round trip); a token rotated
    /// before takes a transaction of two statements more: see
    /// [`PostgresStore`]'s issuance docs. It runs to completion on a task
    /// of its own ([`run_to_completion`]): a client hanging up mid-way
    /// (hyper drops the request's future) never leaves a pooled connection
    /// inside the transaction, where the next request on it would run.
    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let (store, client, rotation) = (self.clone(), client.clone(), rotation.clone());
        run_to_completion(async move { store.rotate_committed(&client, &rotation).await }).await
    }
}

impl PostgresStore {
    /// The work of [`rotate_refresh_token`](IssuanceStore::rotate_refresh_token).
    async fn rotate_committed(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let Some(successors) = Successors::of(rotation) else {
            return Ok(RotationOutcome::Conflict);
        };
        let rotating = Rotating {
            store: self,
            client_id: client.client_id.as_str(),
            digest: TokenDigest::of(&rotation.presented),
            own_grant: rotation.own_grant_id(),
            successors: &successors,
            grace: rotation.grace,
            now: now(),
            now_ms: now_ms(),
        };
        for _ in 0..ATTEMPTS {
            match rotating.attempt().await {
                Err(error) if sql::is_sqlstate(&error, &UNIQUE_VIOLATION) => continue,
                done => return done.map_err(failed("rotate refresh token")),
            }
        }
        Err(StoreError::new(
            "rotate refresh token: the successors kept changing",
        ))
    }
}

/// One rotation's values, bound into its statements.
struct Rotating<'a> {
    store: &'a PostgresStore,
    client_id: &'a str,
    digest: TokenDigest,
    own_grant: String,
    successors: &'a Successors,
    grace: Duration,
    now: i64,
    now_ms: i64,
}

/// A row of `ROTATE`.
type Rotate = (bool, Option<bool>, Option<i64>, bool, i64);

/// A row of `LOCK_PRESENTED`.
type Locked = (bool, bool, bool, bool, Option<i64>, Option<String>);

impl Rotating<'_> {
    /// One try: `ROTATE`, then for a token rotated before, the transaction
    /// of `LOCK_PRESENTED`. A unique violation (a successor recorded by
    /// someone else meanwhile) rolls everything back; the caller tries
    /// again.
    async fn attempt(&self) -> Result<RotationOutcome, sqlx::Error> {
        // One connection for both: no second trip through the pool.
        let mut conn = self.store.pool.acquire().await?;
        let query = sqlx::query_as::<_, Rotate>(sql::ROTATE);
        let (taken, own_refresh, rotated_at, rotated, _notices) = self
            .bind(query, &self.own_grant)
            .fetch_one(&mut *conn)
            .await?;
        Ok(if taken {
            RotationOutcome::Conflict
        } else if rotated {
            RotationOutcome::Rotated
        } else if own_refresh == Some(true) && rotated_at.is_some() {
            self.rotated_before(&mut conn).await?
        } else {
            RotationOutcome::InvalidGrant
        })
    }

    /// A token rotated before: its row and its grant's locked, the facts
    /// read, then as [`step`] decides, the successors recorded (within the
    /// grace period) or the grant ended (reuse), and committed.
    async fn rotated_before(
        &self,
        conn: &mut PgConnection,
    ) -> Result<RotationOutcome, sqlx::Error> {
        let mut tx = conn.begin().await?;
        let query = sqlx::query_as::<_, Locked>(sql::LOCK_PRESENTED);
        let locked = self
            .bind(query, &self.own_grant)
            .fetch_optional(&mut *tx)
            .await?;
        let taken = locked.as_ref().is_some_and(|row| row.0);
        let presented = locked.as_ref().map(|row| Presented {
            own_refresh: row.1,
            unexpired_unrevoked: row.2,
            grant_open: row.3,
            rotated_at: row.4,
        });
        let grant = locked.and_then(|row| row.5);
        let decided = step(taken, presented, self.grace, self.now_ms);
        // A refresh token of the client always has its grant's row.
        let (Step::Rotate | Step::Reuse, Some(grant)) = (decided, grant) else {
            // Nothing to write: let the locks go.
            tx.rollback().await?;
            return Ok(match decided {
                Step::Answer(outcome) => outcome,
                _ => RotationOutcome::InvalidGrant,
            });
        };
        let outcome = if decided == Step::Rotate {
            let query = sqlx::query_as::<_, (i64,)>(sql::ROTATE_LOCKED);
            self.bind(query, &grant).fetch_one(&mut *tx).await?;
            RotationOutcome::Rotated
        } else {
            let revoked = self.reuse(&mut tx, &grant).await?;
            RotationOutcome::Reused { revoked }
        };
        tx.commit().await?;
        Ok(outcome)
    }

    /// Ends `grant` and the presented token (see `REUSE`); how many tokens
    /// this ended.
    async fn reuse(&self, tx: &mut PgConnection, grant: &str) -> Result<u64, sqlx::Error> {
        let (revoked, _notices): (i64, i64) = sqlx::query_as(sql::REUSE)
            .bind(self.digest.as_bytes().as_slice())
            .bind(self.client_id)
            .bind(grant)
            .bind(self.now)
            .bind(&*self.store.channel)
            .bind(PER_NOTICE)
            .fetch_one(tx)
            .await?;
        Ok(u64::try_from(revoked).unwrap_or(0))
    }

    /// Binds the parameters of `ROTATE`, `LOCK_PRESENTED` and
    /// `ROTATE_LOCKED`, with `grant` as `$5`.
    fn bind<'q, O>(
        &'q self,
        query: QueryAs<'q, Postgres, O, PgArguments>,
        grant: &'q str,
    ) -> QueryAs<'q, Postgres, O, PgArguments> {
        let refresh = &self.successors.refresh_token;
        let access = self.successors.access_token.as_ref();
        query
            .bind(self.digest.as_bytes().as_slice())
            .bind(self.client_id)
            .bind(self.now)
            .bind(self.now_ms)
            .bind(grant)
            .bind(refresh.digest.as_slice())
            .bind(refresh.subject.as_deref())
            .bind(refresh.scope.as_deref())
            .bind(refresh.labels.as_str())
            .bind(refresh.expires_at)
            .bind(refresh.revocable)
            .bind(access.map(|a| a.digest.as_slice()))
            .bind(access.and_then(|a| a.subject.as_deref()))
            .bind(access.and_then(|a| a.scope.as_deref()))
            .bind(access.map(|a| a.labels.as_str()))
            .bind(access.and_then(|a| a.expires_at))
            .bind(access.map(|a| a.revocable))
            .bind(&*self.store.channel)
            .bind(PER_NOTICE)
    }
}
