//! SIGTERM drains the demo (issue 20): it stops accepting at once, answers
//! every request whose head it had read, closes idle keep-alive
//! connections, and exits 0; past `TOWER_REVOKE_SHUTDOWN_GRACE` it cuts
//! what is left and exits 1.

use crate::demo::Demo;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower_revoke_examples::demo::SEED;

/// A revocation of `AT1` by app1 whose body is `token=AT1`, split after
/// the head: what a client on a slow link has sent when SIGTERM comes.
/// `Expect: 100-continue` makes the demo say when it has read the head
/// and started reading the body (RFC 9110 §10.1.1).
const HEAD: &str = "POST /oauth/revoke HTTP/1.1\r\nhost: demo\r\n\
    content-type: application/x-www-form-urlencoded\r\n\
    authorization: Basic YXBwMTpzM2NyM3Q=\r\ncontent-length: 9\r\n\
    expect: 100-continue\r\n\r\n";
const BODY: &str = "token=AT1";

/// Reads what the demo sends until it closes the connection.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut answer))
        .await
        .expect("the demo closes the connection")
        .expect("read the answer");
    String::from_utf8(answer).expect("an HTTP/1.1 answer")
}

/// Sends the revocation's head on a new connection and waits for the
/// demo's `100 Continue`: the head is read and the endpoint is waiting for
/// the body, a request in flight.
async fn revocation_in_flight(demo: &Demo) -> TcpStream {
    let mut stream = TcpStream::connect(demo.addr).await.expect("connect");
    stream
        .write_all(HEAD.as_bytes())
        .await
        .expect("send the head");
    let mut interim = Vec::new();
    while !interim.ends_with(b"\r\n\r\n") {
        let mut byte = [0];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read_exact(&mut byte));
        read.await.expect("100 Continue within 10 s").expect("read");
        interim.push(byte[0]);
    }
    assert_eq!(interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream
}

#[tokio::test]
async fn sigterm_answers_the_request_in_flight_then_exits_0() {
    let _serial = crate::serial().await;
    let demo = Demo::start("memory", SEED, &[]).await;
    let mut in_flight = revocation_in_flight(&demo).await;
    let mut idle = TcpStream::connect(demo.addr).await.expect("connect");
    idle.write_all(b"GET /health HTTP/1.1\r\nhost: demo\r\n\r\n")
        .await
        .unwrap();
    let mut health = [0; 12];
    idle.read_exact(&mut health).await.unwrap();
    assert_eq!(
        &health, b"HTTP/1.1 200",
        "a keep-alive connection, now idle"
    );

    demo.sigterm();
    // The idle keep-alive connection is closed by the drain, which starts
    // once the listener is closed: from then on, connections are refused.
    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), idle.read_to_end(&mut rest)).await;
    assert!(closed.is_ok(), "the idle keep-alive connection is closed");
    let refused = TcpStream::connect(demo.addr).await;
    assert!(refused.is_err(), "no connection is accepted while draining");

    in_flight
        .write_all(BODY.as_bytes())
        .await
        .expect("send the body");
    let answer = read_to_close(&mut in_flight).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer}");
    assert!(answer.ends_with("\r\n\r\n{}"), "{answer}");
    let status = demo.wait_exit(Duration::from_secs(15)).await;
    assert_eq!(
        status.code(),
        Some(0),
        "every request was answered: {status}"
    );
}

#[tokio::test]
async fn a_request_outliving_the_grace_is_cut_and_the_exit_status_says_so() {
    let _serial = crate::serial().await;
    let grace = [("TOWER_REVOKE_SHUTDOWN_GRACE", "1s")];
    let demo = Demo::start("memory", SEED, &grace).await;
    let mut stalled = revocation_in_flight(&demo).await;
    demo.sigterm();
    // The body never comes: after 1 s the connection is cut, unanswered.
    let answer = read_to_close(&mut stalled).await;
    assert_eq!(answer, "", "a cut connection gets no answer");
    let status = demo.wait_exit(Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(1), "connections were cut: {status}");
}

#[tokio::test]
async fn sigterm_on_an_idle_demo_exits_0_at_once() {
    let _serial = crate::serial().await;
    let demo = Demo::start("memory", SEED, &[]).await;
    assert_eq!(demo.me_status("AT1").await, 200);
    demo.sigterm();
    let status = demo.wait_exit(Duration::from_secs(5)).await;
    assert_eq!(status.code(), Some(0), "{status}");
}
