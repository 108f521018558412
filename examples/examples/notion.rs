//! `cargo run --example notion`: Notion's `POST /v1/oauth/revoke` on the
//! store chosen by `TOWER_REVOKE_STORE`, seeded from `examples/notion/seed.json`.
//!
//! Environment: `TOWER_REVOKE_STORE` (`memory` by default; `sqlite://PATH`,
//! `postgres://USER@HOST:PORT/DB`, `redis://HOST:PORT/DB`), `TOWER_REVOKE_ADDR`
//! (default `127.0.0.1:3000`), `TOWER_REVOKE_SEED` (default `examples/notion/seed.json`,
//! loaded idempotently), `RUST_LOG`.

use tower_revoke_examples::{common, notion as app};

#[tokio::main]
async fn main() {
    let revoke = app::REVOKE_PATH;
    let try_it = [
        "curl -i http://{addr}/me -H 'Authorization: Bearer ntn_alice_access'".to_owned(),
        // The seed's secret is `secret_Zq+4%2F9x%`, sent raw.
        format!(
            "curl -i http://{{addr}}{revoke} \
             -u '463558a3-725e-4f37-b6d3-0889894f68de:secret_Zq+4%2F9x%' \
             -H 'Content-Type: application/json' -H 'Notion-Version: 2022-06-28' \
             --data '{{\"token\": \"ntn_alice_access\"}}'"
        ),
        "curl -i http://{addr}/me -H 'Authorization: Bearer ntn_alice_access'   # now 401"
            .to_owned(),
    ];
    common::run(app::SEED, app::app, &try_it).await;
}
