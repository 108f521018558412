//! Does client authentication time tell which client ids exist?
//!
//! `cargo bench --bench auth_timing` sends revocation requests through
//! `RevocationEndpointLayer` on a `MemoryStore`, interleaved in a shuffled
//! order: an unknown client (`appX`) and two known ones (`app1`, `app2`;
//! ids of one length, so that the requests are the same size), each with a
//! wrong secret of the stored secrets' length, at 32 bytes and at 1 KiB. It
//! prints the median time of each, the difference between unknown and
//! known, and, as the noise floor, the difference between the two known
//! clients, whom nothing sets apart but where their entries happen to lie.
//! Not a timed test: a report to read.

use axum::body::Body;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use http::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::time::Instant;
use tower::{service_fn, Layer, Service};
use tower_revoke::client::{ClientId, ClientSecret};
use tower_revoke::store::{ClientEntry, Seed};
use tower_revoke::{MemoryStore, RevocationEndpointLayer};
use tower_revoke_test_support::bench::block_on;

/// Samples of each kind, per secret length.
const SAMPLES: usize = 40_000;

fn main() {
    println!("| secret | unknown `appX` | known `app1` | known `app2` | unknown - app1 | noise floor: app2 - app1 |");
    println!("|---|---|---|---|---|---|");
    for length in [32, 1024] {
        report(length);
    }
}

fn report(length: usize) {
    let clients = ["app1", "app2"].map(|id| {
        let secret = ClientSecret::new("s".repeat(length)).unwrap();
        ClientEntry::new(ClientId::new(id).unwrap(), Some(secret))
    });
    let store = MemoryStore::from_seed(&Seed::new(clients, []).unwrap());
    let inner =
        service_fn(|_: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
    let mut endpoint = RevocationEndpointLayer::new(store).layer(inner);
    let wrong = "w".repeat(length);
    let ids = ["appX", "app1", "app2"];
    let mut samples: [Vec<u64>; 3] = Default::default();
    let mut state = 0x5eed_u64;
    while samples.iter().any(|s| s.len() < SAMPLES) {
        state = mix(state);
        let which = (state % 3) as usize;
        if samples[which].len() == SAMPLES {
            continue;
        }
        let request = revocation(ids[which], &wrong);
        let start = Instant::now();
        let response = block_on(endpoint.call(request)).unwrap();
        samples[which].push(start.elapsed().as_nanos() as u64);
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let [unknown, app1, app2] = samples.map(|mut s| median(&mut s) as i64);
    println!(
        "| {length} B | {unknown} ns | {app1} ns | {app2} ns | {:+} ns | {:+} ns |",
        unknown - app1,
        app2 - app1
    );
}

fn revocation(client_id: &str, secret: &str) -> Request<Body> {
    let credentials = STANDARD.encode(format!("{client_id}:{secret}"));
    Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", format!("Basic {credentials}"))
        .body(Body::from("token=AT1"))
        .unwrap()
}

fn median(samples: &mut [u64]) -> u64 {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

/// SplitMix64, a fixed order of the interleaving.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}
