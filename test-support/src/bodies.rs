//! Request bodies that show how a body is read: one that counts the bytes
//! polled from it, and one fed by hand, which can also fail.

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use tokio::sync::mpsc;

/// A body yielding `chunk` again and again, forever, counting every byte
/// handed out; optionally declaring an exact length it never delivers.
pub struct CountingBody {
    chunk: Bytes,
    polled: Arc<AtomicUsize>,
    declared: Option<u64>,
}

impl CountingBody {
    /// An endless body of `chunk`s, and the count of bytes polled from it.
    pub fn endless(chunk: &'static [u8]) -> (Self, Arc<AtomicUsize>) {
        let polled = Arc::new(AtomicUsize::new(0));
        let body = Self {
            chunk: Bytes::from_static(chunk),
            polled: Arc::clone(&polled),
            declared: None,
        };
        (body, polled)
    }

    /// Declares an exact length, as `Content-Length` does.
    pub fn declaring(mut self, length: u64) -> Self {
        self.declared = Some(length);
        self
    }
}

impl Body for CountingBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.polled.fetch_add(self.chunk.len(), Ordering::SeqCst);
        Poll::Ready(Some(Ok(Frame::data(self.chunk.clone()))))
    }

    fn is_end_stream(&self) -> bool {
        false
    }

    fn size_hint(&self) -> SizeHint {
        self.declared
            .map_or_else(SizeHint::new, SizeHint::with_exact)
    }
}

/// A body fed through a channel: pending until a chunk or an error is sent,
/// ended when the sender is dropped.
pub struct ChannelBody(mpsc::UnboundedReceiver<io::Result<Bytes>>);

impl ChannelBody {
    pub fn new() -> (mpsc::UnboundedSender<io::Result<Bytes>>, Self) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (sender, Self(receiver))
    }

    /// A body whose stream fails at once, like a connection reset.
    pub fn failing() -> Self {
        let (sender, body) = Self::new();
        let reset = io::Error::other("connection reset");
        sender.send(Err(reset)).expect("the body is alive");
        body
    }
}

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        self.0
            .poll_recv(cx)
            .map(|chunk| chunk.map(|chunk| chunk.map(Frame::data)))
    }
}
