//! [`Shared`]: the statements both stores run alike on their pool (client
//! authentication and registration, a client's keys, introspection, the
//! JWT deny-list, the purge), written once over sqlx's [`Database`]. Each database gives its SQL
//! ([`Dialect`]); the values bound, the columns read and the decisions
//! taken on them are the same.

use crate::assertion::{key_columns, stored_keys};
use crate::clients::{ClientCache, ClientRow};
use crate::dialect::Dialect;
use crate::error::failed;
use crate::rows::{active_token, now, secret_column, secret_digest, unix, ActiveRow};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, IntoArguments, Pool, Type};
use std::time::Instant;
use tower_revoke::client::{ClientCredentials, ClientId};
use tower_revoke::request::Token;
use tower_revoke::store::{
    ClientEntry, ClientKeys, JwtRecord, Registration, StoredClient, TokenDigest,
};
use tower_revoke::{ActiveToken, AuthenticatedClient, StoreError};

/// A store's pool, for the statements both databases run alike, and its
/// cache of client rows, if it has one.
pub(crate) struct Shared<'p, DB: Database> {
    pool: &'p Pool<DB>,
    clients: Option<&'p ClientCache>,
}

impl<'p, DB: Database> Shared<'p, DB> {
    pub(crate) fn new(pool: &'p Pool<DB>) -> Self {
        Self {
            pool,
            clients: None,
        }
    }

    /// The same, with the store's cache of client rows (`None`: off).
    pub(crate) fn with_clients(mut self, clients: Option<&'p ClientCache>) -> Self {
        self.clients = clients;
        self
    }

    /// Empties the store's client cache, if it has one (the conformance
    /// kit's reset).
    #[cfg(feature = "testkit")]
    pub(crate) fn forget_clients(&self) {
        if let Some(clients) = self.clients {
            clients.clear();
        }
    }

    pub(crate) fn pool(&self) -> &'p Pool<DB> {
        self.pool
    }
}

// What sqlx needs to run these statements on `DB`'s pool: the values they
// bind (text, bytes, integers) and read (bytes, text, integers, booleans),
// by column index. PostgreSQL and SQLite have them all.
impl<DB> Shared<'_, DB>
where
    DB: Dialect,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'q> Option<Vec<u8>>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'r> bool: Decode<'r, DB> + Type<DB>,
    for<'r> String: Decode<'r, DB> + Type<DB>,
    for<'r> Vec<u8>: Decode<'r, DB> + Type<DB>,
    usize: ColumnIndex<DB::Row>,
{
    /// [`RevocationStore::authenticate_client`](tower_revoke::RevocationStore::authenticate_client):
    /// the client's row from the [`ClientCache`] when it holds a fresh one,
    /// else one `SELECT` by client id (a known client's row is then held);
    /// then [`StoredClient::authenticate`] on every call, the same work for
    /// an unknown client as for a known one. A client with keys and no
    /// secret is [`StoredClient::KeysOnly`]: never public, so `none` never
    /// authenticates it (RFC 7591 §2: it registered keys to authenticate
    /// with `private_key_jwt`).
    pub(crate) async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        let client_id = credentials.client_id().as_str();
        if let Some(row) = self.clients.and_then(|cache| cache.get(client_id)) {
            return Ok(row.authenticate(credentials));
        }
        // Before the statement is sent: the entry's age bounds how long
        // ago the database held it.
        let read_at = Instant::now();
        let stored: Option<(Option<Vec<u8>>, bool)> = sqlx::query_as(DB::CLIENT)
            .bind(client_id)
            .fetch_optional(self.pool)
            .await
            .map_err(failed("authenticate client"))?;
        let row = match stored {
            None => return Ok(StoredClient::Unknown.authenticate(credentials)),
            Some((None, false)) => ClientRow::Public,
            Some((None, true)) => ClientRow::KeysOnly,
            Some((Some(bytes), _)) => ClientRow::Confidential(secret_digest(&bytes)?),
        };
        let client = row.authenticate(credentials);
        if let Some(cache) = self.clients {
            cache.put(client_id, row, read_at);
        }
        Ok(client)
    }

    /// [`IssuanceStore::register_client`](tower_revoke::IssuanceStore::register_client):
    /// one `INSERT ... ON CONFLICT DO NOTHING`, so a registered client (its
    /// secret and keys, or its being public) is never replaced. The
    /// client's entry in the [`ClientCache`] is then forgotten, whatever
    /// the answer, so this instance's next request reads the row the
    /// database holds.
    pub(crate) async fn register_client(
        &self,
        client: &ClientEntry,
    ) -> Result<Registration, StoreError> {
        let (jwks, jwks_uri) = key_columns(client);
        let done = sqlx::query(DB::REGISTER_CLIENT)
            .bind(client.client_id.as_str())
            .bind(secret_column(client))
            .bind(jwks)
            .bind(jwks_uri)
            .execute(self.pool)
            .await;
        if let Some(cache) = self.clients {
            cache.forget(client.client_id.as_str());
        }
        let done = done.map_err(failed("register client"))?;
        Ok(match DB::rows_affected(&done) {
            0 => Registration::AlreadyRegistered,
            _ => Registration::Registered,
        })
    }

    /// [`ClientAssertionStore::client_keys`](tower_revoke::ClientAssertionStore::client_keys):
    /// one `SELECT` by client id; `None` for an unknown client and for one
    /// without keys alike.
    pub(crate) async fn client_keys(
        &self,
        client_id: &ClientId,
    ) -> Result<Option<ClientKeys>, StoreError> {
        let stored: Option<(Option<String>, Option<String>)> = sqlx::query_as(DB::CLIENT_KEYS)
            .bind(client_id.as_str())
            .fetch_optional(self.pool)
            .await
            .map_err(failed("client keys"))?;
        let (jwks, jwks_uri) = stored.unwrap_or_default();
        stored_keys(jwks, jwks_uri)
    }

    /// [`IntrospectionStore::introspect`](tower_revoke::IntrospectionStore::introspect):
    /// one `SELECT` by digest, joined with the token's grant.
    pub(crate) async fn introspect(
        &self,
        token: &Token,
    ) -> Result<Option<ActiveToken>, StoreError> {
        let row: Option<ActiveRow> = sqlx::query_as(DB::INTROSPECT)
            .bind(TokenDigest::of(token).as_bytes().as_slice())
            .bind(now())
            .fetch_optional(self.pool)
            .await
            .map_err(failed("introspect"))?;
        row.map(active_token).transpose()
    }

    /// [`JwtDenyList::deny_jwt`](tower_revoke::JwtDenyList::deny_jwt): one
    /// `INSERT ... ON CONFLICT`.
    pub(crate) async fn deny_jwt(
        &self,
        jwt: &JwtRecord<'_>,
        until: u64,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(DB::DENY_JWT)
            .bind(jwt.issuer)
            .bind(jwt.jti)
            .bind(unix(until))
            .bind(now())
            .execute(self.pool)
            .await
            .map_err(failed("deny jwt"))?;
        Ok(DB::rows_affected(&done) == 1)
    }

    /// [`JwtDenyList::jwt_denied`](tower_revoke::JwtDenyList::jwt_denied):
    /// one `SELECT` over both deny-list tables.
    pub(crate) async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        sqlx::query_scalar(DB::JWT_DENIED)
            .bind(jwt.issuer)
            .bind(jwt.jti)
            .bind(jwt.subject)
            .bind(unix(jwt.issued_at))
            .bind(now())
            .fetch_one(self.pool)
            .await
            .map_err(failed("check jwt"))
    }

    /// [`JwtDenyList::deny_subject_jwts`](tower_revoke::JwtDenyList::deny_subject_jwts):
    /// one `INSERT ... ON CONFLICT`.
    pub(crate) async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        sqlx::query(DB::DENY_SUBJECT_JWTS)
            .bind(issuer)
            .bind(subject)
            .bind(unix(cutoff))
            .execute(self.pool)
            .await
            .map_err(failed("deny subject jwts"))?;
        Ok(())
    }

    /// The stores' `purge_expired`: deletes expired tokens, then lapsed
    /// deny-list entries, then grants no token refers to any more, then
    /// expired records of used client assertions, each in batches of
    /// `batch` rows (at least 1), one statement per batch. Returns how many
    /// tokens it deleted.
    pub(crate) async fn purge_expired(&self, batch: u32) -> Result<u64, StoreError> {
        let batch = i64::from(batch.max(1));
        let now = now();
        let tokens = self.in_batches(DB::PURGE_TOKENS, Some(now), batch).await?;
        for (sql, now) in [
            (DB::PURGE_DENIED_JWTS, Some(now)),
            (DB::PURGE_GRANTS, None),
            (DB::PURGE_ASSERTIONS, Some(now)),
        ] {
            self.in_batches(sql, now, batch).await?;
        }
        Ok(tokens)
    }

    /// Runs the deletion `sql` (parameters: `now` when given, then `batch`)
    /// until a run deletes fewer than `batch` rows; returns how many rows
    /// it deleted in all.
    async fn in_batches(
        &self,
        sql: &'static str,
        now: Option<i64>,
        batch: i64,
    ) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let mut query = sqlx::query(sql);
            if let Some(now) = now {
                query = query.bind(now);
            }
            let done = query
                .bind(batch)
                .execute(self.pool)
                .await
                .map_err(failed("purge"))?;
            let deleted = DB::rows_affected(&done);
            total += deleted;
            if deleted < batch as u64 {
                return Ok(total);
            }
        }
    }
}
