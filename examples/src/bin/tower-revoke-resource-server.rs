//! The resource server (`cargo run --example resource_server`) as a
//! binary, so that the process tests can start it
//! (`env!("CARGO_BIN_EXE_tower-revoke-resource-server")`). Same program,
//! same environment: see `tower_revoke_examples::resource_server::run`.

#[tokio::main]
async fn main() {
    tower_revoke_examples::resource_server::run().await;
}
