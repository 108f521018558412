//! The request body: bytes delivered in arbitrary data frames, then
//! trailers or a stream error if asked, counting the bytes polled out of it.

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use http_body::{Frame, SizeHint};
use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

/// A request body delivered in the given frames, counting the data bytes
/// polled out of it.
pub struct FuzzBody {
    frames: VecDeque<Frame<Bytes>>,
    fail_at_end: bool,
    hint: SizeHint,
    polled: Arc<AtomicUsize>,
}

impl FuzzBody {
    /// `body` in data frames of the `chunks` lengths (the rest of it in one
    /// last frame), then trailers if `trailers`, then an error if
    /// `fail_at_end`. The size hint is exact when asked and the body does
    /// not fail.
    pub fn new(
        body: &[u8],
        chunks: &[u8],
        trailers: bool,
        exact_size_hint: bool,
        fail_at_end: bool,
    ) -> Self {
        let mut frames = VecDeque::new();
        let mut rest = body;
        for &len in chunks {
            let len = usize::from(len).min(rest.len());
            frames.push_back(Frame::data(Bytes::copy_from_slice(&rest[..len])));
            rest = &rest[len..];
        }
        frames.push_back(Frame::data(Bytes::copy_from_slice(rest)));
        if trailers {
            let mut trailers = HeaderMap::new();
            trailers.insert("x-trailer", HeaderValue::from_static("1"));
            frames.push_back(Frame::trailers(trailers));
        }
        let hint = if exact_size_hint && !fail_at_end {
            SizeHint::with_exact(body.len() as u64)
        } else {
            SizeHint::default()
        };
        Self {
            frames,
            fail_at_end,
            hint,
            polled: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// A body without frames, with an exact size hint of 0.
    pub fn empty() -> Self {
        Self {
            frames: VecDeque::new(),
            fail_at_end: false,
            hint: SizeHint::with_exact(0),
            polled: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// The length of the largest data frame not yet polled.
    pub fn largest_chunk(&self) -> usize {
        self.frames
            .iter()
            .filter_map(|f| f.data_ref().map(Bytes::len))
            .max()
            .unwrap_or(0)
    }

    /// The count of data bytes polled out of this body, shared: it stays
    /// readable once the body is sent.
    pub fn polled(&self) -> Arc<AtomicUsize> {
        Arc::clone(&self.polled)
    }
}

/// The error a failing body ends with.
#[derive(Debug)]
pub struct BodyFailed;

impl std::fmt::Display for BodyFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body failed")
    }
}

impl std::error::Error for BodyFailed {}

impl http_body::Body for FuzzBody {
    type Data = Bytes;
    type Error = BodyFailed;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BodyFailed>>> {
        match self.frames.pop_front() {
            Some(frame) => {
                if let Some(data) = frame.data_ref() {
                    self.polled.fetch_add(data.len(), Ordering::Relaxed);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            None if std::mem::take(&mut self.fail_at_end) => Poll::Ready(Some(Err(BodyFailed))),
            None => Poll::Ready(None),
        }
    }

    fn size_hint(&self) -> SizeHint {
        self.hint
    }
}
