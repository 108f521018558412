//! Group commit of revocations, for both stores: the revocations waiting
//! at one moment run in one transaction, so they share one commit (one
//! fsync; on PostgreSQL also one round trip, one `NOTIFY` flush and the
//! pool's pings).
//!
//! Each revocation is queued, then waits for one of the group's writer
//! permits (a fair semaphore: first come, first served). With a permit, a
//! caller whose revocation a batch has answered meanwhile returns at once;
//! any other takes the revocations at the head of the queue, its own or
//! others' (how many: below), runs them in queue order in one transaction
//! ([`CommitBatch`]), and answers each once it is committed; then it waits
//! for its own answer, which a batch running on another permit may hold.
//! Every queued revocation is taken: its caller takes batches, one permit
//! at a time, until its revocation is answered or has left the queue.
//! The queue grows while a batch runs, so the next batch holds what came
//! meanwhile.
//!
//! A batch takes its writer's share of the revocations in the group (those
//! queued and those in running batches, divided by the writers, rounded
//! up), at most [`MAX_BATCH`]. With one writer (SQLite) that is the whole
//! queue. With two (PostgreSQL), 16 clients split into two batches of
//! about 8 that take turns, one in the database while the other's answers
//! travel back and its clients send their next requests. Taking the whole
//! queue instead left one batch of 13 to 16 in flight at a time and the
//! other writer running single stragglers: half of the batches held one
//! revocation and the database idled between the big ones
//! (`sql_revocation`, 16 clients, three runs each, alternating: 1.27 to
//! 1.31 times the hand-written handler then, 1.44 to 1.47 with shares).
//!
//! What a caller sees is what a transaction of its own gives: revocations
//! apply in queue order (of two revocations of one token, the later finds
//! it revoked), and `Ok` comes only after the commit that holds it. If a
//! batch fails, nothing of it is kept, and each of its revocations runs
//! again alone, so an error reaches only the revocations it belongs to.

use std::future::Future;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use tokio::sync::oneshot::{self, error::TryRecvError};
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower_revoke::request::RevocationRequest;
use tower_revoke::store::{run_to_completion, TokenDigest};
use tower_revoke::{AuthenticatedClient, RevocationOutcome, StoreError};

/// At most this many revocations share a transaction, which bounds how
/// long it holds its locks (SQLite's write lock; PostgreSQL's row locks)
/// and how long its revocations wait for it on a slow database (it runs
/// them one after the other). The rest wait for the next one.
const MAX_BATCH: usize = 16;

/// One revocation: the asking client and the presented token's digest.
pub(crate) struct Revocation {
    pub(crate) client_id: String,
    pub(crate) digest: TokenDigest,
}

/// A store that can run revocations together.
pub(crate) trait CommitBatch: Send + Sync {
    /// Runs `revocations` in this order in one transaction; their outcomes,
    /// in the same order, once it is committed. An error means nothing of
    /// it was kept.
    fn commit_batch(
        &self,
        revocations: &[Revocation],
    ) -> impl Future<Output = Result<Vec<RevocationOutcome>, StoreError>> + Send;
}

/// A store with a [`GroupCommit`]: its
/// [`RevocationStore::revoke`](tower_revoke::RevocationStore::revoke) is
/// [`revoke_grouped`](Self::revoke_grouped).
pub(crate) trait Grouped: CommitBatch + Clone + 'static {
    /// The group of this store and of its clones of the same settings.
    fn group(&self) -> &GroupCommit;

    /// How long a revocation may wait for its turn: the pool's acquire
    /// timeout.
    fn max_wait(&self) -> Duration;

    /// Runs the revocation of `request`'s token by `client` in the next
    /// batch, to completion on a task of its own ([`run_to_completion`]):
    /// a client hanging up mid-way (hyper drops the request's future)
    /// never leaves a pooled connection inside a transaction, nor drops
    /// the batch it runs for others.
    fn revoke_grouped(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send {
        let store = self.clone();
        let revocation = Revocation {
            client_id: client.client_id.as_str().to_owned(),
            digest: TokenDigest::of(request.token()),
        };
        let max_wait = self.max_wait();
        run_to_completion(async move { store.group().revoke(&store, revocation, max_wait).await })
    }
}

/// The queue and writers of a store and of those of its clones that have
/// its settings (the builders that change how a revocation is run give a
/// store a group of its own).
pub(crate) struct GroupCommit {
    queue: Mutex<Vec<Queued>>,
    writers: Semaphore,
    /// How many permits `writers` has in all.
    writer_count: usize,
    /// Revocations taken by batches not yet answered.
    running: AtomicUsize,
    max_batch: usize,
    next_id: AtomicU64,
}

struct Queued {
    /// Tells a caller's revocation from the others in the queue.
    id: u64,
    revocation: Revocation,
    answer: oneshot::Sender<Result<RevocationOutcome, StoreError>>,
}

impl GroupCommit {
    /// A group with `writers` batches running at once at most, each of
    /// [`MAX_BATCH`] revocations at most.
    pub(crate) fn new(writers: usize) -> Self {
        Self::with_max_batch(writers, MAX_BATCH)
    }

    fn with_max_batch(writers: usize, max_batch: usize) -> Self {
        Self {
            queue: Mutex::new(Vec::new()),
            writers: Semaphore::new(writers),
            writer_count: writers,
            running: AtomicUsize::new(0),
            max_batch,
            next_id: AtomicU64::new(0),
        }
    }

    /// Runs `revocation` through `store` in the next batch and returns its
    /// outcome once that batch is committed. A revocation still queued
    /// after `max_wait` (the pool's acquire timeout: how long a request
    /// may wait for its turn) leaves the queue and fails, as a request
    /// waiting for a pooled connection would; one a batch has taken waits
    /// for that batch. Run it to completion: a batch dropped half-way
    /// fails its revocations.
    pub(crate) async fn revoke(
        &self,
        store: &impl CommitBatch,
        revocation: Revocation,
        max_wait: Duration,
    ) -> Result<RevocationOutcome, StoreError> {
        let deadline = Instant::now() + max_wait;
        let (answer, mut answered) = oneshot::channel();
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.queue().push(Queued {
            id,
            revocation,
            answer,
        });
        loop {
            let Ok(writer) = tokio::time::timeout_at(deadline, self.writers.acquire()).await else {
                let mut queue = self.queue();
                match queue.iter().position(|queued| queued.id == id) {
                    Some(ours) => {
                        queue.remove(ours);
                        return Err(StoreError::new(format!(
                            "revoke: no turn to write within {max_wait:?}"
                        )));
                    }
                    // A batch holds it: its answer is on the way.
                    None => break,
                }
            };
            let writer = writer.map_err(|_| lost())?;
            // Answered by a batch that ran meanwhile: leave the queue to
            // grow into the batch of a caller still waiting.
            match answered.try_recv() {
                Ok(outcome) => return outcome,
                Err(TryRecvError::Closed) => return Err(lost()),
                Err(TryRecvError::Empty) => {}
            }
            let (batch, still_queued) = {
                let mut queue = self.queue();
                let taken = queue.len().min(self.share(queue.len()));
                let batch: Vec<Queued> = queue.drain(..taken).collect();
                (batch, queue.iter().any(|queued| queued.id == id))
            };
            if !batch.is_empty() {
                let _running = Running::add(&self.running, batch.len());
                run(store, batch).await;
            }
            drop(writer);
            // Ours was beyond a full batch: take the next one too.
            if !still_queued {
                break;
            }
        }
        answered.await.unwrap_or_else(|_| Err(lost()))
    }

    /// The most revocations one batch takes when `queued` wait: a writer's
    /// share of the group's revocations, queued and running (see the
    /// module docs), from 1 to `max_batch`.
    fn share(&self, queued: usize) -> usize {
        (queued + self.running.load(Ordering::Relaxed))
            .div_ceil(self.writer_count)
            .clamp(1, self.max_batch)
    }

    fn queue(&self) -> MutexGuard<'_, Vec<Queued>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A batch's revocations counted in [`GroupCommit::running`] until it is
/// answered (or dropped).
struct Running<'a>(&'a AtomicUsize, usize);

impl<'a> Running<'a> {
    fn add(running: &'a AtomicUsize, revocations: usize) -> Self {
        running.fetch_add(revocations, Ordering::Relaxed);
        Self(running, revocations)
    }
}

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(self.1, Ordering::Relaxed);
    }
}

/// Runs `batch` in one transaction and answers each; if that fails, runs
/// each in a transaction of its own.
async fn run(store: &impl CommitBatch, batch: Vec<Queued>) {
    let (revocations, answers): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .map(|queued| (queued.revocation, queued.answer))
        .unzip();
    let outcomes = match store.commit_batch(&revocations).await {
        Ok(outcomes) => outcomes.into_iter().map(Ok).collect(),
        Err(error) if revocations.len() == 1 => vec![Err(error)],
        Err(_) => {
            let mut outcomes = Vec::with_capacity(revocations.len());
            for revocation in &revocations {
                let alone = store.commit_batch(std::slice::from_ref(revocation)).await;
                outcomes.push(alone.and_then(|alone| alone.into_iter().next().ok_or_else(lost)));
            }
            outcomes
        }
    };
    for (answer, outcome) in answers.into_iter().zip(outcomes) {
        // A caller that has gone no longer needs its answer.
        let _ = answer.send(outcome);
    }
}

/// The answer of a revocation whose batch was dropped before it was
/// answered (its runtime shut down): not known to be committed.
fn lost() -> StoreError {
    StoreError::new("revoke: the batch holding this revocation was dropped before its answer")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const WAIT: Duration = Duration::from_secs(30);

    /// Answers `NotFound` to each revocation after 2 ms, and records the
    /// size of each batch.
    #[derive(Default)]
    struct Slow(Mutex<Vec<usize>>);

    impl CommitBatch for Slow {
        async fn commit_batch(
            &self,
            revocations: &[Revocation],
        ) -> Result<Vec<RevocationOutcome>, StoreError> {
            tokio::time::sleep(Duration::from_millis(2)).await;
            self.0.lock().unwrap().push(revocations.len());
            Ok(vec![RevocationOutcome::NotFound; revocations.len()])
        }
    }

    /// 60 revocations at once, through 4 writers and batches of 2 at most:
    /// each is run exactly once and answered, none waits for ever behind
    /// the cap, and they do share batches.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn every_revocation_is_answered_past_the_batch_cap() {
        let all = revoke_at_once(GroupCommit::with_max_batch(4, 2), 60);
        let sizes = tokio::time::timeout(Duration::from_secs(20), all)
            .await
            .expect("every revocation is answered");
        assert_eq!(sizes.iter().sum::<usize>(), 60, "each run once: {sizes:?}");
        assert!(sizes.iter().all(|&n| (1..=2).contains(&n)), "{sizes:?}");
        assert!(sizes.iter().any(|&n| n > 1), "batches shared: {sizes:?}");
    }

    /// 16 revocations at once: with two writers no batch takes more than
    /// a writer's share (8), where taking the whole queue made one batch
    /// of 14; with one writer the second batch takes all that waits.
    #[tokio::test]
    async fn each_writer_takes_its_share_of_what_waits() {
        for writers in [2, 1] {
            let sizes = revoke_at_once(GroupCommit::with_max_batch(writers, 16), 16).await;
            assert_eq!(sizes.iter().sum::<usize>(), 16, "{sizes:?}");
            match writers {
                2 => assert!(sizes.iter().all(|&n| n <= 8), "two writers: {sizes:?}"),
                _ => assert_eq!(sizes, [1, 15], "one writer"),
            }
        }
    }

    /// A revocation queued ahead of ours whose caller has not yet taken a
    /// permit (or never will): with batches of 1, our caller runs that one
    /// first, then its own, instead of waiting for ever.
    #[tokio::test]
    async fn a_caller_takes_batches_until_its_own_is_taken() {
        let group = GroupCommit::with_max_batch(1, 1);
        let store = Slow::default();
        let (answer, ahead) = oneshot::channel();
        group.queue().push(Queued {
            id: u64::MAX,
            revocation: revocation(1),
            answer,
        });
        let ours = group.revoke(&store, revocation(2), WAIT);
        let ours = tokio::time::timeout(Duration::from_secs(5), ours).await;
        assert!(matches!(ours, Ok(Ok(RevocationOutcome::NotFound))));
        assert!(matches!(ahead.await, Ok(Ok(RevocationOutcome::NotFound))));
        assert_eq!(*store.0.lock().unwrap(), [1, 1]);
    }

    /// With every writer busy past `max_wait`, a revocation leaves the
    /// queue and fails: nothing runs it later.
    #[tokio::test]
    async fn a_revocation_without_a_turn_in_time_fails_and_leaves_the_queue() {
        let group = GroupCommit::with_max_batch(1, 16);
        let store = Slow::default();
        let busy = group.writers.acquire().await.unwrap();
        let wait = Duration::from_millis(50);
        let refused = group.revoke(&store, revocation(1), wait).await;
        let error = refused.expect_err("no turn in time");
        assert!(error.to_string().contains("no turn to write"), "{error}");
        assert!(group.queue().is_empty());
        drop(busy);
        let later = group.revoke(&store, revocation(2), WAIT).await;
        assert!(matches!(later, Ok(RevocationOutcome::NotFound)));
        assert_eq!(*store.0.lock().unwrap(), [1], "only the later one ran");
    }

    fn revocation(byte: u8) -> Revocation {
        Revocation {
            client_id: "app1".into(),
            digest: TokenDigest::from_bytes([byte; 32]),
        }
    }

    /// `count` revocations through `group` from as many tasks at once,
    /// over a [`Slow`] store; checks that each is answered, and returns
    /// the sizes of the batches that ran them.
    async fn revoke_at_once(group: GroupCommit, count: u8) -> Vec<usize> {
        let group = Arc::new(group);
        let store = Arc::new(Slow::default());
        let tasks: Vec<_> = (0..count)
            .map(|i| {
                let (group, store) = (group.clone(), store.clone());
                tokio::spawn(async move { group.revoke(&*store, revocation(i), WAIT).await })
            })
            .collect();
        for task in tasks {
            let outcome = task.await.unwrap();
            assert!(matches!(outcome, Ok(RevocationOutcome::NotFound)));
        }
        let sizes = store.0.lock().unwrap().clone();
        sizes
    }
}
