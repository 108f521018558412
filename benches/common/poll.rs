//! Driving a future without a runtime, for the benches whose futures all
//! complete without waiting (`auth_timing`, `guard_cache`).

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` on this thread until it is ready. Every future in these
/// benches completes without waiting (in-memory bodies and stores; a slow
/// store blocks the thread instead), so this never spins for long.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}
