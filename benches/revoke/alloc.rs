//! A counting global allocator: how many allocations one request costs.
//!
//! Counting is off unless [`count`] is running, and then only the calling
//! thread's allocations are counted, so the timed runs (and the two-thread
//! run) pay one relaxed load of a read-only flag per allocation and nothing
//! else.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicBool, Ordering};

/// The system allocator, counting while [`ENABLED`] is set.
pub struct Counting;

static ENABLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static ALLOCS: Cell<u64> = const { Cell::new(0) };
    static REALLOCS: Cell<u64> = const { Cell::new(0) };
    static BYTES: Cell<u64> = const { Cell::new(0) };
}

fn note(counter: &'static std::thread::LocalKey<Cell<u64>>, size: usize) {
    if ENABLED.load(Ordering::Relaxed) {
        // `try_with`: the thread may be tearing down its locals.
        let _ = counter.try_with(|c| c.set(c.get() + 1));
        let _ = BYTES.try_with(|b| b.set(b.get() + size as u64));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counters are plain thread-locals that never allocate
// (const-initialised `Cell`s without destructors).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(&ALLOCS, layout.size());
        // SAFETY: forwarded as is, under the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(&ALLOCS, layout.size());
        // SAFETY: forwarded as is, under the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(&REALLOCS, new_size);
        // SAFETY: forwarded as is, under the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded as is, under the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// What the calling thread allocated while a closure ran.
#[derive(Debug, Clone, Copy, Default)]
pub struct Allocations {
    /// `alloc` and `alloc_zeroed` calls.
    pub allocs: u64,
    /// `realloc` calls (growing a `Vec`, a `String`, a `BytesMut`).
    pub reallocs: u64,
    /// Bytes requested by all of them.
    pub bytes: u64,
}

/// Runs `f` with counting on and returns what this thread allocated.
pub fn count(f: impl FnOnce()) -> Allocations {
    let start = snapshot();
    ENABLED.store(true, Ordering::SeqCst);
    f();
    ENABLED.store(false, Ordering::SeqCst);
    let end = snapshot();
    Allocations {
        allocs: end.allocs - start.allocs,
        reallocs: end.reallocs - start.reallocs,
        bytes: end.bytes - start.bytes,
    }
}

fn snapshot() -> Allocations {
    Allocations {
        allocs: ALLOCS.with(Cell::get),
        reallocs: REALLOCS.with(Cell::get),
        bytes: BYTES.with(Cell::get),
    }
}
