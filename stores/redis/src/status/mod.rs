//! Token Status Lists: allocating a status (an index of a list, never
//! twice) and binding it to its token; the reads are in `read.rs`, and
//! `settle.rs` runs the scripts that make statuses INVALID. The steps are
//! those of the crate docs' "Status lists"; the scripts are in
//! [`scripts::status`](crate::scripts::status).

mod read;
mod settle;

use crate::error::unexpected;
use crate::record::{key_expiry_ms, now_millis, status_member};
use crate::scripts::status::{ALLOCATE, BIND, INDEX_JTI, INDEX_SUBJECT, TIE};
use crate::RedisStore;
use futures_util::future::try_join;
use redis::aio::ConnectionLike;
use std::sync::{Mutex, OnceLock, PoisonError};
use tower_revoke::request::Token;
use tower_revoke::store::{random_indices, StatusAllocation, StatusSlot, TokenDigest};
use tower_revoke::StoreError;

/// How many times an allocation tries again when the newest list moved
/// under it (another allocation opened a list): more is a store that does
/// not answer as the script says.
const ATTEMPTS: usize = 32;

/// The latest Unix millisecond a status key expires at: scores stay exact
/// integers in Redis (a double), whatever a JWT's `exp`.
const LATEST_EXPIRY_MS: u64 = (1 << 53) - 1;

/// What a store learns about its status lists and keeps for its clones.
#[derive(Debug, Default)]
pub(crate) struct StatusMemo {
    /// Whether the server is standalone Redis (see `settle.rs`), once known.
    standalone: OnceLock<bool>,
    /// The newest list and its capacity as last seen: the allocation script
    /// checks them, and replies the right ones when they are not.
    newest: Mutex<(u64, u32)>,
}

impl StatusMemo {
    fn newest(&self) -> (u64, u32) {
        *self.newest.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn saw(&self, newest: (u64, u32)) {
        *self.newest.lock().unwrap_or_else(PoisonError::into_inner) = newest;
    }
}

impl<C> RedisStore<C>
where
    C: ConnectionLike + Clone + Send + Sync + 'static,
{
    /// Allocates a status for `allocation`: an index on the lists' slot,
    /// then its indexes on the JWT's and the subject's slots, which make
    /// it INVALID at once if the JWT is denied or its subject's cutoff
    /// reaches its `iat`.
    pub(crate) async fn allocate(
        &self,
        allocation: &StatusAllocation<'_>,
    ) -> Result<StatusSlot, StoreError> {
        if !allocation.capacity_is_valid() {
            return Err(StoreError::new(
                "a status list's capacity must be a multiple of 8 from 8 to 2^24",
            ));
        }
        self.bounded(async {
            let slot = self.claim(allocation.capacity).await?;
            self.index_status(allocation, slot).await?;
            Ok(slot)
        })
        .await
    }

    /// One [`ALLOCATE`] on the lists' slot, with [`random_indices`] of the
    /// newest list as last seen, and the first of `capacity`'s for a new
    /// list; again with the newest list it replies while it moved.
    async fn claim(&self, capacity: u32) -> Result<StatusSlot, StoreError> {
        let (mut newest, mut newest_capacity) = self.statuses.newest();
        for _ in 0..ATTEMPTS {
            let next = newest + 1;
            let mut allocate = ALLOCATE.key(self.keys.status_lists());
            allocate
                .key(self.keys.status_allocated(newest))
                .key(self.keys.status_allocated(next));
            allocate.arg(newest).arg(newest_capacity).arg(capacity);
            allocate.arg(next).arg(random_indices(capacity)[0]);
            if newest > 0 {
                for idx in random_indices(newest_capacity) {
                    allocate.arg(idx);
                }
            }
            let reply: Vec<String> = self.invoke(&allocate).await?;
            let number = |text: &String| text.parse::<u64>().ok();
            match &reply[..] {
                [outcome, list, idx] if outcome == "allocated" => {
                    let list = number(list).ok_or_else(|| unexpected("status list"))?;
                    let idx = idx.parse().map_err(|_| unexpected("status index"))?;
                    if list == next {
                        self.statuses.saw((next, capacity));
                    }
                    return Ok(StatusSlot { list, idx });
                }
                [outcome, list, cap] if outcome == "moved" => {
                    let list = number(list).ok_or_else(|| unexpected("status list"))?;
                    let cap = cap.parse().map_err(|_| unexpected("status capacity"))?;
                    (newest, newest_capacity) = (list, cap);
                    self.statuses.saw((newest, newest_capacity));
                }
                _ => return Err(unexpected("status allocation")),
            }
        }
        Err(unexpected("status allocation kept moving"))
    }

    /// The status's indexes, on the JWT's slot ([`INDEX_JTI`]) and the
    /// subject's ([`INDEX_SUBJECT`]), sent together; each settles the
    /// status when a revocation on its slot already covers it. A denial
    /// or cutoff after its index sees the status there.
    async fn index_status(
        &self,
        allocation: &StatusAllocation<'_>,
        slot: StatusSlot,
    ) -> Result<(), StoreError> {
        let (issuer, subject) = (allocation.issuer, allocation.subject);
        let member = status_member(slot);
        let now_ms = now_millis();
        let expiry = self.status_expiry(allocation.expires_at, now_ms);
        let mut jti = INDEX_JTI.key(self.keys.jti_statuses(issuer, allocation.jti));
        jti.key(self.keys.denied_jti(issuer, allocation.jti));
        jti.arg(&member).arg(expiry);
        let mut by_subject = INDEX_SUBJECT.key(self.keys.subject_statuses(issuer, subject));
        by_subject
            .key(self.keys.subject_status_expiry(issuer, subject))
            .key(self.keys.subject_cutoff(issuer, subject));
        by_subject
            .arg(&member)
            .arg(allocation.issued_at)
            .arg(expiry)
            .arg(now_ms);
        let indexed = try_join(
            self.invoke_settled::<i64>(&mut jti),
            self.invoke_settled::<i64>(&mut by_subject),
        );
        indexed.await?;
        Ok(())
    }

    /// Binds `slot` to `token`: [`BIND`] on the lists' slot decides (a slot
    /// allocated, not bound yet), then [`TIE`] on the token's slot adds it
    /// to the token's statuses, and settles it if the token's record is
    /// revoked already. A revocation of the token before the tie is seen by
    /// the tie; one after it sees the status.
    pub(crate) async fn bind(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        self.bounded(async {
            let mut bind = BIND.key(self.keys.status_lists());
            bind.key(self.keys.status_allocated(slot.list))
                .key(self.keys.status_bound(slot.list));
            bind.arg(slot.list).arg(slot.idx);
            let bound: i64 = self.invoke(&bind).await?;
            if bound != 1 {
                return Ok(false);
            }
            let digest = TokenDigest::of(token);
            // The token's statuses expire with its record; those of a
            // token not recorded (yet), the retention from now.
            let unrecorded = self.status_expiry(0, now_millis());
            let mut tie = TIE.key(self.keys.token(&digest));
            tie.key(self.keys.token_statuses(&digest));
            tie.arg(status_member(slot)).arg(unrecorded);
            let _: i64 = self.invoke_settled(&mut tie).await?;
            Ok(true)
        })
        .await
    }

    /// When the index keys of a status of a JWT expiring at `expires_at`
    /// (Unix seconds) expire, in Unix milliseconds: as a token's keys
    /// ([`key_expiry_ms`]: the retention after `expires_at` or `now_ms`).
    fn status_expiry(&self, expires_at: u64, now_ms: u64) -> u64 {
        let expiry = key_expiry_ms(Some(expires_at), now_ms, self.retention);
        expiry.map_or(LATEST_EXPIRY_MS, |ms| ms.min(LATEST_EXPIRY_MS))
    }
}
