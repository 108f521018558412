//! A fresh store of each kind for one test: a SQLite file in a directory
//! of its own, a PostgreSQL database of its own, or a redis-server of its
//! own ([`Shared`]).

use crate::demo::Demo;
use crate::services::{self, POSTGRES_URL, REDIS_URL};
use crate::shared_store::Shared;
use crate::Serial;
use std::path::PathBuf;
use tower_revoke_examples::demo::SEED;

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Sqlite,
    Postgres,
    Redis,
}

/// A fresh store for one test, which holds the test's turn
/// ([`crate::serial`]) as long as it lives.
pub struct Store {
    backing: Backing,
    _turn: Serial,
}

enum Backing {
    /// A database file in the directory `dir`, removed on drop.
    Sqlite {
        dir: PathBuf,
        url: String,
    },
    Server(Shared),
}

impl Store {
    /// This test's turn and a fresh store of `kind`; `None` when the test
    /// is skipped (its server's URL is unset, said on stderr; a failure
    /// under CI).
    pub async fn open(kind: Kind, test: &str) -> Option<Self> {
        let var = match kind {
            Kind::Sqlite => None,
            Kind::Postgres => Some(POSTGRES_URL),
            Kind::Redis => Some(REDIS_URL),
        };
        if let Some(var) = var {
            services::url(var, test)?;
        }
        let turn = crate::serial().await;
        let backing = match var {
            None => {
                let dir = std::env::temp_dir().join(services::unique_name("trx-token"));
                std::fs::create_dir_all(&dir).expect("a temporary directory");
                let url = format!("sqlite://{}", dir.join("demo.db").display());
                Backing::Sqlite { dir, url }
            }
            Some(var) => Backing::Server(Shared::create(var, test).await?),
        };
        Some(Self {
            backing,
            _turn: turn,
        })
    }

    /// A demo process on this store, seeded from the demo's seed, with
    /// `extra` variables.
    pub async fn demo(&self, extra: &[(&str, &str)]) -> Demo {
        Demo::start(self.url(), SEED, extra).await
    }

    /// The demo's `TOWER_REVOKE_STORE`.
    pub fn url(&self) -> &str {
        match &self.backing {
            Backing::Sqlite { url, .. } => url,
            Backing::Server(shared) => shared.url(),
        }
    }
}

impl Drop for Backing {
    fn drop(&mut self) {
        if let Self::Sqlite { dir, .. } = self {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
