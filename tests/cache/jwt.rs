//! JWT access tokens through `JwtStore` outside the cache
//! (`JwtStore<CachedStore<St>>`): the deny-list is asked on every request,
//! so a JWT revoked on any instance is refused at once, while opaque tokens
//! are still answered from each instance's cache.

use crate::fixture::store;
use crate::support::jwt::{self, ISSUER};
use crate::support::reply::Reply;
use crate::support::request::{form, get};
use crate::support::{challenge, desc};
use axum::routing::get as route_get;
use axum::{Extension, Router};
use std::time::Duration;
use tower_revoke::cache::CachedStore;
use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
use tower_revoke::{
    ActiveToken, BearerAuthLayer, MemoryStore, RevocationEndpointLayer, SubjectRevocationStore,
};

type Instance = JwtStore<CachedStore<MemoryStore>>;

/// One instance of the app: its own cache over the shared `store`.
fn instance(store: &MemoryStore) -> (Instance, Router) {
    let verifier = JwtVerifier::new(ISSUER, [JwtKey::hs256(jwt::SECRET).unwrap()]);
    let cached = CachedStore::new(store.clone(), Duration::from_secs(60));
    let jwts = JwtStore::new(cached, verifier);
    async fn me(Extension(token): Extension<ActiveToken>) -> String {
        token.sub().unwrap_or_default().to_owned()
    }
    let app = Router::new()
        .route(
            "/me",
            route_get(me).layer(BearerAuthLayer::new(jwts.clone())),
        )
        .layer(RevocationEndpointLayer::new(jwts.clone()));
    (jwts, app)
}

async fn me(app: &Router, token: &str) -> Reply {
    get("/me").bearer(token).send(app).await
}

#[track_caller]
fn assert_refused(reply: &Reply) {
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

#[tokio::test]
async fn a_jwt_revoked_on_one_instance_is_refused_by_every_instance_at_once() {
    let store = store();
    let ((_, a), (_, b)) = (instance(&store), instance(&store));
    let token = jwt::token("app1", "alice");
    for app in [&a, &b] {
        assert_eq!(&me(app, &token).await.body[..], b"alice");
        assert_eq!(&me(app, "AT2").await.body[..], b"bob", "warms the cache");
    }
    let revoke = form("/revoke", format!("token={token}")).basic("app1", "s3cr3t");
    revoke.send(&a).await.assert_revoked();
    assert_refused(&me(&a, &token).await);
    assert_refused(&me(&b, &token).await);
    // Opaque tokens are still answered from each cache.
    assert_eq!(&me(&b, "AT2").await.body[..], b"bob");
}

#[tokio::test]
async fn a_subjects_bulk_revocation_is_refused_by_every_instance_at_once() {
    let store = store();
    let ((a, _), (_, b)) = (instance(&store), instance(&store));
    let token = jwt::token("app1", "alice");
    assert_eq!(&me(&b, &token).await.body[..], b"alice");
    a.revoke_subject_tokens("alice", &[]).await.unwrap();
    assert_refused(&me(&b, &token).await);
}
