//! The summary: every contender measured in one process, batches
//! interleaved round by round, printed as a table of ratios against the
//! targets.
//!
//! Two estimates per ratio. The primary one compares each contender's
//! fastest batch: on a machine shared with other work (or a VM whose vCPUs
//! the host steals), interference only ever adds time, so the fastest of
//! many short batches is each contender's undisturbed cost. The second is
//! the median of the per-round ratios (batches of one round run within a few
//! milliseconds of each other); the two agree on a quiet machine.

use super::alloc;
use super::contenders::{noop, seeded, Contender};
use super::exec;
use super::fixture::{self, Requests};
use super::scaling::{Scaling, Target};
use super::suite::Suite;
use http::StatusCode;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tower::Layer;
use tower_revoke::RevocationEndpointLayer;

/// How much the summary measures.
#[derive(Debug, Clone, Copy)]
pub struct Config {
    /// Rounds; each sends one batch through every contender.
    pub rounds: usize,
    /// Requests per batch.
    pub batch: usize,
    /// Requests per thread in each round of the two-thread figure.
    pub per_thread: usize,
    /// Rounds of the two-thread figure.
    pub thread_rounds: usize,
}

impl Config {
    /// For `cargo bench`.
    pub const FULL: Self = Self {
        rounds: 101,
        batch: 500,
        per_thread: 4_000,
        thread_rounds: 41,
    };
    /// For `cargo test --benches`: checks that everything runs.
    pub const QUICK: Self = Self {
        rounds: 3,
        batch: 100,
        per_thread: 500,
        thread_rounds: 2,
    };
}

pub fn median(values: &mut [f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    }
}

pub fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

/// Nanoseconds per request, per contender, one value per round.
struct Samples(HashMap<&'static str, Vec<f64>>);

impl Samples {
    fn min(&self, name: &str) -> f64 {
        min(&self.0[name])
    }

    fn median(&self, name: &str) -> f64 {
        median(&mut self.0[name].clone())
    }

    /// The median over rounds of `f` applied to each round's values.
    fn per_round(&self, f: impl Fn(&dyn Fn(&str) -> f64) -> f64) -> f64 {
        let rounds = self.0.values().next().map_or(0, Vec::len);
        let mut values: Vec<f64> = (0..rounds)
            .map(|r| f(&|name: &str| self.0[name][r]))
            .collect();
        median(&mut values)
    }
}

struct Row {
    figure: String,
    ours: String,
    baseline: String,
    /// The primary estimate; decides PASS / MISS.
    ratio: f64,
    /// The other estimate (see the note under the table).
    check: f64,
    target: &'static str,
    pass: Option<bool>,
}

/// Runs the summary and prints its tables.
pub fn run(suite: &mut Suite, config: Config) {
    let large = suite.large;
    let started = Instant::now();
    println!("\n## tower-revoke summary (one process, interleaved batches)\n");
    let ns = Samples(per_request_times(suite, config));
    let fmt_ns = |v: f64| format!("{v:.0} ns");
    let mut rows = Vec::new();

    let above = |name: &str| ns.min(name) - ns.min("noop_revoke");
    let ratio = above("ours_revoke") / above("hand_revoke");
    rows.push(Row {
        figure:
            "revoke request: time above the do-nothing service_fn, tower-revoke / hand-written axum"
                .into(),
        ours: fmt_ns(above("ours_revoke")),
        baseline: fmt_ns(above("hand_revoke")),
        ratio,
        check: ns.per_round(|r| {
            (r("ours_revoke") - r("noop_revoke")) / (r("hand_revoke") - r("noop_revoke"))
        }),
        target: "<= 0.333",
        pass: Some(ratio <= 1.0 / 3.0),
    });
    let above_bare = |name: &str| ns.min(name) - ns.min("guard_bare");
    rows.push(Row {
        figure: "  (info) protected request: a do-nothing Router::layer, time above a bare Router"
            .into(),
        ours: fmt_ns(above_bare("guard_identity")),
        baseline: fmt_ns(above_bare("guard_hand")),
        ratio: above_bare("guard_identity") / above_bare("guard_hand"),
        check: f64::NAN,
        target: "info",
        pass: None,
    });
    let ratio = above_bare("guard_ours") / above_bare("guard_hand");
    rows.push(Row {
        figure:
            "protected request: time above a bare Router, BearerAuthLayer / hand-written from_fn"
                .into(),
        ours: fmt_ns(above_bare("guard_ours")),
        baseline: fmt_ns(above_bare("guard_hand")),
        ratio,
        check: ns.per_round(|r| {
            (r("guard_ours") - r("guard_bare")) / (r("guard_hand") - r("guard_bare"))
        }),
        target: "<= 0.333",
        pass: Some(ratio <= 1.0 / 3.0),
    });
    let mut quotient = |figure: String, num: &str, den: &str, target, limit: f64| {
        let ratio = ns.min(num) / ns.min(den);
        let pass = match target {
            "info" => None,
            _ => Some(ratio <= limit),
        };
        rows.push(Row {
            figure,
            ours: fmt_ns(ns.min(num)),
            baseline: fmt_ns(ns.min(den)),
            ratio,
            check: ns.per_round(|r| r(num) / r(den)),
            target,
            pass,
        });
    };
    quotient(
        "other path: axum Router with the layer (Router::layer) / the same Router without it"
            .into(),
        "router_layered_other",
        "router_other",
        "<= 1.02",
        1.02,
    );
    quotient(
        "  (info) the same with a do-nothing layer: what axum's Router::layer costs by itself"
            .into(),
        "router_identity_other",
        "router_other",
        "info",
        0.0,
    );
    quotient(
        "  (info) Router::layer: the endpoint's layer / a do-nothing layer".into(),
        "router_layered_other",
        "router_identity_other",
        "info",
        0.0,
    );
    quotient(
        "other path: the whole Router wrapped by the layer / the Router alone".into(),
        "router_wrapped_other",
        "router_other",
        "<= 1.02",
        1.02,
    );
    quotient(
        "other path: through RevocationEndpoint / the inner service called directly".into(),
        "ours_other",
        "inner_other",
        "<= 1.02",
        1.02,
    );
    for (name, what) in [
        ("bad_credentials", "bad client secret (401)"),
        ("duplicate_parameter", "duplicate `token` (400)"),
        ("oversize", "body of 16 KiB + 1 with a size hint (413)"),
        (
            "oversize_streamed",
            "64 KiB streamed without a size hint (413)",
        ),
    ] {
        let figure = format!("rejected, {what} / successful revocation");
        quotient(figure, name, "ours_revoke", "<= 1.00", 1.0);
    }
    let figure = format!("MemoryStore revoke through the endpoint: {large} tokens / 1,000 tokens");
    quotient(figure, "ours_large", "ours_small", "<= 1.10", 1.10);
    let figure = format!(
        "  (info) the same, {large} tokens / {} tokens (both past the caches: flat = no scan)",
        large / 10
    );
    quotient(figure, "ours_large", "ours_mid", "info", 0.0);
    let figure = format!("  (info) RevocationStore::revoke alone: {large} / 1,000 tokens");
    quotient(figure, "store_large", "store_small", "info", 0.0);

    let scaling = Scaling::measure(config, &Target::ALL);
    for target in Target::ALL {
        let (median, best, one, two) = scaling.ratio(target);
        let (figure, target_text, pass) = match target {
            Target::Ours => (
                "2 threads revoking distinct tokens: throughput / 1 thread's (tower-revoke)",
                ">= 1.6",
                Some(median >= 1.6),
            ),
            Target::Hand => ("  (info) the same, hand-written axum app", "info", None),
            Target::Noop => (
                "  (control) the same, do-nothing service_fn: about 2 when two cores were free",
                "info",
                None,
            ),
        };
        rows.push(Row {
            figure: figure.into(),
            ours: format!("{two:.0} req/s"),
            baseline: format!("{one:.0} req/s"),
            ratio: median,
            check: best,
            target: target_text,
            pass,
        });
    }

    println!("| figure | ours | baseline | ratio | cross-check | target | result |");
    println!("|---|---|---|---|---|---|---|");
    for row in &rows {
        let result = match row.pass {
            None => "-",
            Some(true) => "PASS",
            Some(false) => "MISS",
        };
        println!(
            "| {} | {} | {} | {:.3} | {:.3} | {} | {} |",
            row.figure, row.ours, row.baseline, row.ratio, row.check, row.target, result
        );
    }

    println!(
        "\nTimes: ours and baseline are the fastest batch (of {} rounds of {} requests); ratio \
         compares the fastest batches, cross-check is the median of the per-round ratios.\n\
         Two threads: ratio is the median of the per-round ratios, cross-check compares the \
         fastest runs; throughputs are the fastest runs ({} rounds of {} requests per thread).",
        config.rounds, config.batch, config.thread_rounds, config.per_thread
    );
    println!(
        "\n### Per-request times ({} rounds of {} requests)\n",
        config.rounds, config.batch
    );
    println!("| contender | fastest batch | median batch |");
    println!("|---|---|---|");
    for (name, _) in suite.all() {
        println!(
            "| {name} | {:.0} ns | {:.0} ns |",
            ns.min(name),
            ns.median(name)
        );
    }

    println!("\n### Allocations per request (calling thread, request built beforehand)\n");
    println!("| contender | allocs | reallocs | bytes |");
    println!("|---|---|---|---|");
    let n = config.batch.min(super::suite::BATCH);
    for (name, contender) in suite.all() {
        contender.prepare(n);
        let counted = alloc::count(|| {
            contender.run();
        });
        contender.check();
        let per = |v: u64| v as f64 / n as f64;
        println!(
            "| {name} | {:.2} | {:.2} | {:.0} |",
            per(counted.allocs),
            per(counted.reallocs),
            per(counted.bytes)
        );
    }

    println!(
        "\nStreamed oversize body: the endpoint read {} bytes of 65536 (limit {}).",
        streamed_bytes_read(),
        fixture::BODY_LIMIT
    );
    println!("Summary took {:.1} s.", started.elapsed().as_secs_f64());
}

/// Nanoseconds per request of every contender, one value per round.
fn per_request_times(suite: &mut Suite, config: Config) -> HashMap<&'static str, Vec<f64>> {
    let mut contenders = suite.all();
    // Warm every contender up (code, caches, lazy statics) before the rounds.
    for (_, contender) in contenders.iter_mut() {
        contender.prepare(config.batch);
        contender.run();
        contender.check();
    }
    let mut ns: HashMap<&'static str, Vec<f64>> = HashMap::new();
    let count = contenders.len();
    for round in 0..config.rounds {
        // Rotate the order so no contender always runs right after another.
        for k in 0..count {
            let (name, contender) = &mut contenders[(round + k) % count];
            contender.prepare(config.batch);
            let elapsed = contender.run();
            contender.check();
            let per = elapsed.as_nanos() as f64 / config.batch as f64;
            ns.entry(*name).or_default().push(per);
        }
    }
    ns
}

/// How many bytes the endpoint pulls from a streamed 64 KiB body.
fn streamed_bytes_read() -> usize {
    let read = Arc::new(AtomicUsize::new(0));
    let request = Requests::default().oversize_streamed(Arc::clone(&read));
    let mut service = RevocationEndpointLayer::new(seeded(&[])).layer(noop());
    exec::run(
        &mut service,
        &mut vec![request],
        StatusCode::PAYLOAD_TOO_LARGE,
    );
    read.load(Ordering::Relaxed)
}

/// One batch of `contender`, alone: what callgrind measures
/// (`--toggle-collect=*callgrind_measured*`).
#[inline(never)]
pub fn callgrind_measured(contender: &mut dyn Contender) -> Duration {
    contender.run()
}

/// Sends `n` requests through the contender `name`, one per batch, so that
/// each request is built just before it is sent (as a server would) and
/// only the sending is measured; three unmeasured batches of 100 first.
pub fn callgrind(suite: &mut Suite, name: &str, n: usize) {
    let mut all = suite.all();
    let Some((_, contender)) = all.iter_mut().find(|(k, _)| *k == name) else {
        panic!("no contender named {name}");
    };
    for _ in 0..3 {
        contender.prepare(100);
        contender.run();
        contender.check();
    }
    let mut elapsed = Duration::ZERO;
    for _ in 0..n {
        contender.prepare(1);
        elapsed += callgrind_measured(&mut **contender);
        contender.check();
    }
    println!("{name}: {n} requests in {elapsed:?}");
}
