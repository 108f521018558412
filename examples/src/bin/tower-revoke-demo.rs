//! The demo (`cargo run --example demo`) as a binary, so that the process
//! tests can start it (`env!("CARGO_BIN_EXE_tower-revoke-demo")`). Same
//! program, same environment: see `tower_revoke_examples::demo::run`.

#[tokio::main]
async fn main() {
    tower_revoke_examples::demo::run().await;
}
