//! Python's authlib, a real OAuth 2.0 client library, drives a token's
//! whole life at the demo process over HTTP: `fetch_token` with
//! `client_credentials`, `refresh_token` (rotation), `revoke_token`
//! (RFC 7009), and a reused refresh token refused with `invalid_grant`
//! (examples/tests/authlib/flow.py says each step).
//!
//! On PostgreSQL and Redis too, each on a database of the test's own
//! ([`Shared`]), under the server rule of [`services::url`].
//!
//! The interpreter is `TOWER_REVOKE_TEST_PYTHON` (a virtualenv with authlib
//! and requests, which `.ci/run` creates): skipped with a printed reason
//! when it is unset, a failure under CI.

use crate::demo::Demo;
use crate::services::{self, POSTGRES_URL, REDIS_URL};
use crate::shared_store::Shared;

const FLOW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/authlib/flow.py");

/// The variable naming the interpreter.
pub const PYTHON: &str = "TOWER_REVOKE_TEST_PYTHON";

async fn flow_passes(store: &str) {
    let test = "authlib_drives_the_demo";
    let Some(python) = services::url(PYTHON, test) else {
        return;
    };
    let demo = Demo::start(store, tower_revoke_examples::demo::SEED, &[]).await;
    let base = format!("http://{}", demo.addr);
    run(&python, &format!("{test} on {store}"), FLOW, &[&base]).await;
}

/// Runs the script `script` with `args` on `python`, and asserts that it
/// exits 0 and says `every step as specified`; what it printed on stdout.
/// `what` names the run in failures.
pub async fn run(python: &str, what: &str, script: &str, args: &[&str]) -> String {
    let said = match output(python, what, script, args).await {
        Ok(said) => said,
        Err(failure) => panic!("{failure}"),
    };
    assert!(said.contains("every step as specified"), "{said}");
    said
}

/// Runs the script `script` with `args` on `python`: what it printed on
/// stdout when it exited 0, else its exit status, stdout and stderr.
/// `what` names the run in either.
pub async fn output(
    python: &str,
    what: &str,
    script: &str,
    args: &[&str],
) -> Result<String, String> {
    let output = tokio::process::Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .await
        .unwrap_or_else(|e| panic!("{what}: cannot run {python}: {e}"));
    let said = String::from_utf8_lossy(&output.stdout).into_owned();
    let complained = String::from_utf8_lossy(&output.stderr);
    match output.status.success() {
        true => Ok(said),
        false => Err(format!("{what}: {}\n{said}\n{complained}", output.status)),
    }
}

#[tokio::test]
async fn authlib_drives_the_demo_on_the_memory_store() {
    flow_passes("memory").await;
}

#[tokio::test]
async fn authlib_drives_the_demo_on_sqlite() {
    let dir = std::env::temp_dir().join(services::unique_name("authlib"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("demo.db");
    flow_passes(&format!("sqlite://{}", path.display())).await;
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn authlib_drives_the_demo_on_postgres() {
    let test = "authlib_drives_the_demo_on_postgres";
    if let Some(shared) = Shared::create(POSTGRES_URL, test).await {
        flow_passes(shared.url()).await;
    }
}

#[tokio::test]
async fn authlib_drives_the_demo_on_redis() {
    let test = "authlib_drives_the_demo_on_redis";
    if let Some(shared) = Shared::create(REDIS_URL, test).await {
        flow_passes(shared.url()).await;
    }
}
