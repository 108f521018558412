//! A pool of one connection to a PostgreSQL database through test-support's
//! `pg_wire_proxy`, which reads what the pool sends: the examples' benches
//! count a call's round trips on it (`#[path]`-shared).

use std::sync::Arc;
use tower_revoke_examples::store::POSTGRES_ACQUIRE_TIMEOUT;
use tower_revoke_sqlx::sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tower_revoke_sqlx::sqlx::PgPool;
use tower_revoke_test_support::proxy::{pg_wire_proxy, PgWire};

/// A lazy pool of one connection to `database` on the server of `options`,
/// through a fresh `pg_wire_proxy`, with the demo's acquire timeout and
/// sqlx's other defaults (`test_before_acquire` among them, as the demo's
/// pool); and the proxy's counts.
pub async fn one_connection_through_proxy(
    options: &PgConnectOptions,
    database: &str,
) -> (PgPool, Arc<PgWire>) {
    let target = (options.get_host().to_owned(), options.get_port());
    let (port, wire) = pg_wire_proxy(target).await;
    let through_proxy = options.clone().host("127.0.0.1").port(port);
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(POSTGRES_ACQUIRE_TIMEOUT)
        .connect_lazy_with(through_proxy.database(database));
    (pool, wire)
}
