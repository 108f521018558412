//! Log output captured per test, deterministically.
//!
//! A test that asserts on what was logged cannot use a subscriber of its
//! own (`tracing::subscriber::set_default`): tracing caches each callsite's
//! interest for the whole process, and while several tests install and
//! drop their own subscribers in parallel threads, a callsite first hit
//! between two of them can be cached as uninteresting, so a test now and
//! then captures nothing (the apps suite's `demo_jwt` did, one run in a
//! few). Here one global subscriber is installed once per test binary, and
//! it writes each event into the capture of the thread it happens on, if
//! that thread is capturing. The per-event check is a filter that is asked
//! every time (`Interest::sometimes`), so nothing is cached wrongly.
//!
//! The capture sees what the test's own thread runs: use it on a
//! current-thread runtime (`#[tokio::test]`'s default), where the server,
//! the client and the test share the thread.

use std::cell::RefCell;
use std::io::Write;
use std::sync::{Arc, Mutex, Once};
use tracing_subscriber::filter::{dynamic_filter_fn, LevelFilter};
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

/// What one test logged, at every level, without ANSI colours.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

/// Whether span events (new, enter, exit, close) are logged too, as
/// `FmtSpan::FULL` does.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Spans {
    /// Events only.
    Off,
    /// Events and every span event.
    Full,
}

thread_local! {
    /// This thread's capture, if it captures.
    static CAPTURING: RefCell<Option<(Capture, Spans)>> = const { RefCell::new(None) };
}

/// Capturing on this thread until dropped.
#[must_use = "the capture ends when the guard is dropped"]
pub struct Capturing(Capture);

impl Capture {
    /// Captures what this thread logs from now on until the guard drops.
    ///
    /// # Panics
    /// If this thread already captures.
    pub fn start(spans: Spans) -> Capturing {
        static INSTALLED: Once = Once::new();
        INSTALLED.call_once(install);
        let capture = Capture::default();
        CAPTURING.with(|capturing| {
            let mut capturing = capturing.borrow_mut();
            assert!(capturing.is_none(), "this thread already captures");
            *capturing = Some((capture.clone(), spans));
        });
        Capturing(capture)
    }

    /// Everything captured so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Capturing {
    /// The capture.
    pub fn capture(&self) -> &Capture {
        &self.0
    }

    /// Everything captured so far, as text.
    pub fn text(&self) -> String {
        self.0.text()
    }
}

impl Drop for Capturing {
    fn drop(&mut self) {
        CAPTURING.with(|capturing| capturing.borrow_mut().take());
    }
}

/// The process's subscriber: two formatting layers, with and without span
/// events, each writing only on threads that capture in its mode.
fn install() {
    let layer = |spans: Spans| {
        let span_events = match spans {
            Spans::Off => FmtSpan::NONE,
            Spans::Full => FmtSpan::FULL,
        };
        let captures =
            move || CAPTURING.with(|c| matches!(&*c.borrow(), Some((_, s)) if *s == spans));
        tracing_subscriber::fmt::layer()
            .with_ansi(false)
            .with_span_events(span_events)
            .with_writer(ThreadWriter)
            .with_filter(dynamic_filter_fn(move |_, _| captures()))
            .boxed()
    };
    let subscriber = tracing_subscriber::registry()
        .with(vec![layer(Spans::Off), layer(Spans::Full)])
        .with(LevelFilter::TRACE);
    tracing::subscriber::set_global_default(subscriber)
        .expect("test-support's capture is the only global subscriber of this test binary");
}

/// Writes into the capture of the thread it is made on.
struct ThreadWriter;

impl<'a> MakeWriter<'a> for ThreadWriter {
    type Writer = Sink;

    fn make_writer(&'a self) -> Sink {
        Sink(CAPTURING.with(|c| c.borrow().as_ref().map(|(capture, _)| capture.clone())))
    }
}

/// The capture of one event's thread, or nowhere.
struct Sink(Option<Capture>);

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if let Some(capture) = &self.0 {
            capture.0.lock().unwrap().extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
