//! The contenders: one service, one kind of request, and the store behind
//! them, measured a batch at a time.
//!
//! `prepare` (untimed) builds a batch of requests and, for revocations,
//! takes that many fresh tokens from a pool, reseeding a new store when the
//! pool runs out; `run` (timed) sends the batch; `check` (untimed) makes
//! sure the batch did what it should (every token found and revoked).

use super::exec::{self, block_on, Status};
use super::fixture::{self, Requests, CLIENT_ID, CLIENT_SECRET};
use super::handwritten::{self, AppState};
use axum::body::Body;
use axum::Router;
use http::{Request, Response, StatusCode};
use std::convert::Infallible;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tower::{service_fn, Layer, Service};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::request::{RevocationRequest, Token, TokenTypeHint};
use tower_revoke::revocation::RevocationEndpoint;
use tower_revoke::{
    AuthenticatedClient, MemoryStore, RevocationEndpointLayer, RevocationOutcome, RevocationStore,
};

/// Something measured a batch at a time.
pub trait Contender {
    /// Builds a batch of `n` requests (untimed).
    fn prepare(&mut self, n: usize);
    /// Sends the batch; the time it took.
    fn run(&mut self) -> Duration;
    /// Checks what the batch did (untimed).
    fn check(&mut self) {}
}

/// The do-nothing service every figure is measured against.
pub fn noop(
) -> impl Service<Request<Body>, Response = Response<Body>, Error = Infallible, Future: Send>
       + Clone
       + Send
       + 'static {
    service_fn(|_req: Request<Body>| async { Ok::<_, Infallible>(Response::new(Body::empty())) })
}

/// Distinct token names across every pool of the run.
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// `size` tokens, handed out once each.
pub struct Pool {
    size: usize,
    tokens: Vec<String>,
    next: usize,
}

impl Pool {
    fn new(size: usize) -> Self {
        let mut pool = Self {
            size,
            tokens: Vec::new(),
            next: 0,
        };
        pool.refill();
        pool
    }

    fn refill(&mut self) {
        let generation = GENERATION.fetch_add(1, Ordering::Relaxed);
        self.tokens = fixture::tokens(generation, self.size);
        self.next = 0;
    }

    /// The next `n` unused tokens, or `None` when fewer are left.
    fn take(&mut self, n: usize) -> Option<Range<usize>> {
        assert!(
            n <= self.size,
            "a batch of {n} from a pool of {}",
            self.size
        );
        let range = self.next..self.next + n;
        (range.end <= self.tokens.len()).then(|| {
            self.next = range.end;
            range
        })
    }
}

pub fn seeded(tokens: &[String]) -> MemoryStore {
    MemoryStore::from_seed_json(&fixture::seed_json(tokens)).expect("the seed is valid")
}

/// Revocations of fresh tokens through `RevocationEndpoint` over `inner`.
pub struct OursRevoke<S> {
    requests: Arc<Requests>,
    inner: S,
    pool: Pool,
    store: MemoryStore,
    service: RevocationEndpoint<S, MemoryStore>,
    batch: Vec<Request<Body>>,
    last: Range<usize>,
}

impl<S: Clone> OursRevoke<S> {
    /// A store of `size` tokens; `size` also bounds the batch size.
    pub fn new(requests: Arc<Requests>, inner: S, size: usize) -> Self {
        let pool = Pool::new(size);
        let store = seeded(&pool.tokens);
        let service = RevocationEndpointLayer::new(store.clone()).layer(inner.clone());
        Self {
            requests,
            inner,
            pool,
            store,
            service,
            batch: Vec::new(),
            last: 0..0,
        }
    }
}

impl<S> Contender for OursRevoke<S>
where
    S: Service<Request<Body>, Response = Response<Body>> + Clone,
    S::Error: std::fmt::Debug,
{
    fn prepare(&mut self, n: usize) {
        let range = match self.pool.take(n) {
            Some(range) => range,
            None => {
                self.pool.refill();
                self.store = seeded(&self.pool.tokens);
                self.service =
                    RevocationEndpointLayer::new(self.store.clone()).layer(self.inner.clone());
                self.pool.take(n).expect("a fresh pool")
            }
        };
        let tokens = &self.pool.tokens[range.clone()];
        self.batch = tokens.iter().map(|t| self.requests.revoke(t)).collect();
        self.last = range;
    }

    fn run(&mut self) -> Duration {
        exec::run(&mut self.service, &mut self.batch, StatusCode::OK)
    }

    fn check(&mut self) {
        for token in &self.pool.tokens[self.last.clone()] {
            assert!(!self.store.is_active(token), "a token was not revoked");
        }
    }
}

/// Revocations of fresh tokens through the hand-written axum app.
pub struct HandRevoke {
    requests: Arc<Requests>,
    pool: Pool,
    state: AppState,
    router: Router,
    batch: Vec<Request<Body>>,
    last: Range<usize>,
}

impl HandRevoke {
    /// A map of `size` tokens; `size` also bounds the batch size.
    pub fn new(requests: Arc<Requests>, size: usize) -> Self {
        let pool = Pool::new(size);
        let state = AppState::new(&pool.tokens);
        let router = handwritten::router(state.clone());
        Self {
            requests,
            pool,
            state,
            router,
            batch: Vec::new(),
            last: 0..0,
        }
    }
}

impl Contender for HandRevoke {
    fn prepare(&mut self, n: usize) {
        let range = match self.pool.take(n) {
            Some(range) => range,
            None => {
                self.pool.refill();
                self.state = AppState::new(&self.pool.tokens);
                self.router = handwritten::router(self.state.clone());
                self.pool.take(n).expect("a fresh pool")
            }
        };
        let tokens = &self.pool.tokens[range.clone()];
        self.batch = tokens.iter().map(|t| self.requests.revoke(t)).collect();
        self.last = range;
    }

    fn run(&mut self) -> Duration {
        exec::run(&mut self.router, &mut self.batch, StatusCode::OK)
    }

    fn check(&mut self) {
        for token in &self.pool.tokens[self.last.clone()] {
            assert!(self.state.is_revoked(token), "a token was not revoked");
        }
    }
}

/// The same kind of request again and again through one service (nothing
/// is consumed: the noop baseline, the passthrough, the rejections).
pub struct Fixed<S> {
    service: S,
    make: Box<dyn FnMut(usize) -> Request<Body>>,
    expected: StatusCode,
    after: Option<Box<dyn FnMut(usize)>>,
    batch: Vec<Request<Body>>,
    made: usize,
    last: usize,
}

impl<S> Fixed<S> {
    /// `make(i)` builds the `i`-th request; each response must be `expected`.
    pub fn new(
        service: S,
        expected: StatusCode,
        make: impl FnMut(usize) -> Request<Body> + 'static,
    ) -> Self {
        Self {
            service,
            make: Box::new(make),
            expected,
            after: None,
            batch: Vec::new(),
            made: 0,
            last: 0,
        }
    }

    /// Runs `after(n)` after each batch of `n` requests.
    pub fn after(mut self, after: impl FnMut(usize) + 'static) -> Self {
        self.after = Some(Box::new(after));
        self
    }
}

impl<S> Contender for Fixed<S>
where
    S: Service<Request<Body>>,
    S::Response: Status,
    S::Error: std::fmt::Debug,
{
    fn prepare(&mut self, n: usize) {
        self.batch = (self.made..self.made + n).map(&mut self.make).collect();
        self.made += n;
        self.last = n;
    }

    fn run(&mut self) -> Duration {
        exec::run(&mut self.service, &mut self.batch, self.expected)
    }

    fn check(&mut self) {
        if let Some(after) = &mut self.after {
            after(self.last);
        }
    }
}

/// `RevocationStore::revoke` on a `MemoryStore`, without HTTP: the store's
/// share of a revocation.
pub struct StoreRevoke {
    pool: Pool,
    store: MemoryStore,
    client: AuthenticatedClient,
    batch: Vec<RevocationRequest>,
}

impl StoreRevoke {
    /// A store of `size` tokens.
    pub fn new(size: usize) -> Self {
        let pool = Pool::new(size);
        let store = seeded(&pool.tokens);
        let client = authenticated(&store);
        Self {
            pool,
            store,
            client,
            batch: Vec::new(),
        }
    }
}

fn authenticated(store: &MemoryStore) -> AuthenticatedClient {
    let credentials = ClientCredentials::new(
        ClientId::new(CLIENT_ID).unwrap(),
        Some(ClientSecret::new(CLIENT_SECRET).unwrap()),
        ClientAuthMethod::ClientSecretBasic,
    );
    block_on(store.authenticate_client(&credentials))
        .unwrap()
        .expect("the client authenticates")
}

impl Contender for StoreRevoke {
    fn prepare(&mut self, n: usize) {
        let range = match self.pool.take(n) {
            Some(range) => range,
            None => {
                self.pool.refill();
                self.store = seeded(&self.pool.tokens);
                self.client = authenticated(&self.store);
                self.pool.take(n).expect("a fresh pool")
            }
        };
        let hint = || Some(TokenTypeHint::parse("access_token"));
        self.batch = self.pool.tokens[range]
            .iter()
            .map(|t| RevocationRequest::new(Token::new(t.as_str()).unwrap(), hint()))
            .collect();
    }

    fn run(&mut self) -> Duration {
        let mut wrong = 0usize;
        let start = std::time::Instant::now();
        for request in self.batch.drain(..) {
            let outcome = block_on(self.store.revoke(&self.client, &request));
            wrong += usize::from(!matches!(outcome, Ok(RevocationOutcome::Revoked { .. })));
        }
        let elapsed = start.elapsed();
        assert_eq!(wrong, 0, "some tokens were not revoked");
        elapsed
    }
}

/// Counts the bytes a streamed body gave up, and checks them per request.
pub fn read_counter() -> (Arc<AtomicUsize>, impl FnMut(usize) + 'static) {
    let read = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&read);
    let check = move |n: usize| {
        let bytes = counted.swap(0, Ordering::Relaxed);
        let most = n * (fixture::BODY_LIMIT + fixture::STREAM_CHUNK);
        assert!(
            bytes <= most,
            "read {bytes} bytes for {n} requests, past the limit"
        );
    };
    (read, check)
}
