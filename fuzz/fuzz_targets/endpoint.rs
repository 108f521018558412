//! A whole request through `RevocationEndpointLayer` over a `MemoryStore`:
//! an arbitrary method, path, headers, body (in arbitrary chunks, with an
//! optional stream error and trailers) and endpoint configuration, polled
//! by hand with a no-op waker (every future involved is ready at once, so a
//! `Pending` that never resolves is a hang).
//!
//! Invariants:
//! - no panic, and the response future and body complete;
//! - a request to another path reaches the inner service, once, untouched;
//!   one to the endpoint's path never does;
//! - every endpoint response carries `Cache-Control: no-store` and
//!   `Pragma: no-cache`, and its status is one of 200, 204, 400, 401, 404,
//!   405, 413 (never 5xx: the store cannot fail);
//! - the body is never read past `max_body_size` (plus the chunk that
//!   crossed it);
//! - a `HEAD` request to the endpoint gets the answer a `GET` gets, without
//!   content but with the `Content-Length` that content has;
//! - tokens change state only for a well-formed request of an authenticated
//!   client, and only the token the request named (and its grant) of that
//!   client: with a 200/204 when the token was active, or with the
//!   unknown-token answer for an expired refresh token, which still ends its
//!   grant (RFC 7009 §2.1);
//! - conversely, a well-formed request from an authenticated client gets
//!   the answer RFC 7009 §2.2 asks for, and leaves exactly the tokens an
//!   independent model of the store leaves active.
//!
//! The model: a refresh token ends its grant; an access token only itself
//! unless `access_token_revokes_grant`; a revoked grant ends every token in
//! it, those the store cannot revoke one by one too; grants belong to one
//! client (the same grant id of another client is another grant); an
//! expired refresh token of the calling client still ends its grant, and
//! the answer is the unknown-token one.
//!
//! Before that request, the input may make earlier revocations, so that
//! requests meet tokens and grants already ended: straight through
//! `RevocationStore::revoke` (the exact `RevocationOutcome`, cascade count
//! included, against the model), or as well-formed requests to the endpoint
//! by one of the seed's clients with each authentication method (a free-form
//! request rarely carries the right secret: the constant-time comparison
//! gives the fuzzer no gradient towards it), each checked like the last one.
//!
//! The pieces are in the fuzz crate's library (`src/`): the input types
//! (`input`), the requests they make (`request`), the body (`body`), the
//! hand-driven service calls (`service`), the seed and its model (`seed`,
//! `model`), the harness (`harness`) and the checks (`check`).

#![no_main]

use libfuzzer_sys::fuzz_target;
use tower_revoke_fuzz::{Exchange, Harness, Input};

fn run(input: Input) {
    let mut harness = Harness::new(&input.config);

    // Earlier revocations, each checked against the model: straight through
    // the store (the exact outcome, cascade count included), or as a
    // well-formed request to the endpoint.
    for step in &input.earlier {
        harness.earlier(step, input.config.json);
    }

    // The request, when its method and URI are valid.
    if let Some(exchange) = Exchange::from_input(input) {
        harness.exchange(exchange);
    }
}

fuzz_target!(|input: Input| run(input));
