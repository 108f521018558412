//! `cargo run --example polar`: Polar's `POST /v1/oauth2/revoke` on the
//! store chosen by `TOWER_REVOKE_STORE`, seeded from `examples/polar/seed.json`.
//!
//! Environment: `TOWER_REVOKE_STORE` (`memory` by default; `sqlite://PATH`,
//! `postgres://USER@HOST:PORT/DB`, `redis://HOST:PORT/DB`), `TOWER_REVOKE_ADDR`
//! (default `127.0.0.1:3000`), `TOWER_REVOKE_SEED` (default `examples/polar/seed.json`,
//! loaded idempotently), `RUST_LOG`.

use tower_revoke_examples::{common, polar as app};

#[tokio::main]
async fn main() {
    let revoke = app::REVOKE_PATH;
    let try_it = [
        "curl -i http://{addr}/me -H 'Authorization: Bearer polar_at_u_alice1'".to_owned(),
        format!(
            "curl -i http://{{addr}}{revoke} -d token=polar_rt_u_alice1 \
             -d token_type_hint=refresh_token -d client_id=polar_ci_app1 \
             -d client_secret=polar_cs_s3cr3t1"
        ),
        "curl -i http://{addr}/me -H 'Authorization: Bearer polar_at_u_alice1'   # now 401"
            .to_owned(),
    ];
    common::run(app::SEED, app::app, &try_it).await;
}
