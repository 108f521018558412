//! Clients that registered a `jwks_uri` (RFC 7591 §2): their JWK Set
//! (RFC 7517 §5) is fetched by the verifier's `JwksFetcher` from a loopback
//! site of the test, which counts the requests it receives. A key of the
//! fetched set authenticates; the set is fetched once for concurrent
//! requests and then cached; every failure of the site is the one 401
//! `invalid_client`, cached too; http is refused unless switched on, and
//! then only to loopback; an unknown `kid` refetches, rate-limited.

use crate::fixture::{revoke, server_with, verifier};
use crate::support::assertion::{assertion, claims, jwks, other_key, sign, sign_with, signing_key};
use crate::support::logs::{Capture, Spans};
use crate::support::store::is_active;
use crate::support::wire::{serve, Server};
use crate::support::{challenge, desc};
use axum::body::Body;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use http::StatusCode;
use http_body::Frame;
use jsonwebtoken::{encode, Algorithm, Header};
use serde_json::Value;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::task::JoinSet;
use tower_revoke::jwt::{JwksFetchError, JwksFetcher};
use tower_revoke::MemoryStore;

/// What the site answers at `/jwks`.
#[derive(Clone)]
enum Answer {
    /// 200 with this body, as `application/json`.
    Body(String),
    /// 200 with this body and this `Cache-Control`.
    CacheControl(&'static str, String),
    /// The body, after this delay.
    After(Duration, String),
    /// This status, with an empty body.
    Status(StatusCode),
    /// 302 to `/moved`, which serves the clients' JWK Set.
    Redirect,
    /// 200 with a body that never ends (chunked, no `Content-Length`).
    Endless,
}

/// A loopback site serving a JWK Set at `/jwks`, counting the requests.
struct Site {
    server: Server,
    state: SiteState,
}

#[derive(Clone)]
struct SiteState {
    hits: Arc<AtomicUsize>,
    answer: Arc<Mutex<Answer>>,
}

impl Site {
    async fn start(answer: Answer) -> Self {
        let state = SiteState {
            hits: Arc::default(),
            answer: Arc::new(Mutex::new(answer)),
        };
        let app = Router::new()
            .route("/jwks", get(answer_jwks))
            .route("/moved", get(moved))
            .with_state(state.clone());
        Self {
            server: serve(app).await,
            state,
        }
    }

    /// Its `jwks_uri`, http on loopback.
    fn uri(&self) -> String {
        format!("http://{}/jwks", self.server.addr)
    }

    /// How many requests it received, at either path.
    fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// Answers `answer` from now on.
    fn answer(&self, answer: Answer) {
        *self.state.answer.lock().unwrap() = answer;
    }
}

async fn answer_jwks(State(state): State<SiteState>) -> Response {
    state.hits.fetch_add(1, Ordering::SeqCst);
    let answer = state.answer.lock().unwrap().clone();
    let json = |body: String| ([(CONTENT_TYPE, "application/json")], body).into_response();
    match answer {
        Answer::Body(body) => json(body),
        Answer::CacheControl(directives, body) => {
            ([(CACHE_CONTROL, directives)], json(body)).into_response()
        }
        Answer::After(delay, body) => {
            tokio::time::sleep(delay).await;
            json(body)
        }
        Answer::Status(status) => status.into_response(),
        Answer::Redirect => (StatusCode::FOUND, [(LOCATION, "/moved")]).into_response(),
        Answer::Endless => Body::new(Endless).into_response(),
    }
}

async fn moved(State(state): State<SiteState>) -> String {
    state.hits.fetch_add(1, Ordering::SeqCst);
    jwks()
}

/// A body of spaces without end.
struct Endless;

impl http_body::Body for Endless {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Ready(Some(Ok(Frame::data(Bytes::from_static(&[b' '; 4096])))))
    }
}

/// A store whose client `remote` registered `jwks_uri`, with tokens
/// `RT0`..`RT9`.
fn store(jwks_uri: &str) -> MemoryStore {
    let tokens: Vec<String> = (0..10)
        .map(|i| format!(r#"{{"token": "RT{i}", "type": "access_token", "client_id": "remote"}}"#))
        .collect();
    let seed = format!(
        r#"{{"clients": [{{"client_id": "remote", "jwks_uri": "{jwks_uri}"}}],
            "tokens": [{}]}}"#,
        tokens.join(",")
    );
    MemoryStore::from_seed_json(&seed).expect("the jwks_uri seed loads")
}

/// The app of the tests for a client registered with `jwks_uri`, its
/// verifier fetching with `fetcher`, served.
async fn served(jwks_uri: &str, fetcher: JwksFetcher) -> (MemoryStore, Server) {
    let store = store(jwks_uri);
    let server = server_with(&store, verifier(&store).jwks_fetcher(fetcher)).await;
    (store, server)
}

/// A fetcher that may fetch the test's loopback http sites.
fn loopback() -> JwksFetcher {
    JwksFetcher::new().allow_loopback_http(true)
}

/// Revokes `token` with `assertion` and asserts that it was revoked.
async fn assert_revokes(store: &MemoryStore, server: &Server, assertion: &str, token: &str) {
    server.send(revoke(assertion, token)).await.assert_revoked();
    assert!(!is_active(store, token).await, "{token} revoked");
}

/// Asserts that `assertion` gets the one 401 `invalid_client` and revokes
/// nothing.
async fn assert_refused(store: &MemoryStore, server: &Server, assertion: &str, why: &str) {
    let reply = server.send(revoke(assertion, "RT9")).await;
    reply.assert_invalid_client(desc::AUTH_FAILED, challenge::BASIC);
    assert!(is_active(store, "RT9").await, "{why}: nothing revoked");
}

/// A fresh assertion of `remote` signed with `alg`, its header naming
/// `kid`.
fn with_kid(alg: Algorithm, kid: &str) -> String {
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    encode(&header, &claims("remote"), &signing_key(alg)).expect("the test assertion signs")
}

/// The clients' JWK Set with only the keys of `kids`.
fn jwks_of(kids: &[&str]) -> String {
    let mut set: Value = serde_json::from_str(&jwks()).unwrap();
    let keys = set["keys"].as_array_mut().unwrap();
    keys.retain(|key| kids.contains(&key["kid"].as_str().unwrap()));
    set.to_string()
}

#[tokio::test]
async fn a_key_of_the_fetched_set_revokes_and_the_set_is_fetched_once() {
    let site = Site::start(Answer::Body(jwks())).await;
    let (store, server) = served(&site.uri(), loopback()).await;
    let ed = sign(&claims("remote"), Algorithm::EdDSA);
    assert_revokes(&store, &server, &ed, "RT0").await;
    assert_eq!(site.hits(), 1);
    // Another key of the cached set: no second fetch.
    let es = sign(&claims("remote"), Algorithm::ES256);
    assert_revokes(&store, &server, &es, "RT1").await;
    assert_eq!(
        site.hits(),
        1,
        "the second request is answered from the cache"
    );
    // A key the set does not hold is refused, from the cache too.
    let other = sign_with(&claims("remote"), Algorithm::EdDSA, &other_key(), None);
    assert_refused(&store, &server, &other, "another key").await;
    assert_eq!(site.hits(), 1);
}

#[tokio::test]
async fn concurrent_first_requests_share_one_fetch() {
    let delay = Duration::from_millis(300);
    let site = Site::start(Answer::After(delay, jwks())).await;
    let (store, server) = served(&site.uri(), loopback()).await;
    let server = Arc::new(server);
    let mut requests = JoinSet::new();
    for i in 0..8 {
        let server = Arc::clone(&server);
        let request = revoke(&assertion("remote"), &format!("RT{i}"));
        requests.spawn(async move { server.send(request).await });
    }
    while let Some(reply) = requests.join_next().await {
        reply.unwrap().assert_revoked();
    }
    assert_eq!(site.hits(), 1, "eight concurrent requests, one fetch");
    for i in 0..8 {
        assert!(!is_active(&store, &format!("RT{i}")).await);
    }
}

#[tokio::test]
async fn every_failure_of_the_site_is_invalid_client_and_is_cached() {
    let timeout = Duration::from_millis(500);
    let mut private = serde_json::from_str::<Value>(&jwks_of(&["ed"])).unwrap();
    // A private member (`d`, RFC 8037 §2): a key set that leaks its key.
    private["keys"][0]["d"] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A".into();
    let too_large = JwksFetchError::TooLarge;
    let not_jwks = JwksFetchError::NotJwks;
    let cases = [
        (
            "status 500",
            Answer::Status(StatusCode::INTERNAL_SERVER_ERROR),
            JwksFetchError::Status(500),
        ),
        (
            "status 404",
            Answer::Status(StatusCode::NOT_FOUND),
            JwksFetchError::Status(404),
        ),
        (
            "a redirect, not followed",
            Answer::Redirect,
            JwksFetchError::Status(302),
        ),
        (
            "100 KiB with a Content-Length",
            Answer::Body(" ".repeat(100 * 1024) + &jwks()),
            too_large,
        ),
        ("an endless chunked body", Answer::Endless, too_large),
        (
            "not JSON",
            Answer::Body("<html>keys</html>".into()),
            not_jwks,
        ),
        (
            "JSON but no JWK Set",
            Answer::Body(r#"{"keys": "none"}"#.into()),
            not_jwks,
        ),
        ("a private key", Answer::Body(private.to_string()), not_jwks),
        (
            "too slow",
            Answer::After(Duration::from_secs(3), jwks()),
            JwksFetchError::Timeout,
        ),
    ];
    for (case, answer, error) in cases {
        let site = Site::start(answer).await;
        let fetcher = || loopback().timeout(timeout);
        // The reason, through a fetcher (and a cache) of its own.
        let started = Instant::now();
        let fetched = fetcher().keys(&site.uri(), None).await;
        let elapsed = started.elapsed();
        assert_eq!(fetched.unwrap_err(), error, "{case}");
        if error != JwksFetchError::Timeout {
            assert!(
                elapsed < timeout,
                "{case}: refused before the timeout, {elapsed:?}"
            );
        }
        let (store, server) = served(&site.uri(), fetcher()).await;
        assert_refused(&store, &server, &assertion("remote"), case).await;
        assert_eq!(site.hits(), 2, "{case}");
        // The site recovers, but the failure is kept: no other request.
        site.answer(Answer::Body(jwks()));
        assert_refused(&store, &server, &assertion("remote"), case).await;
        assert_eq!(site.hits(), 2, "{case}: the failure is cached");
    }
}

#[tokio::test]
async fn a_failure_is_fetched_again_once_its_ttl_has_passed() {
    let site = Site::start(Answer::Status(StatusCode::SERVICE_UNAVAILABLE)).await;
    let ttl = Duration::from_millis(300);
    let (store, server) = served(&site.uri(), loopback().failure_ttl(ttl)).await;
    assert_refused(&store, &server, &assertion("remote"), "503").await;
    site.answer(Answer::Body(jwks()));
    tokio::time::sleep(ttl + Duration::from_millis(50)).await;
    assert_revokes(&store, &server, &assertion("remote"), "RT0").await;
    assert_eq!(site.hits(), 2);
}

#[tokio::test]
async fn a_shorter_max_age_shortens_the_ttl_but_not_below_the_refetch_interval() {
    let site = Site::start(Answer::CacheControl("max-age=0", jwks())).await;
    // Long enough for the requests meant to fall within it on a busy machine.
    let interval = Duration::from_secs(1);
    let fetcher = loopback().refetch_interval(interval);
    let (store, server) = served(&site.uri(), fetcher).await;
    assert_revokes(&store, &server, &assertion("remote"), "RT0").await;
    assert_revokes(&store, &server, &assertion("remote"), "RT1").await;
    assert_eq!(site.hits(), 1, "kept for the refetch interval");
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    assert_revokes(&store, &server, &assertion("remote"), "RT2").await;
    assert_eq!(site.hits(), 2, "fetched again after max-age (the interval)");
}

#[tokio::test]
async fn http_is_refused_without_the_switch_and_never_fetched() {
    let site = Site::start(Answer::Body(jwks())).await;
    let (store, server) = served(&site.uri(), JwksFetcher::new()).await;
    assert_refused(&store, &server, &assertion("remote"), "http").await;
    assert_eq!(site.hits(), 0);
    let refused = JwksFetcher::new().keys(&site.uri(), None).await;
    assert_eq!(refused.unwrap_err(), JwksFetchError::InsecureUri);
}

#[tokio::test]
async fn http_to_a_host_that_is_not_loopback_is_refused_even_with_the_switch() {
    // RFC 6761 §6.4: `.invalid` never resolves; it is refused before that.
    let uri = "http://jwks.invalid/jwks";
    let (store, server) = served(uri, loopback()).await;
    assert_refused(&store, &server, &assertion("remote"), "not loopback").await;
    let refused = loopback().keys(uri, None).await;
    assert_eq!(refused.unwrap_err(), JwksFetchError::InsecureUri);
}

#[tokio::test]
async fn https_to_a_site_without_tls_fails_the_handshake() {
    let site = Site::start(Answer::Body(jwks())).await;
    let uri = format!("https://{}/jwks", site.server.addr);
    let (store, server) = served(&uri, JwksFetcher::new()).await;
    assert_refused(&store, &server, &assertion("remote"), "no TLS").await;
    let failed = JwksFetcher::new().keys(&uri, None).await;
    assert_eq!(failed.unwrap_err(), JwksFetchError::Transport);
    assert_eq!(site.hits(), 0, "no request got through");
}

#[tokio::test]
async fn an_unknown_kid_fetches_the_set_again_at_most_once_per_interval() {
    let site = Site::start(Answer::Body(jwks_of(&["rsa", "ec"]))).await;
    // Long enough for the requests meant to fall within it on a busy machine.
    let interval = Duration::from_secs(1);
    let fetcher = loopback().refetch_interval(interval);
    let (store, server) = served(&site.uri(), fetcher).await;
    // The client signs with a new key before publishing it.
    let ed = Algorithm::EdDSA;
    assert_refused(&store, &server, &with_kid(ed, "ed"), "ed not yet published").await;
    assert_eq!(site.hits(), 1);
    site.answer(Answer::Body(jwks()));
    // Within the interval, an unknown kid fetches nothing.
    assert_refused(&store, &server, &with_kid(ed, "ed"), "within the interval").await;
    assert_eq!(site.hits(), 1, "rate-limited");
    tokio::time::sleep(interval + Duration::from_millis(50)).await;
    assert_revokes(&store, &server, &with_kid(ed, "ed"), "RT0").await;
    assert_eq!(site.hits(), 2, "the unknown kid fetched the rotated set");
    // The rotated set is cached; a kid it lacks, so soon after, fetches nothing.
    assert_revokes(&store, &server, &with_kid(ed, "ed"), "RT1").await;
    assert_refused(&store, &server, &with_kid(ed, "gone"), "unknown kid").await;
    assert_eq!(site.hits(), 2);
    let keys = loopback().keys(&site.uri(), Some("ed")).await.unwrap();
    assert_eq!(keys.len(), 3);
}

#[tokio::test]
async fn a_failed_fetch_is_logged_at_debug_without_the_query() {
    let site = Site::start(Answer::Status(StatusCode::INTERNAL_SERVER_ERROR)).await;
    let uri = format!("{}?client_secret=hunter2", site.uri());
    let (store, server) = served(&uri, loopback()).await;
    let capturing = Capture::start(Spans::Off);
    assert_refused(&store, &server, &assertion("remote"), "500").await;
    let logged = capturing.text();
    drop(capturing);
    assert!(logged.contains("jwks_uri fetch failed"), "{logged}");
    assert!(
        logged.contains("the jwks_uri answered status 500"),
        "{logged}"
    );
    assert!(logged.contains(&site.uri()), "{logged}");
    assert!(!logged.contains("hunter2"), "{logged}");
    assert!(logged.contains("DEBUG"), "{logged}");
}
