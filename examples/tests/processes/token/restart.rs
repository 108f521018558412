//! A restart on the same store (SQLite's file, PostgreSQL's database):
//! the demo issues, rotates and revokes, is killed by its PID (SIGKILL: no
//! shutdown, no flush), and starts again. Issued tokens are still active,
//! revoked ones still revoked, and a rotated refresh token presented after
//! the restart is still reuse: it ends its grant.

use super::stores::Store;
use super::{assert_dead, assert_live, assert_rotated_live};
use super::{client_credentials, refresh, refused};

on_stores!(state_survives_a_restart:
    sqlite_issued_rotated_and_revoked_tokens_keep_their_state_across_a_restart => Sqlite,
    postgres_issued_rotated_and_revoked_tokens_keep_their_state_across_a_restart => Postgres,
);

async fn state_survives_a_restart(store: Store) {
    let demo = store.demo(&[]).await;
    let kept = client_credentials(&demo).await;
    let revoked = client_credentials(&demo).await;
    super::revoke(&demo, &revoked)
        .await
        .assert_revoked_with(&[super::VARY_ORIGIN]);
    let first = refresh(&demo, "RT1").await;
    demo.sigkill();
    demo.wait_killed().await;

    let demo = store.demo(&[]).await;
    assert!(
        demo.store_line.ends_with("0 new client(s), 0 new token(s)"),
        "seeding again inserts nothing: {}",
        demo.store_line
    );
    assert_live(&demo, &kept, "app1").await;
    assert_rotated_live(&demo, &first).await;
    assert_dead(&demo, &revoked).await;

    // RT1 was rotated before the restart: presenting it now is reuse.
    refused(&demo, "RT1").await;
    for dead in ["AT1", first.access.as_str(), first.refresh.as_str()] {
        assert_dead(&demo, dead).await;
    }
    refused(&demo, &first.refresh).await;
    assert_live(&demo, &kept, "app1").await;
}
