//! The Bearer guard over a `CachedStore<MemoryStore>` in an axum `Router`,
//! sharing the cache with the revocation endpoint: revocations through the
//! app are refused at once; revocations behind the cache's back on the next
//! request after the notice, or after the maximum staleness.

use crate::fixture::{digest, revoke, store};
use crate::support::reply::Reply;
use crate::support::request::{form, get};
use crate::support::{challenge, desc};
use axum::routing::get as route_get;
use axum::{Extension, Router};
use std::time::{Duration, Instant};
use tower_revoke::cache::CachedStore;
use tower_revoke::store::Invalidate;
use tower_revoke::{ActiveToken, BearerAuthLayer, MemoryStore, RevocationEndpointLayer};

/// `GET /me` behind the guard and `POST /revoke`, on one cached store.
fn app(cache: &CachedStore<MemoryStore>) -> Router {
    async fn me(Extension(token): Extension<ActiveToken>) -> String {
        token.sub().unwrap_or_default().to_owned()
    }
    let guard = BearerAuthLayer::new(cache.clone());
    Router::new()
        .route("/me", route_get(me).layer(guard))
        .layer(RevocationEndpointLayer::new(cache.clone()))
}

async fn me(app: &Router, token: &str) -> Reply {
    get("/me").bearer(token).send(app).await
}

#[track_caller]
fn assert_admitted(reply: &Reply, sub: &str) {
    let text = [("content-type", "text/plain; charset=utf-8")];
    reply.assert(200, sub.as_bytes(), &text);
}

#[track_caller]
fn assert_refused(reply: &Reply) {
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

async fn revoke_over_http(app: &Router, body: &str) {
    let request = form("/revoke", body.to_owned()).basic("app1", "s3cr3t");
    request.send(app).await.assert_revoked();
}

#[tokio::test]
async fn token_revoked_through_the_app_is_refused_at_once() {
    let cache = CachedStore::new(store(), Duration::from_secs(60));
    let app = app(&cache);
    assert_admitted(&me(&app, "AT1").await, "alice");
    revoke_over_http(&app, "token=AT1").await;
    assert_refused(&me(&app, "AT1").await);
    assert_admitted(&me(&app, "AT2").await, "bob");
}

#[tokio::test]
async fn grant_revoked_through_the_app_is_refused_at_once() {
    let cache = CachedStore::new(store(), Duration::from_secs(60));
    let app = app(&cache);
    assert_admitted(&me(&app, "AT1").await, "alice");
    revoke_over_http(&app, "token=RT1").await;
    assert_refused(&me(&app, "AT1").await);
}

#[tokio::test]
async fn token_revoked_behind_the_cache_is_refused_after_its_notice() {
    let memory = store();
    let cache = CachedStore::new(memory.clone(), Duration::from_secs(60));
    let app = app(&cache);
    assert_admitted(&me(&app, "AT1").await, "alice");
    revoke(&memory, "AT1").await;
    assert!(!memory.is_active("AT1"));
    assert_admitted(&me(&app, "AT1").await, "alice");
    cache.invalidator().invalidate(&[digest("AT2")]);
    assert_admitted(&me(&app, "AT1").await, "alice");
    cache.invalidator().invalidate(&[digest("AT1")]);
    assert_refused(&me(&app, "AT1").await);
}

#[tokio::test]
async fn token_revoked_behind_the_cache_is_refused_after_max_staleness() {
    const STALENESS: Duration = Duration::from_millis(200);
    let memory = store();
    let cache = CachedStore::new(memory.clone(), STALENESS);
    let app = app(&cache);
    let asked = Instant::now();
    assert_admitted(&me(&app, "AT1").await, "alice");
    revoke(&memory, "AT1").await;
    let reply = me(&app, "AT1").await;
    if asked.elapsed() < STALENESS {
        assert_admitted(&reply, "alice");
    }
    tokio::time::sleep(STALENESS + Duration::from_millis(300)).await;
    assert_refused(&me(&app, "AT1").await);
}

#[tokio::test]
async fn reconnected_listener_flushes_and_the_guard_asks_again() {
    let memory = store();
    let cache = CachedStore::new(memory.clone(), Duration::from_secs(60));
    let app = app(&cache);
    assert_admitted(&me(&app, "AT1").await, "alice");
    assert_admitted(&me(&app, "AT2").await, "bob");
    revoke(&memory, "AT1").await;
    cache.invalidate_all();
    assert_refused(&me(&app, "AT1").await);
    assert_admitted(&me(&app, "AT2").await, "bob");
}
