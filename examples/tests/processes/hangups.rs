//! Clients that hang up mid-request (issue 20): hyper drops a request's
//! future when its client disconnects, so a store's work for it stops at
//! whatever await it had reached. On every store (memory, SQLite,
//! PostgreSQL, Redis) the demo process is seeded with grants of alice's,
//! each a refresh token and `PER_GRANT` access tokens, and `CLIENTS`
//! concurrent clients send `HANGUPS` requests over raw sockets (a fifth
//! for the grants, the rest revoking tokens never issued), each
//! closing its socket at a random point: after the head, mid-body, or
//! after the whole request, from 20 µs to 100 ms later (`HANGUP_WAITS`).
//!
//! - The first half of the grants only get revocations of their refresh
//!   token (`POST /oauth/revoke`): afterwards each is untouched (every
//!   token active) or ended (none).
//! - The second half also get rotations of it (`POST /oauth/token`,
//!   `grant_type=refresh_token`): a rotation that committed leaves the
//!   refresh token rotated and the access tokens active, so there the rule
//!   is that a grant's access tokens are all active or none, and never
//!   none while its refresh token is active.
//!
//! Meanwhile a client that waits for its answers revokes other tokens,
//! each answered 200. The state is read twice (introspection, then `/me` for the access
//! tokens): a later request sees the same. Then every refresh token is
//! revoked again, `CLIENTS` at a time, each answered 200, and every grant
//! is ended whole.
//!
//! The requests are drawn from a seed printed at the start (set
//! `TOWER_REVOKE_TEST_SEED` to replay one). The server rule is
//! [`services::url`]'s.

use crate::demo::{Demo, SeedFile, SeededGrant};
use crate::services;
use crate::token::stores::{Kind, Store};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tower_revoke_examples::demo::REVOKE_PATH;
use tower_revoke_examples::token::TOKEN_PATH;
use tower_revoke_test_support::rng::Rng;

const GRANTS: usize = 40;
/// Tokens of no grant, revoked one at a time by a client that waits for
/// its answers while the others hang up.
const WITNESSED: usize = 200;
const PER_GRANT: usize = 50;
/// Requests that hang up: a fifth of them for the grants' refresh tokens
/// (five per grant on average, so that many grants are hit once or
/// twice), the rest revocations of tokens never issued, which still run a
/// store's revocation (SQLite: its write transaction).
const HANGUPS: usize = 1000;
const CLIENTS: usize = 16;
/// Requests in flight at once while the state is read: as many as the
/// clients, so that reading it first also fills the store's pool.
const READERS: usize = CLIENTS;
/// The shortest and the longest a client waits after its whole request
/// before hanging up: from before the server has read it to after most
/// answers on a durable store.
const HANGUP_WAITS: (Duration, Duration) = (Duration::from_micros(20), Duration::from_millis(100));

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_clients_hanging_up_never_leave_a_grant_half_ended() {
    let _one_at_a_time = crate::serial().await;
    hangups("memory").await;
}

/// Once failed: a request dropped just after its `BEGIN IMMEDIATE` was
/// acknowledged by sqlx's SQLite worker, but before the `Transaction`
/// existed, left that pooled connection inside the transaction (later
/// calls failed with `attempted to call begin_with at non-zero transaction
/// depth`, the others waited out the busy timeout). The store now runs
/// each transaction to completion on a task of its own
/// (`tower_revoke::store::run_to_completion`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_clients_hanging_up_never_leave_a_grant_half_ended() {
    on(
        Kind::Sqlite,
        "sqlite_clients_hanging_up_never_leave_a_grant_half_ended",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_clients_hanging_up_never_leave_a_grant_half_ended() {
    on(
        Kind::Postgres,
        "postgres_clients_hanging_up_never_leave_a_grant_half_ended",
    )
    .await;
}

/// Once failed: the Redis store's revocation is several scripts (the
/// token's, the grant's, one per other token), and a request dropped
/// between them left the refresh token revoked and its grant's access
/// tokens active. The store now runs the steps to completion on a task of
/// their own (`tower_revoke::store::run_to_completion`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_clients_hanging_up_never_leave_a_grant_half_ended() {
    on(
        Kind::Redis,
        "redis_clients_hanging_up_never_leave_a_grant_half_ended",
    )
    .await;
}

async fn on(kind: Kind, test: &str) {
    if let Some(store) = Store::open(kind, test).await {
        hangups(store.url()).await;
    }
}

/// What a client sends before it hangs up.
#[derive(Debug, Clone, Copy)]
enum Action {
    Revoke,
    Rotate,
}

/// Where a client hangs up.
#[derive(Debug, Clone, Copy)]
enum Cut {
    AfterHead,
    MidBody,
    /// After the whole request, and this long.
    AfterRequest(Duration),
}

/// One grant's state: its refresh token's, and how many of its access
/// tokens are active.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct GrantState {
    refresh_active: bool,
    access_active: usize,
}

async fn hangups(store: &str) {
    let prefix = services::unique_name("hang");
    let mut seed = SeedFile::with_grants(&prefix, WITNESSED, GRANTS, PER_GRANT);
    let demo = Arc::new(Demo::start(store, seed.path(), &[]).await);
    let grants: Arc<[SeededGrant]> = std::mem::take(&mut seed.grants).into();
    let rng_seed = std::env::var("TOWER_REVOKE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map_or(0, |d| d.as_nanos() as u64)
        });
    eprintln!("{store}: requests drawn from TOWER_REVOKE_TEST_SEED={rng_seed}");

    // Every grant starts untouched; reading that opens the pool's
    // connections, so that hang-ups do not all fall while one is opened.
    let untouched = GrantState {
        refresh_active: true,
        access_active: PER_GRANT,
    };
    let before = states(&demo, &grants, Probe::Introspection).await;
    assert!(before.iter().all(|state| *state == untouched), "{before:?}");

    let started = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for c in 0..CLIENTS {
        let (demo, grants, next) = (demo.clone(), grants.clone(), next.clone());
        let mut rng = Rng::seeded(rng_seed ^ ((c as u64) << 32));
        clients.push(tokio::spawn(async move {
            while let n @ ..HANGUPS = next.fetch_add(1, Ordering::SeqCst) {
                let g = rng.below(GRANTS);
                let unknown = format!("never-issued-{n}");
                let (token, action) = match rng.below(5) {
                    0 if g < GRANTS / 2 => (&grants[g].refresh_token, Action::Revoke),
                    0 => {
                        let action = [Action::Revoke, Action::Rotate][rng.below(2)];
                        (&grants[g].refresh_token, action)
                    }
                    _ => (&unknown, Action::Revoke),
                };
                let cut = match rng.below(8) {
                    0 => Cut::AfterHead,
                    1 => Cut::MidBody,
                    _ => Cut::AfterRequest(wait(&mut rng)),
                };
                hang_up(&demo, token, action, cut).await;
            }
        }));
    }
    // A client that waits for its answers, meanwhile: each of its
    // revocations (of tokens of no grant) is answered 200.
    let witness = {
        let (demo, next, tokens) = (demo.clone(), next.clone(), seed.tokens.clone());
        tokio::spawn(async move {
            let (mut sent, mut refused) = (0, Vec::new());
            for token in tokens
                .iter()
                .take_while(|_| next.load(Ordering::SeqCst) < HANGUPS)
            {
                let reply = crate::token::revoke(&demo, token).await;
                if reply.status != 200 {
                    refused.push(format!("{token}: {reply:?}"));
                }
                sent += 1;
            }
            (sent, refused)
        })
    };
    for client in clients {
        client.await.expect("a client panicked");
    }
    let (witnessed, refused) = witness.await.expect("the witness panicked");
    eprintln!(
        "{store}: {HANGUPS} requests hung up in {:?}; meanwhile {} of {witnessed} revocations \
         waited for were refused",
        started.elapsed(),
        refused.len()
    );

    // Whatever the server still does for a client that left, it does now.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let first = states(&demo, &grants, Probe::Introspection).await;
    let later = states(&demo, &grants, Probe::Me).await;
    let mut broken = Vec::new();
    let (mut untouched, mut ended, mut rotated) = (0, 0, 0);
    for (g, grant) in grants.iter().enumerate() {
        let (state, seen_later) = (first[g], later[g]);
        if state != seen_later {
            broken.push(format!("{}: {state:?}, then {seen_later:?}", grant.id));
        }
        let revoked_only = g < GRANTS / 2;
        match (state.refresh_active, state.access_active) {
            (true, PER_GRANT) => untouched += 1,
            (false, 0) => ended += 1,
            (false, PER_GRANT) if !revoked_only => rotated += 1,
            _ => broken.push(format!(
                "{} ({}): refresh token {}, {} of {PER_GRANT} access tokens active",
                grant.id,
                if revoked_only {
                    "revocations only"
                } else {
                    "revocations and rotations"
                },
                if state.refresh_active {
                    "active"
                } else {
                    "inactive"
                },
                state.access_active,
            )),
        }
    }
    eprintln!(
        "{store}: after the hangups, of {GRANTS} grants {untouched} untouched, {ended} ended, \
         {rotated} rotated, {} half-ended or changing",
        broken.len()
    );
    assert!(
        refused.is_empty(),
        "{store} (TOWER_REVOKE_TEST_SEED={rng_seed}): revocations refused while other clients \
         hung up:\n{}",
        refused.join("\n")
    );
    assert!(
        broken.is_empty(),
        "{store} (TOWER_REVOKE_TEST_SEED={rng_seed}): grants left half-ended by clients that \
         hung up:\n{}",
        broken.join("\n")
    );

    // Revoking again, `CLIENTS` at a time (so on every connection of a
    // store's pool): 200, and every grant ends whole.
    let (each_demo, each_grant) = (demo.clone(), grants.clone());
    let again = fan_out(grants.len(), CLIENTS, move |g| {
        let (demo, grants) = (each_demo.clone(), each_grant.clone());
        async move {
            (
                g,
                crate::token::revoke(&demo, &grants[g].refresh_token).await,
            )
        }
    });
    for (g, reply) in again.await {
        let id = &grants[g].id;
        assert_eq!(
            reply.status, 200,
            "{store}: {id}'s refresh token revoked again: {reply:?}"
        );
        reply.assert_revoked_with(&[crate::token::VARY_ORIGIN]);
    }
    let after = states(&demo, &grants, Probe::Introspection).await;
    let ended = GrantState {
        refresh_active: false,
        access_active: 0,
    };
    for (grant, state) in grants.iter().zip(after) {
        assert_eq!(
            state, ended,
            "{} after its refresh token was revoked again",
            grant.id
        );
    }
}

/// Sends `action` for `refresh_token` (revocations: or any token) as
/// `app1` on a connection of its own, and closes the socket at `cut`
/// without reading any answer.
async fn hang_up(demo: &Demo, refresh_token: &str, action: Action, cut: Cut) {
    let (path, body) = match action {
        Action::Revoke => (REVOKE_PATH, format!("token={refresh_token}")),
        Action::Rotate => (
            TOKEN_PATH,
            format!("grant_type=refresh_token&refresh_token={refresh_token}"),
        ),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\ncontent-type: application/x-www-form-urlencoded\r\n\
         authorization: Basic YXBwMTpzM2NyM3Q=\r\ncontent-length: {}\r\n\r\n",
        demo.addr,
        body.len()
    );
    let mut stream = TcpStream::connect(demo.addr)
        .await
        .expect("connect to the demo");
    stream.set_nodelay(true).unwrap();
    let sent = match cut {
        Cut::AfterHead => head.into_bytes(),
        Cut::MidBody => [head.as_bytes(), &body.as_bytes()[..body.len() / 2]].concat(),
        Cut::AfterRequest(_) => [head.as_bytes(), body.as_bytes()].concat(),
    };
    // The server may have answered and closed already: a failed write is
    // a hang-up too.
    let _ = stream.write_all(&sent).await;
    if let Cut::AfterRequest(wait) = cut {
        tokio::time::sleep(wait).await;
    }
    drop(stream);
}

/// A wait within [`HANGUP_WAITS`], log-uniform: as many between 20 and
/// 200 µs as between 2 and 20 ms, so that hang-ups fall at every step of
/// a request on the in-memory store and on the durable ones alike.
fn wait(rng: &mut Rng) -> Duration {
    let (shortest, longest) = HANGUP_WAITS;
    let ratio = longest.as_secs_f64() / shortest.as_secs_f64();
    shortest.mul_f64(ratio.powf(rng.below(10_001) as f64 / 10_000.0))
}

/// How a token's state is read.
#[derive(Debug, Clone, Copy)]
enum Probe {
    /// `POST /oauth/introspect`, for every token.
    Introspection,
    /// `GET /me` for the access tokens, introspection for refresh tokens.
    Me,
}

/// Each grant's state, read with `READERS` requests in flight.
async fn states(demo: &Arc<Demo>, grants: &Arc<[SeededGrant]>, probe: Probe) -> Vec<GrantState> {
    let tokens: Arc<[(usize, String, bool)]> = grants
        .iter()
        .enumerate()
        .flat_map(|(g, grant)| {
            let access = grant.access.iter().map(move |t| (g, t.clone(), true));
            access.chain([(g, grant.refresh_token.clone(), false)])
        })
        .collect::<Vec<_>>()
        .into();
    let demo = demo.clone();
    let read = fan_out(tokens.len(), READERS, move |i| {
        let (demo, tokens) = (demo.clone(), tokens.clone());
        async move {
            let (g, token, access) = &tokens[i];
            let active = match (probe, access) {
                (Probe::Me, true) => match demo.me_status(token).await {
                    200 => true,
                    401 => false,
                    other => panic!("GET /me with {token}: {other}"),
                },
                _ => introspect(&demo, token).await,
            };
            (*g, *access, active)
        }
    });
    let mut states = vec![
        GrantState {
            refresh_active: false,
            access_active: 0,
        };
        grants.len()
    ];
    for (g, access, active) in read.await {
        match access {
            true => states[g].access_active += usize::from(active),
            false => states[g].refresh_active = active,
        }
    }
    states
}

/// `call(0)`, `call(1)`, ... `call(count - 1)`, `tasks` at a time; their
/// results, in no particular order.
async fn fan_out<F, Fut>(count: usize, tasks: usize, call: F) -> Vec<Fut::Output>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: Future + Send + 'static,
    Fut::Output: Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let mut spawned = Vec::new();
    for _ in 0..tasks {
        let (call, next) = (call.clone(), next.clone());
        spawned.push(tokio::spawn(async move {
            let mut results = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                if i >= count {
                    return results;
                }
                results.push(call(i).await);
            }
        }));
    }
    let mut results = Vec::new();
    for task in spawned {
        results.extend(task.await.expect("a task panicked"));
    }
    results
}

/// Whether introspection answers `token` active.
async fn introspect(demo: &Demo, token: &str) -> bool {
    let reply = crate::token::introspect(demo, token).await;
    let active = reply.ok()["active"].as_bool();
    active.unwrap_or_else(|| panic!("introspection of {token}: {reply:?}"))
}
