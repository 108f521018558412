//! Fault injection: a `RevocationStore` around `MemoryStore` that fails,
//! is slow, or panics on chosen calls.
//!
//! - A store error is a 503 `temporarily_unavailable` with `Retry-After`
//!   and the RFC 6749 §5.1 cache headers (RFC 7009 §2.2.1); the token stays
//!   active, and the next request after recovery succeeds.
//! - A slow store is bounded by the application: a deadline inside its
//!   store (the endpoint's own 503), or a `tower::timeout` in front (the
//!   application maps the elapsed error, here to a 503 of its own). The
//!   abandoned revocation leaves the token active.
//! - A panicking store: the endpoint does not catch panics. The panic
//!   unwinds out of the response future into whatever polls it; under a
//!   hyper server that is the connection's task, so only that connection
//!   is lost (the client sees it closed without a response), while the
//!   server and every other connection go on.

use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{BoxError, Router};
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, PRAGMA, RETRY_AFTER};
use http::{Request, Response, StatusCode};
use http_body_util::BodyExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower::{ServiceBuilder, ServiceExt};
use tower_revoke::client::ClientCredentials;
use tower_revoke::request::{RevocationRequest, Token};
use tower_revoke::{
    ActiveToken, AuthenticatedClient, BearerAuthLayer, IntrospectionStore, MemoryStore,
    RevocationEndpointLayer, RevocationOutcome, RevocationStore, StoreError,
};

const SEED: &str = r#"{
    "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
    "tokens": [
        {"token": "AT1", "type": "access_token", "client_id": "app1"},
        {"token": "AT2", "type": "access_token", "client_id": "app1"},
        {"token": "AT3", "type": "access_token", "client_id": "app1"}
    ]
}"#;

/// `app1:s3cr3t`
const BASIC: &str = "Basic YXBwMTpzM2NyM3Q=";

/// The store call a fault is injected into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    AuthenticateClient,
    Revoke,
    Introspect,
}

/// What the store does instead of answering.
#[derive(Debug, Clone, Copy)]
enum Fault {
    /// Returns `Err(StoreDown)`.
    Fail,
    /// Sleeps this long, then answers.
    Slow(Duration),
    /// Panics.
    Panic,
}

#[derive(Debug)]
struct StoreDown;

impl std::fmt::Display for StoreDown {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("injected store failure")
    }
}

impl std::error::Error for StoreDown {}

/// A `MemoryStore` with faults injected into chosen calls. Each fault
/// applies to the next `times` calls of its kind, before the inner store
/// is asked, so a faulty call never changes anything.
#[derive(Clone)]
struct FaultyStore {
    inner: MemoryStore,
    faults: Arc<Mutex<Vec<(Call, Fault, usize)>>>,
    /// A deadline the store keeps itself: past it, the call is an error.
    deadline: Option<Duration>,
}

impl FaultyStore {
    fn new() -> Self {
        Self {
            inner: MemoryStore::from_seed_json(SEED).unwrap(),
            faults: Arc::default(),
            deadline: None,
        }
    }

    fn inject(&self, call: Call, fault: Fault, times: usize) {
        self.faults.lock().unwrap().push((call, fault, times));
    }

    fn take(&self, call: Call) -> Option<Fault> {
        let mut faults = self.faults.lock().unwrap();
        let (_, fault, times) = faults
            .iter_mut()
            .find(|(c, _, times)| *c == call && *times > 0)?;
        *times -= 1;
        Some(*fault)
    }

    async fn before(&self, call: Call) -> Result<(), StoreError> {
        match self.take(call) {
            None => Ok(()),
            Some(Fault::Fail) => Err(StoreError::new(StoreDown)),
            Some(Fault::Slow(delay)) => {
                tokio::time::sleep(delay).await;
                Ok(())
            }
            Some(Fault::Panic) => panic!("injected store panic in {call:?}"),
        }
    }

    async fn guarded<T>(
        &self,
        call: Call,
        answer: impl std::future::Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let work = async {
            self.before(call).await?;
            answer.await
        };
        match self.deadline {
            Some(deadline) => tokio::time::timeout(deadline, work)
                .await
                .map_err(|_| StoreError::new(StoreDown))?,
            None => work.await,
        }
    }
}

impl RevocationStore for FaultyStore {
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        let answer = self.inner.authenticate_client(credentials);
        self.guarded(Call::AuthenticateClient, answer).await
    }

    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        self.guarded(Call::Revoke, self.inner.revoke(client, request))
            .await
    }
}

impl IntrospectionStore for FaultyStore {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        let answer = self.inner.introspect(token);
        self.guarded(Call::Introspect, answer).await
    }
}

/// The app: `GET /me` behind the Bearer guard, `POST /revoke`.
fn app(store: FaultyStore) -> Router {
    let store = Arc::new(store);
    Router::new()
        .route(
            "/me",
            get(|| async { "me" }).layer(BearerAuthLayer::new(Arc::clone(&store))),
        )
        .layer(RevocationEndpointLayer::new(store))
}

fn revoke(token: &str) -> Request<Body> {
    Request::post("/revoke")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(AUTHORIZATION, BASIC)
        .body(Body::from(format!("token={token}")))
        .unwrap()
}

fn me(token: &str) -> Request<Body> {
    Request::get("/me")
        .header(AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap()
}

async fn send<S>(service: S, request: Request<Body>) -> (Response<()>, String)
where
    S: tower::Service<
        Request<Body>,
        Response = axum::response::Response,
        Error = std::convert::Infallible,
    >,
{
    let response = service.oneshot(request).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    (
        Response::from_parts(parts, ()),
        String::from_utf8(body.to_vec()).unwrap(),
    )
}

/// A 503 `temporarily_unavailable` with `Retry-After` and the cache headers.
fn assert_temporarily_unavailable(response: &Response<()>, body: &str, retry_after: &str) {
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let json: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(json["error"], "temporarily_unavailable");
    let headers = response.headers();
    assert_eq!(headers[RETRY_AFTER], retry_after);
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    assert_eq!(headers[PRAGMA], "no-cache");
}

#[tokio::test]
async fn store_error_in_any_revocation_call_is_503_and_revokes_nothing() {
    for call in [Call::AuthenticateClient, Call::Revoke] {
        let store = FaultyStore::new();
        let app = app(store.clone());
        store.inject(call, Fault::Fail, 2);
        for _ in 0..2 {
            let (response, body) = send(app.clone(), revoke("AT1")).await;
            assert_temporarily_unavailable(&response, &body, "5");
            assert!(
                store.inner.is_active("AT1"),
                "{call:?}: token revoked by a failed request"
            );
        }
        // Recovered: the retry succeeds.
        let (response, body) = send(app.clone(), revoke("AT1")).await;
        assert_eq!(
            (response.status(), body.as_str()),
            (StatusCode::OK, "{}"),
            "{call:?}"
        );
        assert!(!store.inner.is_active("AT1"));
    }
}

#[tokio::test]
async fn retry_after_is_configurable_in_whole_seconds() {
    let store = FaultyStore::new();
    let app = Router::new().layer(
        RevocationEndpointLayer::new(store.clone()).retry_after(Duration::from_millis(2500)),
    );
    store.inject(Call::Revoke, Fault::Fail, 1);
    let (response, body) = send(app, revoke("AT1")).await;
    assert_temporarily_unavailable(&response, &body, "3");
    assert!(store.inner.is_active("AT1"));
}

#[tokio::test]
async fn bearer_guard_store_error_is_503_then_recovers() {
    let store = FaultyStore::new();
    let app = app(store.clone());
    store.inject(Call::Introspect, Fault::Fail, 1);
    let (response, body) = send(app.clone(), me("AT1")).await;
    assert_temporarily_unavailable(&response, &body, "5");
    let (response, body) = send(app, me("AT1")).await;
    assert_eq!((response.status(), body.as_str()), (StatusCode::OK, "me"));
}

#[tokio::test(start_paused = true)]
async fn slow_store_past_its_own_deadline_is_503_and_revokes_nothing() {
    for call in [Call::AuthenticateClient, Call::Revoke] {
        let store = FaultyStore {
            deadline: Some(Duration::from_secs(1)),
            ..FaultyStore::new()
        };
        let app = app(store.clone());
        store.inject(call, Fault::Slow(Duration::from_secs(30)), 1);
        let started = tokio::time::Instant::now();
        let (response, body) = send(app.clone(), revoke("AT1")).await;
        assert_temporarily_unavailable(&response, &body, "5");
        assert_eq!(started.elapsed().as_secs(), 1, "answered at the deadline");
        assert!(store.inner.is_active("AT1"));
        // Slow but within the deadline: answered.
        store.inject(call, Fault::Slow(Duration::from_millis(500)), 1);
        let (response, _) = send(app, revoke("AT1")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(!store.inner.is_active("AT1"));
    }
}

/// What an application answers when its `tower::timeout` elapses: here a
/// 503 like the endpoint's own, with `Retry-After`.
async fn timed_out(_: BoxError) -> axum::response::Response {
    let body = r#"{"error":"temporarily_unavailable"}"#;
    let headers = [
        (RETRY_AFTER, "5"),
        (CACHE_CONTROL, "no-store"),
        (PRAGMA, "no-cache"),
    ];
    (StatusCode::SERVICE_UNAVAILABLE, headers, body).into_response()
}

#[tokio::test(start_paused = true)]
async fn slow_store_behind_a_timeout_layer_is_abandoned_and_revokes_nothing() {
    for call in [Call::AuthenticateClient, Call::Revoke] {
        let store = FaultyStore::new();
        let app = app(store.clone()).layer(
            ServiceBuilder::new()
                .layer(HandleErrorLayer::new(timed_out))
                .timeout(Duration::from_secs(2)),
        );
        store.inject(call, Fault::Slow(Duration::from_secs(60)), 1);
        let started = tokio::time::Instant::now();
        let (response, body) = send(app.clone(), revoke("AT2")).await;
        assert_temporarily_unavailable(&response, &body, "5");
        assert_eq!(started.elapsed().as_secs(), 2);
        // The store's future was dropped before it reached the inner store.
        tokio::time::sleep(Duration::from_secs(120)).await;
        assert!(store.inner.is_active("AT2"), "{call:?}");
        let (response, _) = send(app, revoke("AT2")).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(!store.inner.is_active("AT2"));
    }
}

#[tokio::test]
async fn store_panic_unwinds_out_of_the_response_future() {
    let store = FaultyStore::new();
    let app = app(store.clone());
    store.inject(Call::Revoke, Fault::Panic, 1);
    // The endpoint does not catch the panic: the task polling it fails.
    let task = tokio::spawn(send(app.clone(), revoke("AT1")));
    let error = task.await.unwrap_err();
    assert!(error.is_panic());
    assert!(store.inner.is_active("AT1"));
    let (response, _) = send(app, revoke("AT1")).await;
    assert_eq!(response.status(), StatusCode::OK);
}

mod over_hyper;
