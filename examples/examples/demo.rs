//! `cargo run --example demo`: an axum app with `POST /oauth/revoke` on the
//! in-memory store seeded from `examples/seed.json`.
//!
//! Environment: `TOWER_REVOKE_ADDR` (default `127.0.0.1:3000`),
//! `TOWER_REVOKE_SEED` (default `examples/seed.json`), `RUST_LOG`.

use tower_revoke_examples::{common, demo as app};

#[tokio::main]
async fn main() {
    let try_it = [
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'".to_owned(),
        format!(
            "curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{}",
            app::REVOKE_PATH
        ),
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'   # now 401".to_owned(),
    ];
    common::run(app::SEED, app::app, &try_it).await;
}
