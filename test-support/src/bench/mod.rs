//! What the root crate's benches share: driving a future without a
//! runtime, and the Bearer guard a user writes by hand ([`hand_guard`]).

pub mod hand_guard;

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Polls `future` on this thread until it is ready, with a no-op waker:
/// no runtime, no allocation, no thread hand-off. Every future in the
/// benches completes without waiting (in-memory bodies and stores; a slow
/// store blocks the thread instead), so this never spins for long.
///
/// Generic, so it is compiled into each bench as if written there.
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::hint::spin_loop();
    }
}
