//! `cargo run --example codegen`: Codegen's
//! `POST /v1/oauth/tokens/revoke?provider=...&org_id=...` on the store
//! chosen by `TOWER_REVOKE_STORE`, seeded from `examples/codegen/seed.json`.
//!
//! Environment: `TOWER_REVOKE_STORE` (`memory` by default; `sqlite://PATH`,
//! `postgres://USER@HOST:PORT/DB`, `redis://HOST:PORT/DB`), `TOWER_REVOKE_ADDR`
//! (default `127.0.0.1:3000`), `TOWER_REVOKE_SEED` (default `examples/codegen/seed.json`,
//! loaded idempotently), `RUST_LOG`.

use tower_revoke_examples::{codegen as app, common};

#[tokio::main]
async fn main() {
    let revoke = app::REVOKE_PATH;
    let try_it = [
        "curl -i http://{addr}/me -H 'Authorization: Bearer gh_alice_org1_access'".to_owned(),
        format!(
            "curl -i -X POST 'http://{{addr}}{revoke}?provider=github&org_id=1' \
             -H 'Authorization: Bearer cg_user_alice'"
        ),
        "curl -i http://{addr}/me -H 'Authorization: Bearer gh_alice_org1_access'   # now 401"
            .to_owned(),
        format!("curl -i -X POST 'http://{{addr}}{revoke}?org_id=abc' -H 'Authorization: Bearer cg_user_alice'   # 422"),
    ];
    common::run(app::SEED, app::app, &try_it).await;
}
