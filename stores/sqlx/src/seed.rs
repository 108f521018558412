//! Seeding, the part both stores share: walking the seed document into
//! client entries and chunks of [`TokenRow`]s, and counting what was
//! inserted. How rows are inserted is each database's [`SeedRows`]
//! (PostgreSQL: parallel arrays, one statement per chunk; SQLite: one
//! statement per row), inside the transaction the store's `seed` opened.

use crate::rows::TokenRow;
use std::future::Future;
use tower_revoke::store::{ClientEntry, Seed};
use tower_revoke::StoreError;

/// How one database inserts the seed's rows that it does not hold yet,
/// leaving the rows it holds as they are. Implemented for a connection in
/// the seed's transaction.
pub(crate) trait SeedRows: Send {
    /// Token rows per call of [`insert_tokens`](Self::insert_tokens).
    const CHUNK: usize;

    /// Inserts the clients; returns how many it inserted.
    fn insert_clients(
        &mut self,
        clients: &[ClientEntry],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// Inserts the rows' grants, then the tokens; returns how many tokens
    /// it inserted.
    fn insert_tokens(
        &mut self,
        rows: &[TokenRow],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Inserts the seed's clients, then its tokens (with their grants) in
/// chunks; returns how many clients and tokens were inserted.
pub(crate) async fn insert<C: SeedRows>(
    conn: &mut C,
    seed: &Seed,
) -> Result<(usize, usize), StoreError> {
    let clients = conn.insert_clients(seed.clients()).await?;
    let mut tokens = 0;
    for chunk in seed.tokens().chunks(C::CHUNK) {
        let rows: Vec<TokenRow> = chunk.iter().map(TokenRow::of).collect();
        tokens += conn.insert_tokens(&rows).await?;
    }
    Ok((clients as usize, tokens as usize))
}
