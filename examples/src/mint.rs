//! The demo's JWT access tokens with their status (draft-ietf-oauth-status-list-20):
//! each JWT the demo mints names its status in a list the demo publishes
//! at `{issuer}/statuslists/{n}` ([`STATUS_LISTS_PATH`]), so that a
//! resource server that never talks to the demo's store refuses it once
//! it is revoked.
//!
//! A token is minted in three steps, as any token endpoint using
//! [`StatusIssuer`] would: a status is allocated and its claim added
//! ([`Minter::mint`]), the JWT is signed and recorded in the store (by the
//! caller: [`IssuanceStore::record_token`](tower_revoke::IssuanceStore::record_token)
//! or a rotation), and then the status is bound to the recorded token
//! ([`Minter::bind`]) before the token is handed out, so that the end of
//! its grant reaches its status too.

use crate::demo::Config;
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::client::ClientId;
use tower_revoke::jwt::jsonwebtoken::{Algorithm, EncodingKey};
use tower_revoke::status_list::StatusIssuer;
use tower_revoke::store::{BoxStatusListStore, DynStatusListStore, StatusSlot, TokenEntry};
use tower_revoke::StoreError;

/// The path under the issuer where the demo publishes its status lists:
/// list `n` at `/statuslists/n`, the aggregation at `/statuslists`.
pub const STATUS_LISTS_PATH: &str = "/statuslists";

/// The variable the lists' `ttl` is read from: a duration such as `60s`
/// (default [`STATUS_LIST_TTL`]), at least a second.
pub const STATUS_LIST_TTL_VAR: &str = "TOWER_REVOKE_STATUS_LIST_TTL";

/// The lists' `ttl` when [`STATUS_LIST_TTL_VAR`] is unset.
pub const STATUS_LIST_TTL: Duration = Duration::from_secs(60);

/// The demo's status issuer: statuses in the demo's store, lists signed
/// HS256 with the JWT secret.
pub type DemoStatuses = StatusIssuer<BoxStatusListStore>;

/// Mints the demo's JWT access tokens ([`Config::mint`]), each with a
/// status when the store keeps statuses.
#[derive(Clone, Debug)]
pub struct Minter {
    config: Config,
    statuses: Option<DemoStatuses>,
}

/// A JWT just minted: the entry to record, and its status to bind once it
/// is recorded.
#[derive(Debug)]
pub struct Minted {
    /// The JWT as the store records it.
    pub entry: TokenEntry,
    /// Its status, `None` when the store keeps none.
    pub slot: Option<StatusSlot>,
}

impl Minter {
    /// `config`'s JWTs, with statuses in `statuses` when it is given and
    /// JWTs are on: lists at the issuer's [`STATUS_LISTS_PATH`], their
    /// `ttl` [`Config::status_list_ttl`].
    pub fn new(config: &Config, statuses: Option<Arc<dyn DynStatusListStore>>) -> Self {
        let statuses = statuses
            .zip(config.jwt_secret.as_ref())
            .map(|(store, secret)| {
                let key = EncodingKey::from_secret(secret.as_bytes())
                    .expect("TOWER_REVOKE_JWT_HS256_SECRET: an HS256 secret must not be empty");
                let base = config.endpoint_url(STATUS_LISTS_PATH);
                let store = BoxStatusListStore::from_arc(store);
                StatusIssuer::new(store, &base, Algorithm::HS256, key).ttl(config.status_list_ttl)
            });
        Self {
            config: config.clone(),
            statuses,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The status issuer, when tokens carry statuses.
    pub fn statuses(&self) -> Option<&DemoStatuses> {
        self.statuses.as_ref()
    }

    /// A JWT access token as [`Config::mint`] makes it, with a `status`
    /// claim when statuses are on; `None` when JWTs are off.
    ///
    /// # Errors
    /// The store failed to allocate a status: nothing minted.
    pub async fn mint(
        &self,
        client_id: &ClientId,
        sub: &str,
        scope: Option<&str>,
        lifetime: Duration,
    ) -> Result<Option<Minted>, StoreError> {
        let Some(mut claims) = self.config.claims(client_id, sub, scope, lifetime) else {
            return Ok(None);
        };
        let slot = match &self.statuses {
            Some(statuses) => Some(
                statuses
                    .add_status(&mut claims)
                    .await
                    .map_err(StoreError::new)?,
            ),
            None => None,
        };
        let entry = self.config.sign(&claims, client_id);
        Ok(entry.map(|entry| Minted { entry, slot }))
    }

    /// Binds `minted`'s status to its token, once recorded.
    ///
    /// # Errors
    /// The store failed, or the status was never allocated (the token must
    /// not be handed out).
    pub async fn bind(&self, minted: &Minted) -> Result<(), StoreError> {
        let (Some(statuses), Some(slot)) = (&self.statuses, minted.slot) else {
            return Ok(());
        };
        match statuses.bind(slot, &minted.entry.token).await? {
            true => Ok(()),
            false => Err(StoreError::new("the JWT's status was not allocated")),
        }
    }
}
