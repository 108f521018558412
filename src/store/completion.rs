//! [`run_to_completion`]: a store's multi-step work, safe from a client
//! hanging up.

use super::StoreError;
use std::future::Future;

/// Runs `work` on a tokio task of its own and waits for its result, so
/// that `work` runs to its end even when the future awaiting it is
/// dropped.
///
/// hyper drops a request's future when its client disconnects, and with it
/// every future the request was awaiting: a store call stops at whatever
/// `.await` it had reached. A store whose operation is one statement or one
/// script is safe from that; one that takes several steps (a transaction
/// begun on a pooled connection, a cascade of scripts) would be left half
/// done, so it runs its steps through this function: the revocation, once
/// begun, is finished and committed, whether or not anyone waits for the
/// answer.
///
/// # Errors
/// `work`'s error, or a [`StoreError`] when its task panicked.
///
/// # Panics
/// Outside a tokio runtime (the shipped stores run on one).
///
/// # Example
/// ```
/// use tower_revoke::store::run_to_completion;
/// use tower_revoke::StoreError;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let answer = run_to_completion(async { Ok::<_, StoreError>(42) }).await;
/// assert_eq!(answer.unwrap(), 42);
/// # }
/// ```
pub async fn run_to_completion<T, F>(work: F) -> Result<T, StoreError>
where
    F: Future<Output = Result<T, StoreError>> + Send + 'static,
    T: Send + 'static,
{
    match tokio::spawn(work).await {
        Ok(result) => result,
        Err(failed) => Err(StoreError::new(format!(
            "the store's task failed: {failed}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn work_finishes_when_its_caller_is_dropped() {
        let done = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&done);
        let caller = run_to_completion(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            flag.store(true, Ordering::Release);
            Ok(())
        });
        // Polled once (the work is spawned), then dropped: a hang-up.
        let dropped = tokio::time::timeout(Duration::from_millis(1), caller).await;
        assert!(dropped.is_err(), "the caller gave up first");
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(done.load(Ordering::Acquire), "the work ran to its end");
    }

    #[tokio::test]
    async fn a_panicking_task_is_a_store_error() {
        let failed = run_to_completion::<(), _>(async { panic!("boom") }).await;
        assert!(failed.unwrap_err().to_string().contains("task failed"));
    }
}
