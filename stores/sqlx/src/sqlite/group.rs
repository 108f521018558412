//! [Group commit](super::SqliteStore#group-commit) of revocations.
//!
//! Each revocation is queued, then waits for the writer lock
//! ([`GroupCommit::writer`], a fair mutex); whoever holds it takes every
//! revocation queued by then (up to [`MAX_BATCH`]), its own included,
//! runs them in queue order in one transaction, commits, and answers
//! each. A revocation whose answer is ready when it gets the lock returns
//! it at once; one still queued takes the next batch itself, so every
//! queued revocation is run by someone.

use super::SqliteStore;
use crate::error::failed;
use std::sync::{Mutex, PoisonError};
use tokio::sync::oneshot::{self, error::TryRecvError};
use tower_revoke::store::TokenDigest;
use tower_revoke::{RevocationOutcome, StoreError};

/// At most this many revocations share a transaction, which bounds how
/// long other writers of the file (issuance, other processes) wait for
/// SQLite's write lock. The rest wait for the next one.
const MAX_BATCH: usize = 128;

/// The queue of a store and its clones.
#[derive(Default)]
pub(super) struct GroupCommit {
    queue: Mutex<Vec<Queued>>,
    /// Held while a batch is taken, run and answered.
    writer: tokio::sync::Mutex<()>,
}

/// One revocation to run: what
/// [`SqliteStore::revoke_in`](super::SqliteStore) needs, and where its
/// answer goes.
pub(super) struct Revocation {
    pub(super) client_id: String,
    pub(super) digest: TokenDigest,
    /// The revoking store's setting (clones may differ).
    pub(super) access_token_revokes_grant: bool,
}

struct Queued {
    revocation: Revocation,
    answer: oneshot::Sender<Result<RevocationOutcome, StoreError>>,
}

impl SqliteStore {
    /// Runs `revocation` in the next batch and returns its outcome once
    /// that batch is committed. Run it to completion: a batch taken by a
    /// caller that is dropped is lost, and its revocations fail.
    pub(super) async fn revoke_grouped(
        &self,
        revocation: Revocation,
    ) -> Result<RevocationOutcome, StoreError> {
        let group = &*self.group;
        let (answer, mut answered) = oneshot::channel();
        lock(&group.queue).push(Queued { revocation, answer });
        let writer = group.writer.lock().await;
        // Batches are taken only under the writer lock, so ours is either
        // answered, lost with a dropped batch, or still queued.
        match answered.try_recv() {
            Ok(outcome) => return outcome,
            Err(TryRecvError::Closed) => return Err(lost()),
            Err(TryRecvError::Empty) => {}
        }
        let batch: Vec<Queued> = {
            let mut queue = lock(&group.queue);
            let taken = queue.len().min(MAX_BATCH);
            queue.drain(..taken).collect()
        };
        self.commit_batch(batch).await;
        drop(writer);
        answered.await.unwrap_or_else(|_| Err(lost()))
    }

    /// Runs `batch` in one transaction and answers each; if that fails,
    /// runs each in a transaction of its own.
    async fn commit_batch(&self, batch: Vec<Queued>) {
        let (revocations, answers): (Vec<_>, Vec<_>) = batch
            .into_iter()
            .map(|queued| (queued.revocation, queued.answer))
            .unzip();
        let outcomes = match self.commit_all(&revocations).await {
            Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
            Err(error) if revocations.len() == 1 => vec![Err(error)],
            Err(_) => {
                let mut outcomes = Vec::with_capacity(revocations.len());
                for revocation in &revocations {
                    let alone = self.commit_all(std::slice::from_ref(revocation)).await;
                    outcomes.push(alone.map(|mut outcome| outcome.remove(0)));
                }
                outcomes
            }
        };
        for (answer, outcome) in answers.into_iter().zip(outcomes) {
            // A caller that has gone no longer needs its answer.
            let _ = answer.send(outcome);
        }
    }

    /// One `BEGIN IMMEDIATE` transaction running `revocations` in order;
    /// their outcomes once it is committed.
    async fn commit_all(
        &self,
        revocations: &[Revocation],
    ) -> Result<Vec<RevocationOutcome>, StoreError> {
        let mut tx = self.begin_write("revoke").await?;
        let mut outcomes = Vec::with_capacity(revocations.len());
        for revocation in revocations {
            outcomes.push(Self::revoke_in(&mut tx, revocation).await?);
        }
        tx.commit().await.map_err(failed("revoke"))?;
        Ok(outcomes)
    }
}

fn lock(queue: &Mutex<Vec<Queued>>) -> std::sync::MutexGuard<'_, Vec<Queued>> {
    queue.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The answer of a revocation whose batch was dropped before it was
/// answered (its runtime shut down): not committed as far as anyone knows.
fn lost() -> StoreError {
    StoreError::new("revoke: the batch holding this revocation was dropped before its answer")
}
