//! A restart on the same store (SQLite's file, PostgreSQL's database): the
//! demo mints and revokes, is killed by its PID (SIGKILL: no shutdown, no
//! flush) and starts again on the same address (so the same issuer and
//! list URIs). Its list still shows the INVALID statuses, and the earlier
//! JWTs keep their state at `/me` and introspection; the JWTs minted after
//! the restart get indices of the same list never given before it (§13.3:
//! no double allocation; the indices are random among 2^20, so a store
//! that forgot its allocations would rarely be caught here; the
//! conformance kit fills lists of 8), and revocations still reach the list.

use super::{client_credentials, printed_at_start, refresh, Decoder, Jwt};
use crate::token::stores::Store;
use crate::token::{self, VARY_ORIGIN};
use std::collections::BTreeSet;

on_stores!(python statuses_survive_a_restart:
    sqlite_invalid_statuses_survive_a_restart_and_no_index_is_given_twice => Sqlite,
    postgres_invalid_statuses_survive_a_restart_and_no_index_is_given_twice => Postgres,
);

async fn statuses_survive_a_restart(store: Store, python: String) {
    let decoder = Decoder::new(python);
    // The same address, and so the same issuer and lists' URIs, after the
    // restart: a port that was free a moment ago.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|free| free.local_addr())
        .expect("a free port")
        .to_string();
    let [secret, ttl] = super::minting("60s");
    let vars = [secret, ttl, ("TOWER_REVOKE_ADDR", addr.as_str())];
    let mut demo = store.demo(&vars).await;
    let mut earlier = vec![printed_at_start(&mut demo).await];
    let revoked = client_credentials(&demo).await;
    let (granted, rotated) = refresh(&demo, "RT1").await;
    earlier.extend([
        revoked.clone(),
        granted.clone(),
        client_credentials(&demo).await,
    ]);
    let reply = token::revoke(&demo, &revoked.token).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let reply = token::revoke(&demo, &rotated).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let before = decoder.list_of(&refs(&earlier)).await;
    assert_eq!(before.invalid, BTreeSet::from([revoked.idx, granted.idx]));
    demo.sigkill();
    demo.wait_killed().await;

    let mut demo = store.demo(&vars).await;
    let mut later = vec![printed_at_start(&mut demo).await];
    for _ in 0..3 {
        later.push(client_credentials(&demo).await);
    }
    let all: Vec<Jwt> = earlier.iter().chain(&later).cloned().collect();
    // One list, every index distinct (list_of): none given twice.
    let after = decoder.list_of(&refs(&all)).await;
    assert_eq!(after.invalid, before.invalid, "kept, and the later VALID");
    for dead in [&revoked, &granted] {
        token::assert_dead(&demo, &dead.token).await;
    }
    token::assert_live(&demo, &earlier[3].token, "app1").await;

    let reply = token::revoke(&demo, &later[1].token).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let revoked_later = decoder.list_of(&refs(&all)).await;
    revoked_later.assert_newly_invalid(&after, &[&later[1]]);
}

fn refs(jwts: &[Jwt]) -> Vec<&Jwt> {
    jwts.iter().collect()
}
