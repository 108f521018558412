//! Single use across processes (RFC 7523 §3 item 7): an assertion the demo
//! accepted is refused when replayed to a second instance sharing the
//! store (PostgreSQL, Redis), also when both get it at once, and when
//! replayed after a restart on the same store (SQLite's file, PostgreSQL's
//! database, Redis's server); the memory store, gone with the process,
//! accepts it again, so the check can fail.
//!
//! Every instance names the same issuer (`https://as.example`), as behind
//! one public name, and every assertion is for it: a refusal is the
//! replay's, as a fresh assertion accepted beside it shows. After each
//! test, the tokens are read back (revoked or live, at `/me` and at
//! introspection) and the store holds exactly the assertions accepted.

use super::{assert_live, assert_refused, assert_revoked, post, revoke, KeyedSeed, Used};
use super::{CLIENT, ISSUER};
use crate::demo::Demo;
use crate::services::unique_name;
use crate::token::stores::Store;
use crate::token::VARY_ORIGIN;
use tower_revoke_examples::demo::INTROSPECT_PATH;
use tower_revoke_examples::token::TOKEN_PATH;
use tower_revoke_test_support::JSON;

/// Assertions sent to both instances at once, one pair per assertion.
const RACES: usize = 8;

on_stores!(second_instance:
    postgres_an_assertion_used_at_one_instance_is_refused_at_another => Postgres,
    redis_an_assertion_used_at_one_instance_is_refused_at_another => Redis,
);

on_stores!(restart:
    sqlite_an_assertion_used_before_a_restart_is_refused_after_it => Sqlite,
    postgres_an_assertion_used_before_a_restart_is_refused_after_it => Postgres,
    redis_an_assertion_used_before_a_demo_restart_is_refused_after_it => Redis,
    memory_an_assertion_used_before_a_restart_is_accepted_again_after_it => Memory,
);

async fn second_instance(store: Store) {
    let seed = KeyedSeed::write(&unique_name("replay"), 2 + 2 * RACES);
    let t = &seed.tokens;
    let a = store.demo_seeded(seed.path(), &[ISSUER]).await;
    let b = store.demo_seeded(seed.path(), &[ISSUER]).await;
    let mut used = Used::default();

    // Used at A's token endpoint: refused at each endpoint of B.
    let once = used.fresh();
    let issued = client_credentials(&a, &once).await;
    used.accepted(&once);
    assert_refused(&post(&b, TOKEN_PATH, &once, "grant_type=client_credentials").await);
    assert_refused_at_revocation(&revoke(&b, &once, &t[1]).await);
    let introspected = post(&b, INTROSPECT_PATH, &once, &format!("token={}", t[1])).await;
    assert_refused(&introspected);

    // Used at A's revocation endpoint: refused at B's, which revokes nothing.
    let once = used.fresh();
    revoke(&a, &once, &t[0])
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    used.accepted(&once);
    assert_refused_at_revocation(&revoke(&b, &once, &t[1]).await);

    // Sent to both at once: one accepts, the other refuses; one token of
    // the pair is revoked.
    let mut pairs = Vec::new();
    for race in 0..RACES {
        let (x, y) = (&t[2 + 2 * race], &t[3 + 2 * race]);
        let once = used.fresh();
        let (at_a, at_b) = tokio::join!(revoke(&a, &once, x), revoke(&b, &once, y));
        let a_won = at_a.status == 200;
        let (won, lost) = if a_won { (at_a, at_b) } else { (at_b, at_a) };
        won.assert_revoked_with(&[VARY_ORIGIN]);
        assert_refused_at_revocation(&lost);
        used.accepted(&once);
        pairs.push(if a_won { (x, y) } else { (y, x) });
    }

    for demo in [&a, &b] {
        crate::token::assert_me_of(demo, &issued, CLIENT, CLIENT).await;
        assert_revoked(demo, &t[0], &mut used).await;
        assert_live(demo, &t[1], &mut used).await;
        for (revoked, live) in &pairs {
            assert_revoked(demo, revoked, &mut used).await;
            assert_live(demo, live, &mut used).await;
        }
    }
    used.assert_recorded_in(&store).await;
}

async fn restart(store: Store) {
    let durable = store.url() != "memory";
    let seed = KeyedSeed::write(&unique_name("restart"), 4);
    let t = &seed.tokens;
    let demo = store.demo_seeded(seed.path(), &[ISSUER]).await;
    let mut used = Used::default();
    let at_token = used.fresh();
    let issued = client_credentials(&demo, &at_token).await;
    used.accepted(&at_token);
    let at_revocation = used.fresh();
    revoke(&demo, &at_revocation, &t[0])
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    used.accepted(&at_revocation);
    demo.sigkill();
    demo.wait_killed().await;

    let demo = store.demo_seeded(seed.path(), &[ISSUER]).await;
    if !durable {
        // Gone with the process: both are accepted again, and the tokens
        // are the seed's again.
        client_credentials(&demo, &at_token).await;
        revoke(&demo, &at_revocation, &t[1])
            .await
            .assert_revoked_with(&[VARY_ORIGIN]);
        assert_revoked(&demo, &t[1], &mut used).await;
        assert_live(&demo, &t[0], &mut used).await;
        return;
    }
    assert!(
        demo.store_line.ends_with("0 new client(s), 0 new token(s)"),
        "seeding again inserts nothing: {}",
        demo.store_line
    );
    let replayed = post(
        &demo,
        TOKEN_PATH,
        &at_token,
        "grant_type=client_credentials",
    )
    .await;
    assert_refused(&replayed);
    assert_refused_at_revocation(&revoke(&demo, &at_revocation, &t[1]).await);
    assert_refused_at_revocation(&revoke(&demo, &at_token, &t[1]).await);
    // A fresh assertion is accepted: the refusals were the replays'.
    let fresh = used.fresh();
    revoke(&demo, &fresh, &t[2])
        .await
        .assert_revoked_with(&[VARY_ORIGIN]);
    used.accepted(&fresh);

    crate::token::assert_me_of(&demo, &issued, CLIENT, CLIENT).await;
    assert_revoked(&demo, &t[0], &mut used).await;
    assert_live(&demo, &t[1], &mut used).await;
    assert_revoked(&demo, &t[2], &mut used).await;
    assert_live(&demo, &t[3], &mut used).await;
    used.assert_recorded_in(&store).await;
}

/// A `client_credentials` grant at `demo`'s token endpoint, authenticated
/// by `assertion`: the access token issued (RFC 6749 §5.1).
async fn client_credentials(demo: &Demo, assertion: &str) -> String {
    let reply = post(demo, TOKEN_PATH, assertion, "grant_type=client_credentials").await;
    reply.assert(200, &reply.body, JSON);
    let body = reply.json();
    assert_eq!(body["token_type"], "Bearer", "{reply:?}");
    assert!(body.get("refresh_token").is_none(), "RFC 6749 §4.4.3");
    body["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// [`assert_refused`] at the revocation endpoint, whose answers vary by
/// `Origin` (its CORS).
fn assert_refused_at_revocation(reply: &tower_revoke_test_support::reply::Reply) {
    super::assert_refused_with(reply, &[VARY_ORIGIN]);
}
