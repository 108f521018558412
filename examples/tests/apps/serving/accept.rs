//! Accept errors: with its descriptors exhausted, the loop backs off and
//! logs each kind of error at most once per interval, then serves again.

use super::{get_ok, router};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tower_revoke_examples::serve::{self, Limits};

/// Set in the child process of `accept_errors_back_off_and_are_logged_once`
/// to the descriptor limit it serves under.
const CHILD: &str = "TOWER_REVOKE_SERVING_CHILD_NOFILE";
const CHILD_NOFILE: u64 = 64;
/// Connections opened against the child: more than it has descriptors.
const FLOOD: usize = 80;
/// How long the child is watched while it cannot accept.
const WATCH: Duration = Duration::from_secs(3);

#[tokio::test]
async fn accept_errors_back_off_and_are_logged_once() {
    if let Some(limit) = std::env::var_os(CHILD) {
        let limit = limit.to_str().and_then(|l| l.parse().ok()).expect(CHILD);
        return serve_with_few_descriptors(limit).await;
    }

    // This test again, in a child process that serves with 64 descriptors.
    let module = module_path!().split_once("::").map_or("", |(_, path)| path);
    let name = format!("{module}::accept_errors_back_off_and_are_logged_once");
    let mut child = tokio::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", &name])
        .args(["--nocapture", "--test-threads=1"])
        .env(CHILD, CHILD_NOFILE.to_string())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().expect("running");
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let addr: SocketAddr = loop {
        let line = tokio::time::timeout(Duration::from_secs(30), stdout.next_line())
            .await
            .expect("the child starts")
            .unwrap()
            .expect("the child prints its address");
        // The harness prints `test <name> ... ` on the same line.
        if let Some((_, addr)) = line.split_once("serving on ") {
            break addr.parse().unwrap();
        }
    };
    let mut stderr = child.stderr.take().unwrap();
    let log = tokio::spawn(async move {
        let mut log = Vec::new();
        let _ = stderr.read_to_end(&mut log).await;
        log
    });

    // More connections than descriptors: the child accepts until `EMFILE`,
    // and the rest wait in its backlog, ready, for the whole watch.
    let mut flood = Vec::new();
    for _ in 0..FLOOD {
        flood.push(TcpStream::connect(addr).await.unwrap());
    }
    let cpu_before = cpu_time(pid);
    tokio::time::sleep(WATCH).await;
    let cpu = cpu_time(pid) - cpu_before;

    // A loop that retried at once would burn a core; with a 1 s backoff the
    // child is all but asleep.
    assert!(
        cpu < WATCH / 4,
        "the child used {cpu:?} of CPU in {WATCH:?}"
    );

    // Serves again once descriptors are free.
    drop(flood);
    let mut stream = TcpStream::connect(addr).await.unwrap();
    get_ok(&mut stream).await;

    child.kill().await.unwrap();
    let log = String::from_utf8(log.await.unwrap()).unwrap();
    let failures = log.lines().filter(|l| l.contains("accept failed")).count();
    // `EMFILE` happened, and was logged once: a few retries in `WATCH`, one
    // line per kind per minute.
    assert_eq!(failures, 1, "{log}");
    assert!(log.len() < 2048, "{} bytes of log:\n{log}", log.len());
}

/// The child: lowers its descriptor limit to `limit`, then serves `router`
/// with the default limits, logging to stderr, until it is killed.
async fn serve_with_few_descriptors(limit: u64) {
    let mut rlimit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read or write the one `rlimit` given,
    // and change only this process's limits.
    unsafe {
        assert_eq!(libc::getrlimit(libc::RLIMIT_NOFILE, &mut rlimit), 0);
        rlimit.rlim_cur = limit;
        assert_eq!(libc::setrlimit(libc::RLIMIT_NOFILE, &rlimit), 0);
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("serving on {}", listener.local_addr().unwrap());
    serve::serve(
        listener,
        router(),
        Limits::default(),
        std::future::pending(),
    )
    .await;
}

/// User plus system CPU time of process `pid`, from `/proc/<pid>/stat`.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the parenthesised command name; utime and stime are the
    // 14th and 15th fields of the line, in clock ticks.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .unwrap()
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf only reads a configuration value.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}
