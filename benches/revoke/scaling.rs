//! The two-thread figure: throughput of two threads revoking distinct
//! tokens against one thread's, for tower-revoke, the hand-written app and
//! the do-nothing control, each round on a fresh store.

use super::contenders::{noop, seeded};
use super::exec;
use super::fixture::{self, Requests};
use super::handwritten::{self, AppState};
use super::summary::{median, min, Config};
use axum::body::Body;
use http::{Request, StatusCode};
use std::sync::Barrier;
use std::time::{Duration, Instant};
use tower::{Layer, Service};
use tower_revoke::RevocationEndpointLayer;

/// What the two-thread figure runs.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    /// `RevocationEndpoint` over the do-nothing service, one `MemoryStore`.
    Ours,
    /// The hand-written axum app, one map.
    Hand,
    /// The do-nothing service: the control, which shows whether the
    /// machine gave this process two cores at all.
    Noop,
}

impl Target {
    /// Every target, in the order of `Scaling::rounds`.
    pub const ALL: [Target; 3] = [Target::Ours, Target::Hand, Target::Noop];
}

/// Rounds of the two-thread figure. Each round runs every target, one
/// thread then two (or two then one), on a new store holding the tokens of
/// both runs.
pub struct Scaling {
    per_thread: usize,
    targets: Vec<Target>,
    /// Per round, per target (in `targets` order): the time of
    /// `per_thread` requests on one thread, and of twice as many on two.
    rounds: Vec<Vec<(Duration, Duration)>>,
}

impl Scaling {
    /// Runs `config.thread_rounds` rounds of `targets`.
    pub fn measure(config: Config, targets: &[Target]) -> Self {
        let requests = Requests::default();
        let rounds = (0..config.thread_rounds)
            .map(|round| {
                let once = |&t: &Target| scaling_once(&requests, config, t, round);
                targets.iter().map(once).collect()
            })
            .collect();
        Self {
            per_thread: config.per_thread,
            targets: targets.to_vec(),
            rounds,
        }
    }

    /// Two threads' throughput over one thread's for `target`: the median
    /// of the per-round ratios, and the ratio of the fastest runs; then the
    /// fastest throughputs (requests per second) of one and of two threads.
    pub fn ratio(&self, target: Target) -> (f64, f64, f64, f64) {
        let t = self
            .targets
            .iter()
            .position(|&x| x as usize == target as usize)
            .expect("a measured target");
        let secs = |pick: fn(&(Duration, Duration)) -> Duration| -> Vec<f64> {
            self.rounds
                .iter()
                .map(|r| pick(&r[t]).as_secs_f64())
                .collect()
        };
        let (ones, twos) = (secs(|r| r.0), secs(|r| r.1));
        let mut ratios: Vec<f64> = ones.iter().zip(&twos).map(|(a, b)| 2.0 * a / b).collect();
        let k = self.per_thread as f64;
        let (one, two) = (k / min(&ones), 2.0 * k / min(&twos));
        (median(&mut ratios), two / one, one, two)
    }
}

/// One round of one target: the wall times on one thread and on two.
fn scaling_once(
    requests: &Requests,
    config: Config,
    target: Target,
    round: usize,
) -> (Duration, Duration) {
    let k = config.per_thread;
    let tokens = fixture::tokens(1 << 30 | (round * 4 + target as usize) as u64, 3 * k);
    let batches = [&tokens[..k], &tokens[k..2 * k], &tokens[2 * k..]];
    let single_first = round.is_multiple_of(2);
    let times = match target {
        Target::Ours => {
            let store = seeded(&tokens);
            let service = RevocationEndpointLayer::new(store.clone()).layer(noop());
            let times = scaling_round(service, requests, batches, single_first);
            assert!(
                tokens.iter().all(|t| !store.is_active(t)),
                "a token was not revoked"
            );
            times
        }
        Target::Hand => {
            let state = AppState::new(&tokens);
            let router = handwritten::router(state.clone());
            let times = scaling_round(router, requests, batches, single_first);
            assert!(
                tokens.iter().all(|t| state.is_revoked(t)),
                "a token was not revoked"
            );
            times
        }
        Target::Noop => scaling_round(noop(), requests, batches, single_first),
    };
    if std::env::var_os("REVOKE_SCALING_VERBOSE").is_some() {
        let (one, two) = (
            k as f64 / times.0.as_secs_f64(),
            2.0 * k as f64 / times.1.as_secs_f64(),
        );
        println!("round {round} {target:?}: {one:.0} req/s alone, {two:.0} on two threads");
    }
    times
}

/// One round: the first batch of tokens on one thread alone, the other two
/// on two threads at once (started together by a barrier); the wall times.
/// Each thread builds its own requests, as a server's worker would, so
/// that it also frees them into its own allocator arena.
fn scaling_round<S>(
    service: S,
    requests: &Requests,
    [single, a, b]: [&[String]; 3],
    single_first: bool,
) -> (Duration, Duration)
where
    S: Service<Request<Body>> + Clone + Send,
    S::Response: exec::Status,
    S::Error: std::fmt::Debug,
{
    let build = |tokens: &[String]| -> Vec<Request<Body>> {
        tokens.iter().map(|t| requests.revoke(t)).collect()
    };
    let run_single = || {
        let mut service = service.clone();
        std::thread::scope(|s| {
            s.spawn(|| exec::run(&mut service, &mut build(single), StatusCode::OK))
                .join()
                .unwrap()
        })
    };
    let run_dual = || {
        let barrier = Barrier::new(2);
        let spans: Vec<(Instant, Instant)> = std::thread::scope(|s| {
            let handles: Vec<_> = [a, b]
                .into_iter()
                .map(|tokens| {
                    let (mut service, barrier, build) = (service.clone(), &barrier, &build);
                    s.spawn(move || {
                        let mut batch = build(tokens);
                        barrier.wait();
                        let start = Instant::now();
                        exec::run(&mut service, &mut batch, StatusCode::OK);
                        (start, Instant::now())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let start = spans.iter().map(|s| s.0).min().unwrap();
        let end = spans.iter().map(|s| s.1).max().unwrap();
        end - start
    };
    if single_first {
        let one = run_single();
        (one, run_dual())
    } else {
        let two = run_dual();
        (run_single(), two)
    }
}
