//! The issuer's side (draft-ietf-oauth-status-list §5.1, §8, §9): a
//! `StatusIssuer` over a `MemoryStore` publishing its lists on a loopback
//! port beside the revocation endpoint of the same store; what a GET
//! answers before and after a revocation, its caching headers and
//! conditional requests, the aggregation, failures; and a resource server
//! that only knows the issuer refusing a JWT revoked there.

use crate::fixture::{assert_refused, lists, me_with, resource_server_of};
use crate::support::jwt::{claims, hs256, ISSUER, SECRET};
use crate::support::reply::Reply;
use crate::support::request::{form, get, request};
use crate::support::wire::{serve_on, Server};
use axum::http::{Method, StatusCode};
use axum::routing::any_service;
use axum::Router;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
use tower_revoke::request::Token;
use tower_revoke::status_list::{Status, StatusIssuer, StatusListVerifier, MEDIA_TYPE};
use tower_revoke::store::{StatusAllocation, StatusListState, StatusListStore, StatusSlot};
use tower_revoke::{testkit, MemoryStore, RevocationEndpointLayer, StoreError};

/// The issuer's app on one store: its lists at `/statuslists/{list}`,
/// their aggregation at `/statuslists`, the revocation endpoint at
/// `/revoke` (JWTs of [`ISSUER`] with the test secret, client `app1`).
struct Issuer {
    server: Server,
    statuses: StatusIssuer<MemoryStore>,
}

impl Issuer {
    async fn start(ttl: u64, capacity: u32) -> Self {
        let store = MemoryStore::from_seed(&testkit::seed());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let key = EncodingKey::from_secret(SECRET).unwrap();
        let statuses = StatusIssuer::new(
            store.clone(),
            &format!("{base}/statuslists"),
            Algorithm::HS256,
            key,
        )
        .ttl(Duration::from_secs(ttl))
        .capacity(capacity);
        let verifier = JwtVerifier::new(ISSUER, [JwtKey::hs256(SECRET).unwrap()]);
        let revocation =
            RevocationEndpointLayer::new(JwtStore::new(store, verifier)).path("/revoke");
        let app = Router::new()
            .route("/statuslists/{list}", any_service(statuses.list_service()))
            .route("/statuslists", any_service(statuses.aggregation_service()))
            .layer(revocation);
        let server = serve_on(listener, app);
        Self { server, statuses }
    }

    fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// A JWT of app1 for alice with a status allocated here.
    async fn mint(&self) -> (String, StatusSlot) {
        let mut claims = Value::Object(claims("app1", "alice"));
        let slot = self.statuses.add_status(&mut claims).await.unwrap();
        let Value::Object(claims) = claims else {
            unreachable!()
        };
        (hs256(&claims), slot)
    }

    /// Revokes `token` at the revocation endpoint: 200.
    async fn revoke(&self, token: &str) {
        let reply = self
            .server
            .send(form("/revoke", format!("token={token}")).basic("app1", "s3cr3t"))
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{reply:?}");
    }

    async fn list(&self, list: u64) -> Reply {
        self.server.send(get(&format!("/statuslists/{list}"))).await
    }
}

/// The status at `idx` of the token `reply` carries, verified as a
/// resource server verifies it.
fn status_in(reply: &Reply, uri: &str, idx: usize) -> Status {
    let verifier = StatusListVerifier::new([JwtKey::hs256(SECRET).unwrap()]);
    let jwt = std::str::from_utf8(&reply.body).unwrap();
    let now = crate::support::jwt::now();
    let list = verifier.verify(jwt, uri, now).unwrap();
    list.list.get(idx).unwrap()
}

fn header<'a>(reply: &'a Reply, name: &str) -> &'a str {
    reply.headers.get(name).map_or("", |v| v.to_str().unwrap())
}

#[tokio::test]
async fn the_first_get_after_a_revocation_shows_it() {
    let issuer = Issuer::start(60, 1 << 10).await;
    let (jwt, slot) = issuer.mint().await;
    let (_, other) = issuer.mint().await;
    let uri = issuer.statuses.uri(slot.list);
    let before = issuer.list(slot.list).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(header(&before, "content-type"), MEDIA_TYPE);
    assert_eq!(header(&before, "cache-control"), "max-age=60");
    assert_eq!(header(&before, "access-control-allow-origin"), "*");
    assert_eq!(status_in(&before, &uri, slot.idx as usize), Status::VALID);
    let etag = header(&before, "etag").to_owned();
    assert!(etag.starts_with('"') && etag.len() > 10, "{etag}");

    issuer.revoke(&jwt).await;
    let after = issuer.list(slot.list).await;
    assert_eq!(status_in(&after, &uri, slot.idx as usize), Status::INVALID);
    assert_eq!(status_in(&after, &uri, other.idx as usize), Status::VALID);
    assert_ne!(header(&after, "etag"), etag);

    // A conditional GET with the old tag gets the new token; with the new
    // one, 304 and no body.
    let stale = issuer
        .server
        .send(get(&format!("/statuslists/{}", slot.list)).header("if-none-match", &etag))
        .await;
    assert_eq!((stale.status, &stale.body), (StatusCode::OK, &after.body));
    let current = header(&after, "etag");
    let fresh = issuer
        .server
        .send(get(&format!("/statuslists/{}", slot.list)).header("if-none-match", current))
        .await;
    assert_eq!(fresh.status, StatusCode::NOT_MODIFIED);
    assert!(fresh.body.is_empty());
    assert_eq!(header(&fresh, "etag"), current);
    assert_eq!(header(&fresh, "cache-control"), "max-age=60");
}

#[tokio::test]
async fn an_unchanged_list_is_signed_once() {
    let issuer = Issuer::start(60, 1 << 10).await;
    let (_, slot) = issuer.mint().await;
    let first = issuer.list(slot.list).await;
    // A second later, the same bytes: `iat` would have moved had it been
    // signed again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(issuer.list(slot.list).await.body, first.body);
    // A revocation that touches no status of the list re-signs nothing.
    let seeded = issuer
        .server
        .send(form("/revoke", "token=AT1").basic("app1", "s3cr3t"))
        .await;
    assert_eq!(seeded.status, StatusCode::OK);
    assert_eq!(issuer.list(slot.list).await.body, first.body);
}

#[tokio::test]
async fn unknown_lists_other_paths_and_methods() {
    let issuer = Issuer::start(60, 8).await;
    assert_eq!(issuer.list(1).await.status, StatusCode::NOT_FOUND);
    let (_, slot) = issuer.mint().await;
    assert_eq!(
        issuer.list(slot.list + 1).await.status,
        StatusCode::NOT_FOUND
    );
    let odd = issuer.server.send(get("/statuslists/01")).await;
    assert_eq!(odd.status, StatusCode::NOT_FOUND);
    // No historical resolution (§8.4): 501, never the current list.
    let past = issuer
        .server
        .send(get("/statuslists/1?time=1686925000"))
        .await;
    assert_eq!(past.status, StatusCode::NOT_IMPLEMENTED);
    assert!(past.body.is_empty());
    let post = issuer
        .server
        .send(request(Method::POST, "/statuslists/1"))
        .await;
    assert_eq!(post.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&post, "allow"), "GET, HEAD");
    let head = issuer
        .server
        .send(request(Method::HEAD, "/statuslists/1"))
        .await;
    let full = issuer.list(1).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(header(&head, "content-length"), full.body.len().to_string());
}

#[tokio::test]
async fn the_aggregation_names_every_list() {
    let issuer = Issuer::start(60, 8).await;
    let empty = issuer.server.send(get("/statuslists")).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(header(&empty, "content-type"), "application/json");
    assert_eq!(
        serde_json::from_slice::<Value>(&empty.body).unwrap(),
        serde_json::json!({"status_lists": []})
    );
    let mut newest = 0;
    for _ in 0..20 {
        newest = newest.max(issuer.mint().await.1.list);
    }
    let reply = issuer.server.send(get("/statuslists")).await;
    let uris: Vec<String> = (1..=newest)
        .map(|n| format!("{}/statuslists/{n}", issuer.base()))
        .collect();
    assert!(newest >= 3);
    assert_eq!(
        serde_json::from_slice::<Value>(&reply.body).unwrap(),
        serde_json::json!({"status_lists": uris})
    );
}

/// A status list store that is down.
struct Down;

fn down() -> StoreError {
    StoreError::new("the status store is down")
}

impl StatusListStore for Down {
    async fn allocate_status(&self, _: &StatusAllocation<'_>) -> Result<StatusSlot, StoreError> {
        Err(down())
    }
    async fn bind_status(&self, _: StatusSlot, _: &Token) -> Result<bool, StoreError> {
        Err(down())
    }
    async fn status_list_version(&self, _: u64) -> Result<Option<u64>, StoreError> {
        Err(down())
    }
    async fn status_list(&self, _: u64) -> Result<Option<StatusListState>, StoreError> {
        Err(down())
    }
    async fn status_lists(&self) -> Result<Vec<u64>, StoreError> {
        Err(down())
    }
}

#[tokio::test]
async fn a_store_failure_is_a_503_never_a_list() {
    let key = EncodingKey::from_secret(SECRET).unwrap();
    let statuses = StatusIssuer::new(Down, "http://127.0.0.1/statuslists", Algorithm::HS256, key);
    let app = Router::new()
        .route("/statuslists/{list}", any_service(statuses.list_service()))
        .route("/statuslists", any_service(statuses.aggregation_service()));
    let server = serve_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), app);
    for path in ["/statuslists/1", "/statuslists"] {
        let reply = server.send(get(path)).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(header(&reply, "retry-after"), "1");
        assert!(reply.body.is_empty());
    }
}

#[tokio::test]
async fn a_resource_server_refuses_a_jwt_revoked_at_the_issuer_within_the_ttl() {
    let issuer = Issuer::start(1, 1 << 10).await;
    let server = resource_server_of(lists(&issuer.base())).await;
    let (jwt, _) = issuer.mint().await;
    let (other, _) = issuer.mint().await;
    assert_eq!(me_with(&server, &jwt).await.ok()["sub"], "alice");
    issuer.revoke(&jwt).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_refused(me_with(&server, &jwt).await);
    assert_eq!(me_with(&server, &other).await.ok()["sub"], "alice");
}

#[tokio::test]
async fn an_asymmetric_key_is_published_as_a_jwk_set_that_verifies_the_lists() {
    let rsa = EncodingKey::from_rsa_pem(crate::support::jwt::RSA_PRIVATE).unwrap();
    let statuses = StatusIssuer::new(
        MemoryStore::new(),
        "http://127.0.0.1/statuslists",
        Algorithm::RS256,
        rsa,
    )
    .kid("lists-1");
    let (slot, _) = statuses
        .allocate(&record("j1"), 4_102_444_800)
        .await
        .unwrap();
    let app = Router::new()
        .route("/statuslists/{list}", any_service(statuses.list_service()))
        .route("/jwks", any_service(statuses.jwks_service().unwrap()));
    let server = serve_on(TcpListener::bind("127.0.0.1:0").await.unwrap(), app);
    let jwks = server.send(get("/jwks")).await;
    assert_eq!(header(&jwks, "content-type"), "application/json");
    let document: Value = serde_json::from_slice(&jwks.body).unwrap();
    let key = &document["keys"][0];
    assert_eq!(
        (
            key["kty"].as_str(),
            key["kid"].as_str(),
            key["use"].as_str()
        ),
        (Some("RSA"), Some("lists-1"), Some("sig"))
    );
    assert!(key.get("d").is_none(), "no private member: {key}");
    let list = server
        .send(get(&format!("/statuslists/{}", slot.list)))
        .await;
    let verifier =
        StatusListVerifier::new(JwtKey::jwks(std::str::from_utf8(&jwks.body).unwrap()).unwrap());
    let jwt = std::str::from_utf8(&list.body).unwrap();
    let verified = verifier
        .verify(jwt, &statuses.uri(slot.list), crate::support::jwt::now())
        .unwrap();
    assert_eq!(verified.list.get(slot.idx as usize), Some(Status::VALID));
    // An HMAC secret is never published.
    let hmac = StatusIssuer::new(
        MemoryStore::new(),
        "http://x/statuslists",
        Algorithm::HS256,
        EncodingKey::from_secret(SECRET).unwrap(),
    );
    assert!(hmac.jwks().is_none() && hmac.jwks_service().is_none());
}

fn record(jti: &str) -> tower_revoke::store::JwtRecord<'_> {
    tower_revoke::store::JwtRecord {
        issuer: ISSUER,
        jti,
        subject: "alice",
        issued_at: 1_000,
    }
}

#[tokio::test]
async fn a_grants_end_reaches_the_published_list_at_once() {
    use tower_revoke::client::ClientId;
    use tower_revoke::store::TokenEntry;
    use tower_revoke::{IssuanceStore, TokenKind};
    let issuer = Issuer::start(60, 1 << 10).await;
    let (jwt, slot) = issuer.mint().await;
    let app1 = ClientId::new("app1").unwrap();
    let token = Token::new(jwt.as_str()).unwrap();
    let entry = TokenEntry::new(token.clone(), TokenKind::AccessToken, app1).with_grant_id("G2");
    issuer.statuses.store().record_token(&entry).await.unwrap();
    assert!(issuer.statuses.bind(slot, &token).await.unwrap());
    let uri = issuer.statuses.uri(slot.list);
    // Signed and kept while VALID ...
    let before = issuer.list(slot.list).await;
    assert_eq!(status_in(&before, &uri, slot.idx as usize), Status::VALID);
    // ... and signed again at the first GET after the refresh token's
    // revocation ended the grant.
    let revoked = issuer
        .server
        .send(form("/revoke", "token=RT2").basic("app1", "s3cr3t"))
        .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let after = issuer.list(slot.list).await;
    assert_eq!(status_in(&after, &uri, slot.idx as usize), Status::INVALID);
}
