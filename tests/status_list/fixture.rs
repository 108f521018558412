//! The issuer's list site, the resource server, and the tokens.

use crate::support::jwt::{claims, hs256, now, with, SECRET};
use crate::support::reply::Reply;
use crate::support::request::get;
use crate::support::wire::{serve, Server};
use crate::support::{challenge, desc};
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get as route_get;
use axum::{Extension, Json, Router};
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tower_revoke::jwt::{JwtKey, JwtVerifier};
use tower_revoke::status_list::{
    Bits, Status, StatusCheckedStore, StatusList, StatusListFetcher, StatusListToken,
    StatusListVerifier, StatusLists, StatusReference, MEDIA_TYPE,
};
use tower_revoke::{ActiveToken, BearerAuthLayer};

/// The path of the list on its site.
pub const LIST_PATH: &str = "/statuslists/1";

/// What the site answers at any path.
#[derive(Clone)]
pub enum Answer {
    /// 200 with this token, as `application/statuslist+jwt`.
    Token(String),
    /// This token, after this delay.
    After(Duration, String),
    /// This status, with an empty body.
    Status(StatusCode),
}

/// A loopback site serving a Status List Token at every path, counting
/// the requests and keeping the last `Accept`.
pub struct Site {
    server: Server,
    state: SiteState,
}

#[derive(Clone, Default)]
struct SiteState {
    hits: Arc<AtomicUsize>,
    answer: Arc<Mutex<Option<Answer>>>,
    accept: Arc<Mutex<Option<String>>>,
}

impl Site {
    /// A site answering 404 until told otherwise.
    pub async fn start() -> Self {
        let state = SiteState::default();
        let app = Router::new().fallback(answer).with_state(state.clone());
        Self {
            server: serve(app).await,
            state,
        }
    }

    /// Its base URL, `http://127.0.0.1:port`: the issuer configured.
    pub fn base(&self) -> String {
        format!("http://{}", self.server.addr)
    }

    /// The list's URI.
    pub fn list_uri(&self) -> String {
        format!("{}{LIST_PATH}", self.base())
    }

    /// How many requests it received.
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }

    /// The `Accept` of the last request.
    pub fn accept(&self) -> Option<String> {
        self.state.accept.lock().unwrap().clone()
    }

    /// Answers `answer` from now on.
    pub fn answer(&self, answer: Answer) {
        *self.state.answer.lock().unwrap() = Some(answer);
    }

    /// Serves `list` at its list URI, signed with the test secret, with
    /// this `ttl` and `exp` (seconds from now); returns the `exp`.
    pub fn publish(&self, list: &StatusList, ttl: Option<u64>, exp_in: Option<u64>) -> Option<u64> {
        let token = signed(list, &self.list_uri(), ttl, exp_in, SECRET);
        self.answer(Answer::Token(token.clone()));
        let payload = crate::support::jwt::payload(&token);
        payload.get("exp").and_then(Value::as_u64)
    }
}

async fn answer(State(state): State<SiteState>, request: axum::extract::Request) -> Response {
    state.hits.fetch_add(1, Ordering::SeqCst);
    let accept = request.headers().get("accept");
    *state.accept.lock().unwrap() = accept.and_then(|v| v.to_str().ok()).map(str::to_owned);
    let answer = state.answer.lock().unwrap().clone();
    let token = |token: String| ([(CONTENT_TYPE, MEDIA_TYPE)], token).into_response();
    match answer {
        Some(Answer::Token(body)) => token(body),
        Some(Answer::After(delay, body)) => {
            tokio::time::sleep(delay).await;
            token(body)
        }
        Some(Answer::Status(status)) => status.into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// `list` as a Status List Token for `uri`, signed HS256 with `secret`,
/// issued now, with `ttl` and `exp` (seconds from now).
pub fn signed(
    list: &StatusList,
    uri: &str,
    ttl: Option<u64>,
    exp_in: Option<u64>,
    secret: &[u8],
) -> String {
    let now = now();
    let token = StatusListToken {
        list,
        uri,
        issued_at: now,
        expires_at: exp_in.map(|seconds| now + seconds),
        ttl,
    };
    let key = EncodingKey::from_secret(secret).unwrap();
    token.sign(Algorithm::HS256, &key, None).unwrap()
}

/// A list of 16 one-bit statuses, those at `revoked` INVALID.
pub fn list(revoked: &[usize]) -> StatusList {
    let mut list = StatusList::new(Bits::One, 16);
    for &idx in revoked {
        list.set(idx, Status::INVALID).unwrap();
    }
    list
}

/// A JWT access token of app1 for alice whose status is at `idx` of the
/// list at `uri`.
pub fn token_at(uri: &str, idx: usize) -> String {
    let status = StatusReference {
        idx,
        uri: uri.to_owned(),
    };
    hs256(&with(claims("app1", "alice"), "status", status.to_claim()))
}

/// A JWT access token of app1 for alice with this `status` claim (none
/// for `Value::Null`).
pub fn token_with_status(status: Value) -> String {
    hs256(&with(claims("app1", "alice"), "status", status))
}

/// The status lists of the test issuer at `issuer`: its lists verified
/// with the test secret and no leeway, fetched over loopback http.
pub fn lists(issuer: &str) -> StatusLists {
    let fetcher = StatusListFetcher::new()
        .allow_loopback_http(true)
        .timeout(Duration::from_secs(2));
    lists_with(fetcher, issuer)
}

/// As [`lists`], fetched by `fetcher`.
pub fn lists_with(fetcher: StatusListFetcher, issuer: &str) -> StatusLists {
    let verifier = StatusListVerifier::new([JwtKey::hs256(SECRET).unwrap()]).leeway(Duration::ZERO);
    StatusLists::new(fetcher).issuer(issuer, verifier)
}

/// The resource server: `GET /me` behind the guard over `store`,
/// answering the `ActiveToken` it was given.
pub async fn resource_server(store: StatusCheckedStore) -> Server {
    let me = route_get(me).layer(BearerAuthLayer::new(store));
    serve(Router::new().route("/me", me)).await
}

/// [`resource_server`] over the default store of `lists`.
pub async fn resource_server_of(lists: StatusLists) -> Server {
    resource_server(store(lists)).await
}

/// A `StatusCheckedStore` verifying the test tokens, over `lists`.
pub fn store(lists: StatusLists) -> StatusCheckedStore {
    let verifier = JwtVerifier::new(
        crate::support::jwt::ISSUER,
        [JwtKey::hs256(SECRET).unwrap()],
    );
    StatusCheckedStore::new(verifier, lists)
}

async fn me(Extension(token): Extension<ActiveToken>) -> Json<Value> {
    Json(json!({
        "sub": token.sub(),
        "client_id": token.client_id().as_str(),
        "iss": token.iss(),
        "jti": token.jti(),
        "scope": token.scope(),
    }))
}

/// Asserts that `reply` is the guard's refusal of a token: 401 `invalid_token`.
#[track_caller]
pub fn assert_refused(reply: Reply) {
    reply.assert_invalid_token(desc::BEARER_INVALID, challenge::BEARER_INVALID_TOKEN);
}

/// `GET /me` with `token`, through `server`.
pub async fn me_with(server: &Server, token: &str) -> Reply {
    server.send(get("/me").bearer(token)).await
}
