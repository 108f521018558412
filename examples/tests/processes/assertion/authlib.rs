//! authlib signs `private_key_jwt` assertions for the demo
//! (examples/tests/authlib/private_key_jwt.py says each step): on every
//! store, a token obtained at `/oauth/token` with `client_credentials`,
//! introspected, revoked and then inactive, each request authenticated by
//! an assertion authlib signed (RS256, PS256, ES256, EdDSA; `aud` the URL
//! posted to, authlib's default, or the issuer); replayed assertions
//! refused at each endpoint; and under
//! `TOWER_REVOKE_CLIENT_ASSERTION_STRICT=true`, authlib's default
//! assertion refused and one for the issuer, typed
//! `client-authentication+jwt`, accepted.
//!
//! Then the store itself: on SQLite, PostgreSQL and Redis it holds exactly
//! the used assertions the script saw accepted.
//!
//! The interpreter is `TOWER_REVOKE_TEST_PYTHON`, under the skip rule of
//! [`crate::authlib`].

use super::{KeyedSeed, Used};
use crate::services;
use crate::token::stores::{Kind, Store};
use tower_revoke_examples::demo::ASSERTION_STRICT_VAR;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/authlib/private_key_jwt.py"
);

/// The private keys of `keyed`: test-support's test keys.
const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../test-support/keys");

/// One test per store: the script in `mode` (`lenient` or `strict`, the
/// demo's `TOWER_REVOKE_CLIENT_ASSERTION_STRICT` `false` or `true`).
macro_rules! authlib_on {
    ($mode:literal: $($test:ident => $kind:ident),+ $(,)?) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $test() {
            script_passes(Kind::$kind, stringify!($test), $mode).await;
        }
    )+};
}

authlib_on!("lenient":
    authlib_private_key_jwt_on_the_memory_store => Memory,
    authlib_private_key_jwt_on_sqlite => Sqlite,
    authlib_private_key_jwt_on_postgres => Postgres,
    authlib_private_key_jwt_on_redis => Redis,
);

authlib_on!("strict":
    authlib_strict_private_key_jwt_on_the_memory_store => Memory,
    authlib_strict_private_key_jwt_on_sqlite => Sqlite,
    authlib_strict_private_key_jwt_on_postgres => Postgres,
    authlib_strict_private_key_jwt_on_redis => Redis,
);

async fn script_passes(kind: Kind, test: &str, mode: &str) {
    let Some(python) = services::url(crate::authlib::PYTHON, test) else {
        return;
    };
    let Some(store) = Store::open(kind, test).await else {
        return;
    };
    let seed = KeyedSeed::write(&services::unique_name("pkjwt"), 0);
    let strict = if mode == "strict" { "true" } else { "false" };
    let demo = store
        .demo_seeded(seed.path(), &[(ASSERTION_STRICT_VAR, strict)])
        .await;
    let base = format!("http://{}", demo.addr);
    let said = crate::authlib::run(&python, test, SCRIPT, &[&base, KEYS, mode]).await;

    let mut used = Used::default();
    let accepted = said
        .lines()
        .filter_map(|l| l.strip_prefix("accepted jti: "));
    let mut count = 0;
    for line in accepted {
        let (client, jti) = line.split_once(' ').expect("CLIENT JTI");
        used.accepted_jti(client, jti);
        count += 1;
    }
    assert!(count >= 5, "the script had assertions accepted: {said}");
    assert_eq!(used.0.len(), count, "each accepted jti once: {said}");
    used.assert_recorded_in(&store).await;
}
