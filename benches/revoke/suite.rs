//! Every contender of the suite, built once and shared by the criterion
//! groups and the summary.

use super::contenders::{
    noop, read_counter, Contender, Fixed, HandRevoke, OursRevoke, StoreRevoke,
};
use super::fixture::Requests;
use super::routers::{self, Guard, Mount};
use http::StatusCode;
use std::sync::Arc;
use tower::Layer;
use tower_revoke::{MemoryStore, RevocationEndpointLayer};

/// Tokens behind the main revocation figure (ours and the hand-written
/// app hold the same ones).
pub const MAIN_TOKENS: usize = 50_000;
/// The small store of the scale figure.
pub const SMALL_TOKENS: usize = 1_000;
/// The large store of the scale figure.
pub const LARGE_TOKENS: usize = 1_000_000;
/// Requests per batch: at most `SMALL_TOKENS`, so that every batch of
/// every revocation contender takes fresh tokens from one store.
pub const BATCH: usize = 1_000;

/// The contenders, by figure.
pub struct Suite {
    /// The do-nothing `service_fn`, sent the revocation request.
    pub noop_revoke: Box<dyn Contender>,
    /// `RevocationEndpoint` over the do-nothing service, revoking.
    pub ours_revoke: Box<dyn Contender>,
    /// The hand-written axum app, revoking.
    pub hand_revoke: Box<dyn Contender>,
    /// The do-nothing service, sent a request for another path.
    pub inner_other: Box<dyn Contender>,
    /// The same request through `RevocationEndpoint`.
    pub ours_other: Box<dyn Contender>,
    /// The same request through a one-route axum `Router`.
    pub router_other: Box<dyn Contender>,
    /// The same request through that `Router` with the layer mounted by
    /// `Router::layer`.
    pub router_layered_other: Box<dyn Contender>,
    /// The same with a do-nothing layer mounted by `Router::layer`.
    pub router_identity_other: Box<dyn Contender>,
    /// The same with the whole `Router` wrapped by the layer.
    pub router_wrapped_other: Box<dyn Contender>,
    /// `GET /me` with an active token, through a `Router` without a guard.
    pub guard_bare: Box<dyn Contender>,
    /// The same through a do-nothing layer.
    pub guard_identity: Box<dyn Contender>,
    /// The same through `BearerAuthLayer` on a `MemoryStore`.
    pub guard_ours: Box<dyn Contender>,
    /// The same through the hand-written `from_fn` guard.
    pub guard_hand: Box<dyn Contender>,
    /// A wrong client secret: 401.
    pub bad_credentials: Box<dyn Contender>,
    /// `token` twice: 400.
    pub duplicate_parameter: Box<dyn Contender>,
    /// One byte over the limit with a size hint: 413.
    pub oversize: Box<dyn Contender>,
    /// 64 KiB streamed without a size hint: 413.
    pub oversize_streamed: Box<dyn Contender>,
    /// Revoking through the endpoint, `SMALL_TOKENS` stored.
    pub ours_small: Box<dyn Contender>,
    /// Revoking through the endpoint, `large / 10` stored: past every
    /// cache like `large`, so `large` / `mid` shows the cost per token
    /// stored once memory latency is paid.
    pub ours_mid: Box<dyn Contender>,
    /// Revoking through the endpoint, `large` stored.
    pub ours_large: Box<dyn Contender>,
    /// `MemoryStore::revoke` alone, `SMALL_TOKENS` stored.
    pub store_small: Box<dyn Contender>,
    /// `MemoryStore::revoke` alone, `large` stored.
    pub store_large: Box<dyn Contender>,
    /// How many tokens the large stores hold.
    pub large: usize,
}

impl Suite {
    /// Builds (and seeds) every contender; the large stores hold `large`
    /// tokens.
    pub fn new(large: usize) -> Self {
        let requests = Arc::new(Requests::default());
        let endpoint = || {
            // Enough tokens that the rejected requests name real ones.
            let tokens = super::fixture::tokens(u64::MAX, BATCH);
            let store = super::contenders::seeded(&tokens);
            (RevocationEndpointLayer::new(store).layer(noop()), tokens)
        };
        let fixed = |requests: &Arc<Requests>,
                     make: fn(&Requests, &str) -> http::Request<axum::body::Body>,
                     expected| {
            let (service, tokens) = endpoint();
            let requests = Arc::clone(requests);
            Box::new(Fixed::new(service, expected, move |i| {
                make(&requests, &tokens[i % tokens.len()])
            })) as Box<dyn Contender>
        };
        let noop_revoke = {
            let requests = Arc::clone(&requests);
            let tokens = super::fixture::tokens(u64::MAX - 1, BATCH);
            Fixed::new(noop(), StatusCode::OK, move |i| {
                requests.revoke(&tokens[i % tokens.len()])
            })
        };
        let inner_other = {
            let requests = Arc::clone(&requests);
            Fixed::new(noop(), StatusCode::OK, move |_| requests.other_path())
        };
        let ours_other = {
            let requests = Arc::clone(&requests);
            let service = RevocationEndpointLayer::new(MemoryStore::new()).layer(noop());
            Fixed::new(service, StatusCode::OK, move |_| requests.other_path())
        };
        let oversize_streamed = {
            let requests = Arc::clone(&requests);
            let (service, _) = endpoint();
            let (read, check) = read_counter();
            Fixed::new(service, StatusCode::PAYLOAD_TOO_LARGE, move |_| {
                requests.oversize_streamed(Arc::clone(&read))
            })
            .after(check)
        };
        Self {
            noop_revoke: Box::new(noop_revoke),
            ours_revoke: Box::new(OursRevoke::new(Arc::clone(&requests), noop(), MAIN_TOKENS)),
            hand_revoke: Box::new(HandRevoke::new(Arc::clone(&requests), MAIN_TOKENS)),
            inner_other: Box::new(inner_other),
            ours_other: Box::new(ours_other),
            router_other: routers::other_path(&requests, Mount::Plain),
            router_layered_other: routers::other_path(&requests, Mount::Layered),
            router_identity_other: routers::other_path(&requests, Mount::Identity),
            router_wrapped_other: routers::other_path(&requests, Mount::Wrapped),
            guard_bare: routers::protected(Guard::Bare),
            guard_identity: routers::protected(Guard::Identity),
            guard_ours: routers::protected(Guard::Ours),
            guard_hand: routers::protected(Guard::Hand),
            bad_credentials: fixed(
                &requests,
                Requests::bad_credentials,
                StatusCode::UNAUTHORIZED,
            ),
            duplicate_parameter: fixed(
                &requests,
                Requests::duplicate_parameter,
                StatusCode::BAD_REQUEST,
            ),
            oversize: fixed(
                &requests,
                |r, _| r.oversize(),
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            oversize_streamed: Box::new(oversize_streamed),
            ours_small: Box::new(OursRevoke::new(Arc::clone(&requests), noop(), SMALL_TOKENS)),
            ours_mid: Box::new(OursRevoke::new(Arc::clone(&requests), noop(), large / 10)),
            ours_large: Box::new(OursRevoke::new(Arc::clone(&requests), noop(), large)),
            store_small: Box::new(StoreRevoke::new(SMALL_TOKENS)),
            store_large: Box::new(StoreRevoke::new(large)),
            large,
        }
    }

    /// Every contender with its name, in summary order.
    pub fn all(&mut self) -> Vec<(&'static str, &mut dyn Contender)> {
        vec![
            ("noop_revoke", &mut *self.noop_revoke),
            ("ours_revoke", &mut *self.ours_revoke),
            ("hand_revoke", &mut *self.hand_revoke),
            ("inner_other", &mut *self.inner_other),
            ("ours_other", &mut *self.ours_other),
            ("router_other", &mut *self.router_other),
            ("router_layered_other", &mut *self.router_layered_other),
            ("router_identity_other", &mut *self.router_identity_other),
            ("router_wrapped_other", &mut *self.router_wrapped_other),
            ("guard_bare", &mut *self.guard_bare),
            ("guard_identity", &mut *self.guard_identity),
            ("guard_ours", &mut *self.guard_ours),
            ("guard_hand", &mut *self.guard_hand),
            ("bad_credentials", &mut *self.bad_credentials),
            ("duplicate_parameter", &mut *self.duplicate_parameter),
            ("oversize", &mut *self.oversize),
            ("oversize_streamed", &mut *self.oversize_streamed),
            ("ours_small", &mut *self.ours_small),
            ("ours_mid", &mut *self.ours_mid),
            ("ours_large", &mut *self.ours_large),
            ("store_small", &mut *self.store_small),
            ("store_large", &mut *self.store_large),
        ]
    }
}

/// Sends `iters` requests through `contender`, a batch at a time, and
/// returns the time spent in `run` only.
pub fn measure(contender: &mut dyn Contender, iters: u64) -> std::time::Duration {
    let mut total = std::time::Duration::ZERO;
    let mut left = iters as usize;
    while left > 0 {
        let n = left.min(BATCH);
        contender.prepare(n);
        total += contender.run();
        contender.check();
        left -= n;
    }
    total
}
