//! Round trips to a server, counted by a TCP proxy between a client and
//! it: [`counting_proxy`] counts every read of client bytes, one batch the
//! client sent and then waited on (a round trip); [`pg_wire_proxy`] reads
//! the PostgreSQL frontend protocol instead, and counts its messages
//! exactly, however TCP splits or joins them.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Forwards a fresh port on 127.0.0.1 to `target` (host, port), a task
/// per connection; returns the port and the count of client→server
/// batches.
pub async fn counting_proxy(target: (String, u16)) -> (u16, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&sent);
    let port = forward(target, move || {
        let counter = Arc::clone(&counter);
        move |_: &[u8]| {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    })
    .await;
    (port, sent)
}

/// Forwards a fresh port on 127.0.0.1 to the PostgreSQL server at
/// `target` (host, port), a task per connection, reading what clients
/// send as PostgreSQL frontend messages (protocol 3.0); returns the port
/// and the counts of every connection through it.
pub async fn pg_wire_proxy(target: (String, u16)) -> (u16, Arc<PgWire>) {
    let wire = Arc::new(PgWire::default());
    let counts = Arc::clone(&wire);
    let port = forward(target, move || {
        let mut reader = FrontendReader::new(Arc::clone(&counts));
        move |bytes: &[u8]| reader.read(bytes)
    })
    .await;
    (port, wire)
}

/// What clients sent through a [`pg_wire_proxy`], message by message.
///
/// A round trip is a `Sync` or a simple `Query`: each makes the server
/// answer `ReadyForQuery`, which the client waits for (sqlx never sends the
/// next batch before). A ping is a `Sync` with nothing before it in its
/// batch (sqlx's `Connection::ping`, on acquire with `test_before_acquire`
/// and on release). A statement is an `Execute` or a simple `Query`; a
/// prepare is a `Parse` (a statement sent the first time on a connection).
#[derive(Debug, Default)]
pub struct PgWire {
    round_trips: AtomicUsize,
    pings: AtomicUsize,
    statements: AtomicUsize,
    prepares: AtomicUsize,
}

/// A reading of [`PgWire`]'s counters; subtract two to count what
/// happened between them.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PgCounts {
    /// `Sync` and `Query` messages: the waits for the server.
    pub round_trips: usize,
    /// Of those, the `Sync`s alone in their batch (pings).
    pub pings: usize,
    /// `Execute` and `Query` messages.
    pub statements: usize,
    /// `Parse` messages.
    pub prepares: usize,
}

impl PgWire {
    /// The counts now.
    pub fn counts(&self) -> PgCounts {
        PgCounts {
            round_trips: self.round_trips.load(Ordering::SeqCst),
            pings: self.pings.load(Ordering::SeqCst),
            statements: self.statements.load(Ordering::SeqCst),
            prepares: self.prepares.load(Ordering::SeqCst),
        }
    }
}

impl std::ops::Add for PgCounts {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            round_trips: self.round_trips + other.round_trips,
            pings: self.pings + other.pings,
            statements: self.statements + other.statements,
            prepares: self.prepares + other.prepares,
        }
    }
}

impl std::ops::Sub for PgCounts {
    type Output = Self;

    fn sub(self, earlier: Self) -> Self {
        Self {
            round_trips: self.round_trips - earlier.round_trips,
            pings: self.pings - earlier.pings,
            statements: self.statements - earlier.statements,
            prepares: self.prepares - earlier.prepares,
        }
    }
}

/// `SSLRequest` and `GSSENCRequest`: untyped messages after which the
/// client sends another untyped one (the startup message).
const ENCRYPTION_REQUESTS: [u32; 2] = [80_877_103, 80_877_104];

/// The frontend messages of one connection, read as they arrive.
struct FrontendReader {
    wire: Arc<PgWire>,
    pending: Vec<u8>,
    started: bool,
    batch_has_messages: bool,
}

impl FrontendReader {
    fn new(wire: Arc<PgWire>) -> Self {
        Self {
            wire,
            pending: Vec::new(),
            started: false,
            batch_has_messages: false,
        }
    }

    fn read(&mut self, bytes: &[u8]) {
        let mut pending = std::mem::take(&mut self.pending);
        pending.extend_from_slice(bytes);
        let mut at = 0;
        while let Some(used) = self.message(&pending[at..]) {
            at += used;
        }
        pending.drain(..at);
        self.pending = pending;
    }

    /// Counts the message at the start of `bytes`; its length, or `None`
    /// when it has not all arrived.
    fn message(&mut self, bytes: &[u8]) -> Option<usize> {
        let int = |at: usize| -> Option<u32> {
            let four = bytes.get(at..at + 4)?;
            Some(u32::from_be_bytes(four.try_into().ok()?))
        };
        if !self.started {
            // Untyped: length (itself included), then a request code.
            let length = int(0)? as usize;
            let code = int(4)?;
            if bytes.len() < length {
                return None;
            }
            self.started = !ENCRYPTION_REQUESTS.contains(&code);
            return Some(length);
        }
        let length = 1 + int(1)? as usize;
        if bytes.len() < length {
            return None;
        }
        let count = |counter: &AtomicUsize| counter.fetch_add(1, Ordering::SeqCst);
        match bytes[0] {
            b'S' => {
                if !self.batch_has_messages {
                    count(&self.wire.pings);
                }
                count(&self.wire.round_trips);
                self.batch_has_messages = false;
            }
            b'Q' => {
                count(&self.wire.statements);
                count(&self.wire.round_trips);
                self.batch_has_messages = false;
            }
            b'E' => {
                count(&self.wire.statements);
                self.batch_has_messages = true;
            }
            b'P' => {
                count(&self.wire.prepares);
                self.batch_has_messages = true;
            }
            // Terminate, and password messages of the start-up.
            b'X' | b'p' => {}
            _ => self.batch_has_messages = true,
        }
        Some(length)
    }
}

/// Forwards a fresh port on 127.0.0.1 to `target`, a task per connection;
/// `observer()` makes what sees each connection's client bytes, read by
/// read, before they are forwarded. Returns the port.
async fn forward<N, O>(target: (String, u16), observer: N) -> u16
where
    N: Fn() -> O + Send + 'static,
    O: FnMut(&[u8]) + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let server = TcpStream::connect((target.0.as_str(), target.1))
                .await
                .unwrap();
            let (mut from_client, mut to_client) = client.into_split();
            let (mut from_server, mut to_server) = server.into_split();
            let mut observe = observer();
            tokio::spawn(async move {
                let mut buffer = vec![0; 64 * 1024];
                while let Ok(n @ 1..) = from_client.read(&mut buffer).await {
                    observe(&buffer[..n]);
                    if to_server.write_all(&buffer[..n]).await.is_err() {
                        break;
                    }
                }
            });
            tokio::spawn(async move { tokio::io::copy(&mut from_server, &mut to_client).await });
        }
    });
    port
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(kind: u8, payload: &[u8]) -> Vec<u8> {
        let mut message = vec![kind];
        message.extend_from_slice(&(4 + payload.len() as u32).to_be_bytes());
        message.extend_from_slice(payload);
        message
    }

    fn untyped(code: u32, payload: &[u8]) -> Vec<u8> {
        let mut message = (8 + payload.len() as u32).to_be_bytes().to_vec();
        message.extend_from_slice(&code.to_be_bytes());
        message.extend_from_slice(payload);
        message
    }

    #[test]
    fn frontend_messages_are_counted_however_they_are_split() {
        let wire = Arc::new(PgWire::default());
        let mut reader = FrontendReader::new(Arc::clone(&wire));
        let mut stream = untyped(80_877_103, b"");
        stream.extend(untyped(196_608, b"user\0postgres\0\0"));
        // Prepare and run a statement, ping, run it again, a simple query.
        for kind in [b'P', b'D', b'S', b'B', b'E', b'S', b'S', b'B', b'E', b'S'] {
            stream.extend(typed(kind, b"x\0"));
        }
        stream.extend(typed(b'Q', b"BEGIN\0"));
        stream.extend(typed(b'X', b""));
        for chunk in stream.chunks(3) {
            reader.read(chunk);
        }
        let expected = PgCounts {
            round_trips: 5,
            pings: 1,
            statements: 3,
            prepares: 1,
        };
        assert_eq!(wire.counts(), expected);
        assert!(reader.pending.is_empty());
    }
}
