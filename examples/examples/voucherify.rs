//! `cargo run --example voucherify`: Voucherify's
//! `POST /v1/oauth/token/revoke` on the store chosen by
//! `TOWER_REVOKE_STORE`, seeded from
//! `examples/voucherify/seed.json`.
//!
//! Environment: `TOWER_REVOKE_STORE` (`memory` by default; `sqlite://PATH`,
//! `postgres://USER@HOST:PORT/DB`, `redis://HOST:PORT/DB`), `TOWER_REVOKE_ADDR`
//! (default `127.0.0.1:3000`), `TOWER_REVOKE_SEED` (default `examples/voucherify/seed.json`,
//! loaded idempotently), `RUST_LOG`.

use tower_revoke_examples::{common, voucherify as app};

#[tokio::main]
async fn main() {
    let revoke = app::REVOKE_PATH;
    let token = "1ABCde2FGHijKl3m4NO5pqR6STUv7wxYzAbc8dE90FgH1IJkLm";
    let try_it = [
        format!("curl -i http://{{addr}}/me -H 'Authorization: Bearer {token}'"),
        format!(
            "curl -i http://{{addr}}{revoke} \
             -H 'X-App-Id: c5b6a3d4-1e2f-4a5b-8c9d-0e1f2a3b4c5d' \
             -H 'X-App-Token: d8a5e1c2-7b3f-4e6a-9c0d-1f2e3a4b5c6d' \
             -d access_token={token}"
        ),
        format!("curl -i http://{{addr}}/me -H 'Authorization: Bearer {token}'   # now 401"),
    ];
    common::run(app::SEED, app::app, &try_it).await;
}
