//! tower-revoke against the hand-written axum handler a user would write
//! instead, and against a do-nothing service.
//!
//! ```text
//! cargo bench --bench revoke               # criterion groups, then the summary
//! cargo bench --bench revoke -- summary    # the summary alone
//! cargo bench --bench revoke -- revoke/    # criterion groups matching a filter
//! ```
//!
//! Every contender gets the same request bytes in an `axum::body::Body`,
//! built before the clock starts, and is driven the same way: `ready`, then
//! `call`, polled on the calling thread (see `exec`). Each revocation takes
//! a token that was never revoked. The summary measures every contender in
//! one process, batches interleaved, and prints the ratios against the
//! targets, allocations per request and the two-thread scaling.
//!
//! For instruction counts, run the bench binary under callgrind with
//! `REVOKE_CALLGRIND=<contender>` (for example `ours_revoke`,
//! `hand_revoke`, `noop_revoke`) and `--toggle-collect=*callgrind_measured*`:
//! it sends `REVOKE_CALLGRIND_N` (default 1000) requests, each built just
//! before it is sent, and only the sending is collected
//! (`REVOKE_CALLGRIND_LARGE` sets the size of the large stores).
//!
//! `REVOKE_SCALING=<rounds>` runs the two-thread figure alone (set
//! `REVOKE_SCALING_VERBOSE=1` for every round), for `perf record`.

mod alloc;
mod contenders;
mod exec;
mod fixture;
mod handwritten;
mod routers;
mod scaling;
mod suite;
mod summary;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use std::time::Duration;
use suite::Suite;

#[global_allocator]
static ALLOCATOR: alloc::Counting = alloc::Counting;

fn bench(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    contender: &mut dyn contenders::Contender,
) {
    group.bench_function(name, |b| {
        b.iter_custom(|iters| suite::measure(contender, iters))
    });
}

fn groups(c: &mut Criterion, suite: &mut Suite) {
    let mut group = c.benchmark_group("revoke");
    bench(&mut group, "noop_service_fn", &mut *suite.noop_revoke);
    bench(&mut group, "tower_revoke", &mut *suite.ours_revoke);
    bench(&mut group, "hand_written_axum", &mut *suite.hand_revoke);
    group.finish();

    let mut group = c.benchmark_group("other_path");
    bench(&mut group, "inner_direct", &mut *suite.inner_other);
    bench(&mut group, "through_endpoint", &mut *suite.ours_other);
    bench(&mut group, "router", &mut *suite.router_other);
    bench(
        &mut group,
        "router_layered",
        &mut *suite.router_layered_other,
    );
    group.finish();

    let mut group = c.benchmark_group("guard");
    bench(&mut group, "bare_router", &mut *suite.guard_bare);
    bench(&mut group, "identity_layer", &mut *suite.guard_identity);
    bench(&mut group, "bearer_auth_layer", &mut *suite.guard_ours);
    bench(&mut group, "hand_written_from_fn", &mut *suite.guard_hand);
    group.finish();

    let mut group = c.benchmark_group("rejected");
    bench(&mut group, "success", &mut *suite.ours_revoke);
    bench(&mut group, "bad_credentials", &mut *suite.bad_credentials);
    bench(
        &mut group,
        "duplicate_parameter",
        &mut *suite.duplicate_parameter,
    );
    bench(&mut group, "oversize", &mut *suite.oversize);
    bench(
        &mut group,
        "oversize_streamed",
        &mut *suite.oversize_streamed,
    );
    group.finish();

    let mut group = c.benchmark_group("store_size");
    let large = format!("endpoint_{}", suite.large);
    bench(&mut group, "endpoint_1000", &mut *suite.ours_small);
    let mid = format!("endpoint_{}", suite.large / 10);
    bench(&mut group, &mid, &mut *suite.ours_mid);
    bench(&mut group, &large, &mut *suite.ours_large);
    let large = format!("store_only_{}", suite.large);
    bench(&mut group, "store_only_1000", &mut *suite.store_small);
    bench(&mut group, &large, &mut *suite.store_large);
    group.finish();
}

/// Criterion options that take a value (so that value is no filter).
const VALUE_FLAGS: &[&str] = &[
    "-s",
    "--save-baseline",
    "-b",
    "--baseline",
    "--baseline-lenient",
    "--load-baseline",
    "-c",
    "--color",
    "--format",
    "--output-format",
    "--profile-time",
    "--measurement-time",
    "--warm-up-time",
    "--sample-size",
    "--nresamples",
    "--noise-threshold",
    "--confidence-level",
    "--significance-level",
    "--plotting-backend",
];

/// The summary runs unless criterion was asked to list, to profile, or to
/// run only benchmarks whose name does not appear in "summary".
fn wants_summary(args: &[String]) -> bool {
    if args.iter().any(|a| a == "--list" || a == "--profile-time") {
        return false;
    }
    let mut filters = Vec::new();
    let mut skip = true; // the program name
    for arg in args {
        if std::mem::take(&mut skip) {
            continue;
        }
        if VALUE_FLAGS.contains(&arg.as_str()) {
            skip = true;
        } else if !arg.starts_with('-') {
            filters.push(arg);
        }
    }
    filters.is_empty() || filters.iter().any(|f| "summary".contains(f.as_str()))
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then everything runs once, small.
    let full = args.iter().any(|a| a == "--bench");
    let large = if full { suite::LARGE_TOKENS } else { 20_000 };

    if let Ok(name) = std::env::var("REVOKE_CALLGRIND") {
        let n = std::env::var("REVOKE_CALLGRIND_N").map_or(1000, |n| n.parse().unwrap());
        // Small large stores by default: seeding is slow under valgrind.
        let large = std::env::var("REVOKE_CALLGRIND_LARGE")
            .map_or(large.min(n * 4).max(suite::SMALL_TOKENS), |n| {
                n.parse().unwrap()
            });
        let mut suite = Suite::new(large);
        summary::callgrind(&mut suite, &name, n);
        return;
    }

    if let Ok(rounds) = std::env::var("REVOKE_SCALING") {
        // The two-thread figure alone, for profiling it (`perf record`);
        // `REVOKE_SCALING_TARGET=ours|hand|noop` runs one target only.
        let mut config = summary::Config::FULL;
        config.thread_rounds = rounds.parse().unwrap();
        let only = std::env::var("REVOKE_SCALING_TARGET").ok();
        let targets: Vec<_> = scaling::Target::ALL
            .into_iter()
            .filter(|t| {
                only.as_ref()
                    .is_none_or(|o| format!("{t:?}").eq_ignore_ascii_case(o))
            })
            .collect();
        let scaling = scaling::Scaling::measure(config, &targets);
        for target in targets {
            let (median, best, one, two) = scaling.ratio(target);
            println!(
                "{target:?}: median per-round ratio {median:.3}; fastest runs {best:.3} \
                 ({one:.0} req/s alone, {two:.0} on two threads)"
            );
        }
        return;
    }

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(20)
        .configure_from_args();
    let seeding = std::time::Instant::now();
    let mut suite = Suite::new(large);
    println!(
        "Seeded every store in {:.1} s.",
        seeding.elapsed().as_secs_f64()
    );
    groups(&mut criterion, &mut suite);
    criterion.final_summary();
    if wants_summary(&args) {
        let config = if full {
            summary::Config::FULL
        } else {
            summary::Config::QUICK
        };
        summary::run(&mut suite, config);
    }
}
