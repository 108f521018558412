//! Two processes: the demo (lists of `ttl` 1 s, on its memory store) and
//! the resource server (`tower-revoke-resource-server`), which knows the
//! demo's issuer URL and secret and nothing else: no store, no
//! introspection. A JWT it admitted is refused once revoked at the demo,
//! within the `ttl` and one fetch; another JWT of the same list is still
//! admitted, and still is once the demo is gone (its last good list lasts
//! until its `exp`, a day). A JWT whose list is outside the issuer is
//! refused without a request to that list.

use super::{client_credentials, secret, Decoder};
use crate::demo::{Demo, RESOURCE_SERVER};
use crate::token::stores::{Kind, Store};
use crate::token::{self, assert_me_of, VARY_ORIGIN};
use http::Method;
use serde_json::json;
use std::time::{Duration, Instant};
use tower_revoke_test_support::desc;
use tower_revoke_test_support::jwt::{fresh_jti, hs256_with, now, SECRET};

/// How long a revocation may take to reach the resource server: the
/// `ttl` (1 s) and one fetch, with room for a slow machine.
const WITHIN: Duration = Duration::from_secs(3);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_resource_server_refuses_a_jwt_revoked_at_the_demo_and_outlives_the_demo() {
    let test = "the_resource_server_refuses_a_jwt_revoked_at_the_demo_and_outlives_the_demo";
    let Some(python) = crate::services::url(crate::authlib::PYTHON, test) else {
        return;
    };
    let Some(store) = Store::open(Kind::Memory, test).await else {
        return;
    };
    let decoder = Decoder::new(python);
    let demo = store.demo(&super::minting("1s")).await;
    let issuer = format!("http://{}", demo.addr);
    let rs = Demo::spawn(
        RESOURCE_SERVER,
        &[
            ("TOWER_REVOKE_ISSUER", &issuer),
            ("TOWER_REVOKE_JWT_HS256_SECRET", secret()),
        ],
    )
    .await;
    let revoked = client_credentials(&demo).await;
    let kept = client_credentials(&demo).await;
    for jwt in [&revoked, &kept] {
        assert_me_of(&rs, &jwt.token, "app1", "app1").await;
    }
    let before = decoder.list_of(&[&revoked, &kept]).await;
    assert_eq!(before.ttl, 1);

    let reply = token::revoke(&demo, &revoked.token).await;
    reply.assert_revoked_with(&[VARY_ORIGIN]);
    let after = decoder.list_of(&[&revoked, &kept]).await;
    after.assert_newly_invalid(&before, &[&revoked]);
    let started = Instant::now();
    while rs.me_status(&revoked.token).await == 200 && started.elapsed() < WITHIN {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_refused(&rs, &revoked.token).await;
    assert_me_of(&rs, &kept.token, "app1", "app1").await;

    // The resource server checks a token's list only under the issuer:
    // one elsewhere (a listener of this test) is refused, never fetched.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let foreign = format!("http://{}/statuslists/1", elsewhere.local_addr().unwrap());
    assert_me_of(&rs, &forged(&issuer, &kept.uri, kept.idx), "app1", "app1").await;
    assert_refused(&rs, &forged(&issuer, &foreign, kept.idx)).await;
    let accepted = elsewhere.accept().map(|(_, peer)| peer);
    let none = accepted.expect_err("no connection to a list outside the issuer");
    assert_eq!(none.kind(), std::io::ErrorKind::WouldBlock);

    // The demo gone: for two ttls, each a refresh that fails, the last
    // good list still answers.
    demo.sigkill();
    demo.wait_killed().await;
    let stopped = Instant::now();
    while stopped.elapsed() < Duration::from_secs(2) {
        assert_me_of(&rs, &kept.token, "app1", "app1").await;
        assert_refused(&rs, &revoked.token).await;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    rs.sigkill();
    rs.wait_killed().await;
}

/// A JWT of app1 for itself from `issuer`, signed with the demo's secret
/// by this test, its status at `idx` of the list at `uri`.
fn forged(issuer: &str, uri: &str, idx: u32) -> String {
    let now = now();
    let claims = json!({
        "iss": issuer, "sub": "app1", "client_id": "app1", "iat": now, "exp": now + 600,
        "jti": fresh_jti(), "status": {"status_list": {"idx": idx, "uri": uri}},
    });
    hs256_with(claims.as_object().unwrap(), SECRET)
}

/// Asserts that the resource server `rs` refuses `token`: 401
/// `invalid_token`, its challenge naming its metadata (RFC 9728 §5.1).
async fn assert_refused(rs: &Demo, token: &str) {
    let reply = rs.me(token).await.expect("an answer to /me");
    let challenge = format!(
        r#"Bearer realm="tower-revoke", error="invalid_token", resource_metadata="http://{}/.well-known/oauth-protected-resource""#,
        rs.addr
    );
    let reply = reply.into_reply(Method::GET).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, &challenge);
}
