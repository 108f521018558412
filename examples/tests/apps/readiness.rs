//! The demo's `GET /health` (liveness: the process serves) and `GET
//! /ready` (readiness: not draining, and the store answers), for a load
//! balancer to stop sending before a drain (issue 20).

use crate::support::request::get;
use std::time::Duration;
use tower_revoke::store::BoxStore;
use tower_revoke::MemoryStore;
use tower_revoke_examples::demo as app;
use tower_revoke_sqlx::sqlx::postgres::PgPoolOptions;
use tower_revoke_sqlx::PostgresStore;

const TEXT: (&str, &str) = ("content-type", "text/plain; charset=utf-8");
const UNREADY: [(&str, &str); 2] = [TEXT, ("retry-after", "1")];

fn config() -> app::Config {
    app::Config {
        jwt_secret: None,
        ..app::Config::from_env()
    }
}

#[tokio::test]
async fn a_serving_demo_is_healthy_and_ready() {
    let router = app::app_with(BoxStore::new(MemoryStore::new()), &config());
    let health = get("/health").send(&router).await;
    health.assert(200, b"ok\n", &[TEXT]);
    let ready = get(app::READY_PATH).send(&router).await;
    ready.assert(200, b"ready\n", &[TEXT]);
}

#[tokio::test]
async fn a_draining_demo_is_healthy_but_not_ready() {
    let config = config();
    let router = app::app_with(BoxStore::new(MemoryStore::new()), &config);
    config.draining.start();
    let ready = get(app::READY_PATH).send(&router).await;
    ready.assert(503, b"draining\n", &UNREADY);
    get("/health")
        .send(&router)
        .await
        .assert(200, b"ok\n", &[TEXT]);
}

/// A PostgreSQL nobody listens for (port 1): the store fails within its
/// acquire timeout, so the demo is not ready, though alive.
#[tokio::test]
async fn a_demo_whose_store_does_not_answer_is_not_ready() {
    let pool = PgPoolOptions::new()
        .acquire_timeout(Duration::from_millis(500))
        .connect_lazy("postgres://nobody@127.0.0.1:1/none")
        .expect("a URL");
    let router = app::app_with(BoxStore::new(PostgresStore::new(pool)), &config());
    let ready = get(app::READY_PATH).send(&router).await;
    ready.assert(503, b"the store does not answer\n", &UNREADY);
    get("/health")
        .send(&router)
        .await
        .assert(200, b"ok\n", &[TEXT]);
}
