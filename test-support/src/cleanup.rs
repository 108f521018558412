//! Clean-up that must await, run from `Drop`, which cannot: dropping a
//! test's database, schema or server on a thread of its own with a runtime
//! of its own, since the test's runtime may be blocked on the dropping
//! thread.

use std::future::Future;

/// Runs the future that `make` returns to its end on a new thread, on a
/// new current-thread runtime (I/O and timers on), and returns its output:
/// `None` when the future answered `None` or panicked.
pub fn block_on_own_thread<F, Fut, T>(make: F) -> Option<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = Option<T>>,
    T: Send + 'static,
{
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(make())
    })
    .join()
    .ok()
    .flatten()
}
