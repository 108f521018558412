//! The guard over real HTTP/1.1: a hyper 1 server from hyper-util, the
//! guard and the revocation endpoint on one store.

use crate::support::endpoint::{as_app1, store};
use crate::support::request::get;
use crate::support::wire::serve;
use crate::support::{challenge, desc};
use tower_revoke::{BearerAuthLayer, RevocationEndpointLayer};

#[tokio::test]
async fn revoked_access_token_stops_working_over_http() {
    let store = store();
    let app = axum::Router::new()
        .route(
            "/me",
            axum::routing::get(|| async { "me" }).layer(BearerAuthLayer::new(store.clone())),
        )
        .layer(RevocationEndpointLayer::new(store.clone()));
    let server = serve(app).await;
    let me = || get("/me").bearer("AT1");
    assert_eq!(&server.send(me()).await.body[..], b"me");
    server.send(as_app1("token=AT1")).await.assert_revoked();
    let reply = server.send(me()).await;
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}
