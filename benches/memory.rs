//! Resident memory of a seeded `MemoryStore`: bytes per token at 100,000,
//! 1,000,000 and 5,000,000 tokens, and the peak while seeding.
//!
//! ```text
//! cargo bench --bench memory                        # about a minute, 8 GB of RAM free
//! MEMORY_BENCH_TOKENS=200000 cargo bench --bench memory
//! ```
//!
//! (`cargo test --benches` runs it once, at 10,000 tokens, as a smoke test.)
//!
//! Each size and way of loading runs in a process of its own (this binary,
//! started again), which loads a seed file and reads `/proc/self/status`:
//! - `baseline`: `VmRSS` before the seed is read;
//! - `idle`: `VmRSS` after seeding, the seed dropped;
//! - `peak`: `VmHWM`, the most the process was ever resident.
//!
//! Bytes per token are `(idle - baseline) / tokens`; the peak ratio is
//! `peak / idle`, whole-process figures as `ps` would show them.
//!
//! Two ways of loading:
//! - `streamed`: `MemoryStore::from_seed_file`, as the demo loads its seed:
//!   the file read entry by entry, never whole;
//! - `whole`: `Seed::from_file`, then `MemoryStore::from_seed`, the seed
//!   dropped after: what the process keeps above `streamed` is the heap
//!   the seed's allocations leave behind, interleaved with the store's.
//!
//! The seed is shaped like a token endpoint's output: pairs of an access
//! token (scope `read write`) and a refresh token sharing a grant, tokens
//! of 43 base64url characters (256 bits), 10,000 subjects, 4 clients, an
//! expiry on every token.

use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::Command;
use tower_revoke::store::Seed;
use tower_revoke::MemoryStore;

/// The environment variables that make this binary the child measuring
/// one seed file, and say how it loads it.
const CHILD: &str = "TOWER_REVOKE_MEMORY_BENCH_SEED";
const LOADING: &str = "TOWER_REVOKE_MEMORY_BENCH_LOADING";
const SUBJECTS: usize = 10_000;
const CLIENTS: usize = 4;

fn main() {
    if let Some(seed) = std::env::var_os(CHILD) {
        return measure(Path::new(&seed));
    }
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let sizes: Vec<usize> = match std::env::var("MEMORY_BENCH_TOKENS") {
        Ok(n) => vec![n.parse().expect("MEMORY_BENCH_TOKENS: a number of tokens")],
        Err(_) if args.iter().any(|a| a == "--bench") => vec![100_000, 1_000_000, 5_000_000],
        Err(_) => vec![10_000],
    };
    let dir = std::env::temp_dir().join(format!("tower-revoke-memory-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    println!(
        "| tokens | loading | baseline MB | idle MB | peak MB | bytes per token | peak / idle |"
    );
    println!("|---|---|---|---|---|---|---|");
    for (tokens, loading) in sizes.iter().flat_map(|&n| [(n, "streamed"), (n, "whole")]) {
        let seed = dir.join(format!("seed-{tokens}.json"));
        if loading == "streamed" {
            write_seed(&seed, tokens);
        }
        let out = Command::new(std::env::current_exe().expect("this binary"))
            .env(CHILD, &seed)
            .env(LOADING, loading)
            .output()
            .expect("the measuring process starts");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let figures: Vec<u64> = String::from_utf8(out.stdout)
            .expect("UTF-8")
            .split_whitespace()
            .map(|n| n.parse().expect("kB figures"))
            .collect();
        let [baseline, idle, peak] = figures[..] else {
            panic!("three figures expected, got {figures:?}")
        };
        let mb = |kb: u64| kb as f64 / 1024.0;
        let per_token = (idle.saturating_sub(baseline) * 1024) as f64 / tokens as f64;
        println!(
            "| {tokens} | {loading} | {:.1} | {:.1} | {:.1} | {per_token:.0} | {:.2} |",
            mb(baseline),
            mb(idle),
            mb(peak),
            peak as f64 / idle as f64
        );
        if loading == "whole" {
            std::fs::remove_file(&seed).expect("the seed file is removed");
        }
    }
    std::fs::remove_dir(&dir).expect("the temporary directory is removed");
}

/// The child: seeds a store from `seed` and prints baseline, idle and peak
/// resident kB.
fn measure(seed: &Path) {
    let baseline = status_kb("VmRSS");
    let store = match std::env::var(LOADING).as_deref() {
        Ok("streamed") => MemoryStore::from_seed_file(seed).expect("the generated seed loads"),
        _ => MemoryStore::from_seed(&Seed::from_file(seed).expect("the generated seed loads")),
    };
    assert!(!store.is_active("not a seeded token"));
    println!("{baseline} {} {}", status_kb("VmRSS"), status_kb("VmHWM"));
}

/// A `kB` field of `/proc/self/status`.
fn status_kb(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let line = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("{field} in /proc/self/status"));
    line.trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .expect("a kB figure")
}

/// Writes a seed of `tokens` tokens (rounded up to pairs) to `path`.
fn write_seed(path: &Path, tokens: usize) {
    let mut out = BufWriter::new(std::fs::File::create(path).expect("the seed file"));
    let clients: Vec<String> = (0..CLIENTS)
        .map(|c| format!(r#"{{"client_id":"app{c}","client_secret":"s3cr3t-{c}"}}"#))
        .collect();
    write!(out, r#"{{"clients":[{}],"tokens":["#, clients.join(",")).unwrap();
    let mut random = [0u8; 32 * 2];
    for pair in 0..tokens.div_ceil(2) {
        getrandom::fill(&mut random).expect("OS randomness");
        let (access, refresh) = random.split_at(32);
        let (client, subject) = (pair % CLIENTS, pair % SUBJECTS);
        let entry = |token: &[u8], kind: &str, scope: &str| {
            format!(
                r#"{{"token":"{}","type":"{kind}","client_id":"app{client}","grant_id":"g{pair}","subject":"user{subject}",{scope}"expires_at":4102444800}}"#,
                base64url(token)
            )
        };
        let sep = if pair == 0 { "" } else { "," };
        write!(
            out,
            "{sep}{},{}",
            entry(access, "access_token", r#""scope":"read write","#),
            entry(refresh, "refresh_token", "")
        )
        .unwrap();
    }
    out.write_all(b"]}").unwrap();
    out.flush().unwrap();
}

/// Unpadded base64url, as tokens are.
fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
