//! The part of the demo's seed format both contenders read, from the file
//! `LOADBENCH_SEED` names. Included by each app with `#[path]`.

use serde::Deserialize;

/// The seed document: clients and live tokens.
#[derive(Deserialize)]
pub struct Seed {
    pub clients: Vec<SeedClient>,
    pub tokens: Vec<SeedToken>,
}

#[derive(Deserialize)]
pub struct SeedClient {
    pub client_id: String,
    pub client_secret: Option<String>,
}

#[derive(Deserialize)]
pub struct SeedToken {
    pub token: String,
    pub client_id: String,
    pub subject: Option<String>,
}

impl Seed {
    /// The seed file at `LOADBENCH_SEED`.
    pub fn from_env() -> Result<Self, Box<dyn std::error::Error>> {
        let path = std::env::var("LOADBENCH_SEED").map_err(|_| "set LOADBENCH_SEED")?;
        Ok(serde_json::from_slice(&std::fs::read(path)?)?)
    }
}
