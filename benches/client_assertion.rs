//! What `private_key_jwt` client authentication costs (RFC 7523 §2.2).
//!
//! `cargo bench --bench client_assertion` sends revocation requests (an
//! unknown token, so the store does as little as it can) through
//! `RevocationEndpointLayer` on a `MemoryStore`, authenticated each way:
//! `client_secret_basic`, then an assertion signed with RS256, PS256 (a
//! 2048-bit RSA key), ES256 (P-256) and EdDSA (Ed25519), each assertion
//! fresh (a replay would fail). For each it prints the median time per
//! request and its ratio to `client_secret_basic`; then, for an unknown
//! client, the same: what the stand-in key check costs beside a known
//! client's (they should match, so that timing tells no client ids).
//! Assertions are signed before the clock starts. Not a timed test: a
//! report to read.

use axum::body::Body;
use http::{Request, Response, StatusCode};
use jsonwebtoken::Algorithm;
use std::convert::Infallible;
use std::time::Instant;
use tower::{service_fn, Layer, Service};
use tower_revoke::jwt::ClientAssertionVerifier;
use tower_revoke::request::RequestReader;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};
use tower_revoke_test_support::assertion::{claims, form, jwks, sign};
use tower_revoke_test_support::bench::block_on;
use tower_revoke_test_support::jwt::ISSUER;

/// Requests per method and client.
const SAMPLES: usize = 2_000;

fn main() {
    let seed = format!(
        r#"{{"clients": [{{"client_id": "basic1", "client_secret": "s3cr3t-of-basic1"}},
                         {{"client_id": "keyed", "jwks": {}}}]}}"#,
        jwks()
    );
    let store = MemoryStore::from_seed_json(&seed).expect("the bench seed");
    let verifier = ClientAssertionVerifier::new(ISSUER, store.clone());
    let reader = RequestReader::default().client_assertions(verifier);
    let inner =
        service_fn(|_: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) });
    let mut endpoint = RevocationEndpointLayer::new(store)
        .reader(reader)
        .layer(inner);
    let mut run = |requests: Vec<Request<Body>>, status: StatusCode| {
        let mut samples: Vec<u64> = requests
            .into_iter()
            .map(|request| {
                let start = Instant::now();
                let response = block_on(endpoint.call(request)).unwrap();
                let elapsed = start.elapsed().as_nanos() as u64;
                assert_eq!(response.status(), status);
                elapsed
            })
            .collect();
        samples.sort_unstable();
        samples[samples.len() / 2]
    };
    let basic = run((0..SAMPLES).map(|_| basic()).collect(), StatusCode::OK);
    println!("| method | known client | ratio to client_secret_basic | unknown client | unknown / known |");
    println!("|---|---|---|---|---|");
    println!("| client_secret_basic | {} | 1.00 | | |", micros(basic));
    for alg in [
        Algorithm::RS256,
        Algorithm::PS256,
        Algorithm::ES256,
        Algorithm::EdDSA,
    ] {
        let known = run(assertions("keyed", alg), StatusCode::OK);
        let unknown = run(assertions("nobody", alg), StatusCode::UNAUTHORIZED);
        println!(
            "| private_key_jwt {alg:?} | {} | {:.2} | {} | {:.2} |",
            micros(known),
            known as f64 / basic as f64,
            micros(unknown),
            unknown as f64 / known as f64
        );
    }
}

fn micros(nanos: u64) -> String {
    format!("{:.1} µs", nanos as f64 / 1000.0)
}

fn basic() -> Request<Body> {
    Request::post("/revoke")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("authorization", "Basic YmFzaWMxOnMzY3IzdC1vZi1iYXNpYzE=")
        .body(Body::from("token=nothing"))
        .unwrap()
}

/// [`SAMPLES`] revocations, each with a fresh assertion of `client_id`.
fn assertions(client_id: &str, alg: Algorithm) -> Vec<Request<Body>> {
    (0..SAMPLES)
        .map(|_| {
            let body = form(&sign(&claims(client_id), alg), "token=nothing");
            Request::post("/revoke")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap()
        })
        .collect()
}
