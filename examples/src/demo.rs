//! The demo application: an ordinary axum app with the revocation and
//! introspection endpoints added by one layer each, `/me` behind the Bearer
//! guard, RFC 8414 metadata, the token endpoint ([`token`]), and, when a
//! secret is configured, HS256 JWT access tokens (RFC 9068) that can be
//! revoked: the token endpoint then issues JWTs, recorded in the store in
//! their grants like opaque tokens, so that revoking or reusing a refresh
//! token ends them too ([`JwtStore::recorded`]).
//!
//! Clients that registered public keys (a seed entry's `jwks` or
//! `jwks_uri`) authenticate with `private_key_jwt` (RFC 7523) at the
//! revocation, introspection and token endpoints, on every store the demo
//! runs on ([`DemoStore`], [`Config::client_assertions`]).
//!
//! Shared by `examples/demo.rs`, the `tower-revoke-demo` binary (the same
//! program, for the process tests in `tests/processes/`), and the tests in
//! `tests/apps/demo*.rs`.

use crate::mint::{self, Minter, STATUS_LISTS_PATH};
use crate::token::{self, TokenEndpoint, TOKEN_PATH};
use crate::{common, serve};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tower::Layer;
use tower_revoke::audit::RevocationEvent;
use tower_revoke::client::ClientId;
use tower_revoke::cors::CorsPolicy;
use tower_revoke::introspection::IntrospectionEndpoint;
use tower_revoke::jwt::jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use tower_revoke::jwt::{ClientAssertionVerifier, JwtKey, JwtStore, JwtVerifier};
use tower_revoke::metadata::AuthorizationServerMetadata;
use tower_revoke::request::{RequestReader, Token};
use tower_revoke::revocation::RevocationEndpoint;
use tower_revoke::store::{
    BoxStore, CheckedSeedFile, DynClientAssertionStore, DynStatusListStore, DynStore, Recording,
    TokenEntry,
};
use tower_revoke::{
    BearerAuthLayer, ClientAssertionStore, IntrospectionEndpointLayer, IssuanceStore,
    RevocationEndpointLayer, StatusListStore, TokenKind,
};

/// The demo's seed, `examples/seed.json`.
pub const SEED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/seed.json");

/// The revocation endpoint's path in the demo.
pub const REVOKE_PATH: &str = "/oauth/revoke";

/// The introspection endpoint's path in the demo.
pub const INTROSPECT_PATH: &str = "/oauth/introspect";

/// The readiness check's path (see [`app_with`]).
pub const READY_PATH: &str = "/ready";

/// The variable that switches `private_key_jwt` to the strict rules of
/// draft-ietf-oauth-rfc7523bis ([`Config::client_assertion_strict`]).
pub const ASSERTION_STRICT_VAR: &str = "TOWER_REVOKE_CLIENT_ASSERTION_STRICT";

/// What the demo's app runs on: its store, and the same store for
/// `private_key_jwt` client authentication (RFC 7523), which a
/// [`BoxStore`] does not offer.
#[derive(Clone)]
pub struct DemoStore {
    /// Clients and tokens: the endpoints, the guard, the token endpoint.
    pub store: BoxStore,
    /// The keys clients registered and the used client assertions: with
    /// it, the revocation, introspection and token endpoints accept
    /// `private_key_jwt` ([`Config::client_assertions`]). `None` for a
    /// store given as a bare [`BoxStore`]: they do not.
    pub assertions: Option<Arc<dyn DynClientAssertionStore>>,
    /// The statuses of the JWTs the demo mints (Token Status Lists): with
    /// it and JWTs on, every JWT carries a `status` claim and the demo
    /// publishes its lists ([`mint`]). `None` for a store given as a bare
    /// [`BoxStore`]: JWTs carry no status.
    pub statuses: Option<Arc<dyn DynStatusListStore>>,
}

impl DemoStore {
    /// `store` for both: every method, `private_key_jwt` included.
    pub fn new<St>(store: St) -> Self
    where
        St: DynStore + ClientAssertionStore + StatusListStore + Clone,
    {
        Self {
            assertions: Some(Arc::new(store.clone())),
            statuses: Some(Arc::new(store.clone())),
            store: BoxStore::new(store),
        }
    }
}

/// A store without `private_key_jwt`: secrets (and public clients) only.
impl From<BoxStore> for DemoStore {
    fn from(store: BoxStore) -> Self {
        Self {
            store,
            assertions: None,
            statuses: None,
        }
    }
}

/// What the demo opened ([`common::open_store`]): both halves.
impl From<crate::store::Opened> for DemoStore {
    fn from(opened: crate::store::Opened) -> Self {
        Self {
            store: opened.store,
            assertions: Some(opened.assertions),
            statuses: Some(opened.statuses),
        }
    }
}

/// The demo's configuration: the issuer its metadata names and, with a
/// secret, its JWT access tokens.
#[derive(Clone)]
pub struct Config {
    /// `TOWER_REVOKE_ISSUER`, default `http://` and the listen address
    /// (the address bound, through [`from_env_on`](Self::from_env_on)).
    pub issuer: String,
    /// `TOWER_REVOKE_JWT_HS256_SECRET` (UTF-8, at least 32 bytes): the
    /// token endpoint issues JWT access tokens signed HS256 ([`mint`](Self::mint)),
    /// with `iss` the issuer. `None`: opaque tokens only.
    pub jwt_secret: Option<String>,
    /// `TOWER_REVOKE_JWT_AUDIENCE`: when set, the `aud` every JWT must name.
    pub jwt_audience: Option<String>,
    /// The revocation endpoint's CORS policy: the `allowed_origins` of the
    /// seed's clients (`TOWER_REVOKE_SEED`, default [`SEED`]); a seed
    /// without any leaves CORS off in effect (no origin is granted).
    pub cors: CorsPolicy,
    /// The seed file (`TOWER_REVOKE_SEED`, default [`SEED`]), checked once
    /// for `cors`: [`run`] seeds the store from it, so the in-memory
    /// store reads the file only once more.
    pub seed: CheckedSeedFile,
    /// `TOWER_REVOKE_AUDIT=1`: print each revocation request's audit event
    /// ([`RevocationEvent::to_json`]) as one line of JSON on stdout.
    pub audit: bool,
    /// `TOWER_REVOKE_REFRESH_GRACE` (a duration such as `2s`; default off):
    /// the token endpoint's grace period of refresh token rotation.
    pub refresh_grace: Duration,
    /// `TOWER_REVOKE_ACCESS_TOKEN_LIFETIME` (a duration; default
    /// [`token::ACCESS_TOKEN_LIFETIME`], an hour): how long the access
    /// tokens the token endpoint issues are valid (`expires_in`).
    pub access_token_lifetime: Duration,
    /// `TOWER_REVOKE_CLIENT_ASSERTION_STRICT` (`true` or `false`, default
    /// `false`): `private_key_jwt` assertions must follow
    /// draft-ietf-oauth-rfc7523bis ([`ClientAssertionVerifier::strict`]):
    /// `aud` the issuer alone, never an endpoint's URL, and `typ` absent or
    /// `client-authentication+jwt`.
    pub client_assertion_strict: bool,
    /// `TOWER_REVOKE_STATUS_LIST_TTL` (a duration, default
    /// [`mint::STATUS_LIST_TTL`], 60 s; at least 1 s): the `ttl` of the
    /// status lists the demo publishes for its JWTs
    /// (draft-ietf-oauth-status-list-20 §5.1), how long a resource server
    /// may keep one before it asks again: the staleness of a revocation
    /// there.
    pub status_list_ttl: Duration,
    /// Whether the demo is draining (set on SIGTERM by
    /// [`common::serve_until_stopped`]): `GET /ready` answers 503 from then
    /// on. A fresh flag, never set, from [`from_env`](Self::from_env).
    pub draining: serve::Draining,
}

impl Config {
    /// The configuration from the environment (see the fields).
    pub fn from_env() -> Self {
        Self::from_vars(env_var)
    }

    /// [`from_env`](Self::from_env) for a demo listening on `bound`: the
    /// issuer defaults to `http://` and `bound`, the address actually
    /// bound (with `TOWER_REVOKE_ADDR=127.0.0.1:0`, the port given), which
    /// clients reach and so sign their assertions for.
    pub fn from_env_on(bound: SocketAddr) -> Self {
        Self::from_vars(|name| {
            let default = (name == "TOWER_REVOKE_ISSUER").then(|| format!("http://{bound}"));
            env_var(name).or(default)
        })
    }

    /// The configuration from `var`, which looks an environment variable up.
    /// Exits (see [`common::exit_with`]) when the seed cannot be read,
    /// `TOWER_REVOKE_AUDIT` is neither `0` nor `1`, or
    /// `TOWER_REVOKE_CLIENT_ASSERTION_STRICT` neither `true` nor `false`.
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Self {
        let issuer =
            var("TOWER_REVOKE_ISSUER").unwrap_or_else(|| format!("http://{}", common::addr()));
        let seed = var("TOWER_REVOKE_SEED").unwrap_or_else(|| SEED.to_owned());
        let seed = CheckedSeedFile::check(&seed)
            .unwrap_or_else(|e| common::exit_with(format!("seed (TOWER_REVOKE_SEED): {e}")));
        let grace = var(token::GRACE_VAR).unwrap_or_default();
        let refresh_grace = common::parse_duration(token::GRACE_VAR, &grace)
            .unwrap_or_else(|e| common::exit_with(e))
            .unwrap_or(Duration::ZERO);
        let lifetime = var(token::LIFETIME_VAR).unwrap_or_default();
        let access_token_lifetime = common::parse_duration(token::LIFETIME_VAR, &lifetime)
            .unwrap_or_else(|e| common::exit_with(e))
            .unwrap_or(token::ACCESS_TOKEN_LIFETIME);
        let ttl = var(mint::STATUS_LIST_TTL_VAR).unwrap_or_default();
        let status_list_ttl = common::parse_duration(mint::STATUS_LIST_TTL_VAR, &ttl)
            .unwrap_or_else(|e| common::exit_with(e))
            .unwrap_or(mint::STATUS_LIST_TTL)
            .max(Duration::from_secs(1));
        let audit = match var("TOWER_REVOKE_AUDIT").as_deref() {
            None | Some("0") => false,
            Some("1") => true,
            Some(other) => common::exit_with(format!(
                "TOWER_REVOKE_AUDIT={other:?}: expected 1 (print audit events) or 0"
            )),
        };
        let client_assertion_strict = match var(ASSERTION_STRICT_VAR).as_deref() {
            None | Some("false") => false,
            Some("true") => true,
            Some(other) => common::exit_with(format!(
                "{ASSERTION_STRICT_VAR}={other:?}: expected true (the rfc7523bis rules) or false"
            )),
        };
        Self {
            issuer,
            jwt_secret: var("TOWER_REVOKE_JWT_HS256_SECRET"),
            jwt_audience: var("TOWER_REVOKE_JWT_AUDIENCE"),
            cors: CorsPolicy::from_seed(seed.clients()),
            seed,
            audit,
            refresh_grace,
            access_token_lifetime,
            client_assertion_strict,
            status_list_ttl,
            draining: serve::Draining::default(),
        }
    }

    /// The URL of the demo's endpoint at `path`: the issuer and `path`
    /// (the `token_endpoint` of the metadata, and an audience
    /// `private_key_jwt` assertions may name).
    pub fn endpoint_url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer.trim_end_matches('/'))
    }

    /// The verifier of `private_key_jwt` assertions (RFC 7523) on
    /// `store`: the issuer is the demo's, the accepted endpoint URLs
    /// ([`endpoint_url`](Self::endpoint_url)) its token, revocation and
    /// introspection endpoints', the rules strict as
    /// [`client_assertion_strict`](Self::client_assertion_strict) says;
    /// every asymmetric algorithm, the default lifetime and leeway.
    pub fn client_assertions(
        &self,
        store: Arc<dyn DynClientAssertionStore>,
    ) -> ClientAssertionVerifier {
        ClientAssertionVerifier::new(&self.issuer, store)
            .token_endpoint(&self.endpoint_url(TOKEN_PATH))
            .revocation_endpoint(&self.endpoint_url(REVOKE_PATH))
            .introspection_endpoint(&self.endpoint_url(INTROSPECT_PATH))
            .strict(self.client_assertion_strict)
    }

    /// The JWT verifier, when JWT access tokens are on.
    ///
    /// # Panics
    /// When the secret is shorter than 32 bytes (RFC 7518 §3.2).
    pub fn verifier(&self) -> Option<JwtVerifier> {
        let secret = self.jwt_secret.as_ref()?;
        let key = JwtKey::hs256(secret.as_bytes())
            .unwrap_or_else(|e| panic!("TOWER_REVOKE_JWT_HS256_SECRET: {e}"));
        let verifier = JwtVerifier::new(&self.issuer, [key]);
        Some(match &self.jwt_audience {
            Some(audience) => verifier.audience(audience),
            None => verifier,
        })
    }

    /// A new JWT access token (RFC 9068 §2) of `client_id` for `sub`, valid
    /// for `lifetime` (whole seconds), as the entry the issuer records
    /// ([`IssuanceStore::record_token`], or a rotation's access token): an
    /// access token of `client_id` for `sub`, expiring at its `exp`: the
    /// [`claims`](Self::claims), [signed](Self::sign). The start-up JWT for
    /// alice and the token endpoint's are minted so, by a
    /// [`Minter`], which adds a `status` claim first.
    /// `None` when JWTs are off.
    ///
    /// # Panics
    /// When the secret is empty (which [`verifier`](Self::verifier), and so
    /// [`app_with`], refuses first).
    pub fn mint(
        &self,
        client_id: &ClientId,
        sub: &str,
        scope: Option<&str>,
        lifetime: Duration,
    ) -> Option<TokenEntry> {
        self.sign(&self.claims(client_id, sub, scope, lifetime)?, client_id)
    }

    /// The claims of a new JWT access token of `client_id` for `sub`,
    /// valid for `lifetime` (whole seconds): `iss` (the issuer), `sub`,
    /// `client_id`, `iat`, `exp`, a `jti` unique to this process and call,
    /// `aud` when [`jwt_audience`](Self::jwt_audience) is set, and `scope`
    /// when given (RFC 9068 §2.2). `None` when JWTs are off.
    pub fn claims(
        &self,
        client_id: &ClientId,
        sub: &str,
        scope: Option<&str>,
        lifetime: Duration,
    ) -> Option<serde_json::Value> {
        self.jwt_secret.as_ref()?;
        let iat = now();
        let exp = iat + lifetime.as_secs();
        let mut claims = serde_json::json!({
            "iss": self.issuer, "sub": sub, "client_id": client_id.as_str(),
            "iat": iat, "exp": exp, "jti": jti(iat),
        });
        if let Some(audience) = &self.jwt_audience {
            claims["aud"] = audience.as_str().into();
        }
        if let Some(scope) = scope {
            claims["scope"] = scope.into();
        }
        Some(claims)
    }

    /// `claims` signed as a JWT access token of `client_id`: header `alg`
    /// HS256 with `typ` `at+jwt` (RFC 9068 §2.1), as the entry the issuer
    /// records (its `sub` and `exp` from the claims). `None` when JWTs are
    /// off.
    ///
    /// # Panics
    /// When the secret is empty.
    pub fn sign(&self, claims: &serde_json::Value, client_id: &ClientId) -> Option<TokenEntry> {
        let secret = self.jwt_secret.as_ref()?;
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("at+jwt".into());
        let key = EncodingKey::from_secret(secret.as_bytes())
            .expect("TOWER_REVOKE_JWT_HS256_SECRET: an HS256 secret must not be empty");
        let jwt = encode(&header, claims, &key).expect("HS256 signs any JSON claims");
        let jwt = Token::new(jwt).expect("a JWT is never empty");
        let entry = TokenEntry::new(jwt, TokenKind::AccessToken, client_id.clone());
        let entry = match claims["sub"].as_str() {
            Some(sub) => entry.with_subject(sub),
            None => entry,
        };
        Some(match claims["exp"].as_u64() {
            Some(exp) => entry.with_expires_at(exp),
            None => entry,
        })
    }
}

/// Shows whether JWTs are on, never the secret.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("issuer", &self.issuer)
            .field("jwt", &self.jwt_secret.as_ref().map(|_| "HS256"))
            .field("jwt_audience", &self.jwt_audience)
            .field("cors", &self.cors)
            .field("seed", &self.seed.path())
            .field("audit", &self.audit)
            .field("client_assertion_strict", &self.client_assertion_strict)
            .field("status_list_ttl", &self.status_list_ttl)
            .field("draining", &self.draining.is_draining())
            .finish()
    }
}

/// An environment variable, `None` when unset or empty.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn now() -> u64 {
    let elapsed = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    elapsed.map_or(0, |elapsed| elapsed.as_secs())
}

/// A `jti` unique to this process and call: the time, and a random
/// per-process key hashed with a counter.
fn jti(now: u64) -> String {
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    static KEYS: std::sync::OnceLock<std::collections::hash_map::RandomState> =
        std::sync::OnceLock::new();
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let random = KEYS.get_or_init(Default::default).hash_one(n);
    format!("{now:x}-{random:016x}")
}

/// The demo's `main`: [`app_with`] on the store chosen by
/// `TOWER_REVOKE_STORE` (default in memory), seeded from
/// `TOWER_REVOKE_SEED` (default [`SEED`]), behind the guard cache when
/// `TOWER_REVOKE_GUARD_CACHE` is set, served at `TOWER_REVOKE_ADDR`
/// (default `127.0.0.1:3000`) within the default
/// [`Limits`](serve::Limits), with JWT access tokens when
/// `TOWER_REVOKE_JWT_HS256_SECRET` is set (see [`Config`]), and
/// `private_key_jwt` on every store ([`DemoStore`]). The address is bound
/// first, so that the default issuer is the one bound (a port of `0` made
/// real, [`Config::from_env_on`]). Prints the cache, the store (password
/// redacted), `listening on http://ADDR`, and the `curl` lines to try, with
/// a JWT for alice when JWTs are on: minted and recorded in the store as
/// the token endpoint would issue it.
pub async fn run() {
    common::init_tracing();
    let listener = common::bind(common::addr()).await;
    let config = Config::from_env_on(common::bound(&listener));
    let store = DemoStore::from(common::open_checked_store(&config.seed).await);
    let app = app_with(store.clone(), &config);
    let minter = Minter::new(&config, store.statuses.clone());
    let store = store.store;
    let mut try_it = vec![
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'".to_owned(),
        format!("curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{INTROSPECT_PATH}"),
        format!("curl -i -u app1:s3cr3t -d token=AT1 http://{{addr}}{REVOKE_PATH}"),
        "curl -i http://{addr}/me -H 'Authorization: Bearer AT1'   # now 401".to_owned(),
        "curl -i http://{addr}/.well-known/oauth-authorization-server".to_owned(),
        format!("curl -i -u app1:s3cr3t -d grant_type=client_credentials http://{{addr}}{TOKEN_PATH}"),
        format!(
            "curl -i -u app1:s3cr3t -d grant_type=refresh_token -d refresh_token=RT1 http://{{addr}}{TOKEN_PATH}"
        ),
    ];
    try_it.push(
        "# jwt-app authenticates with private_key_jwt, its key examples/keys/jwt-app.pem: \
         README.md, \"private_key_jwt with the demo\""
            .to_owned(),
    );
    if let Some(jwt) = alice_jwt(&store, &minter).await {
        try_it.extend([
            format!(
                "JWT={}   # alice's JWT access token, valid one hour",
                jwt.secret()
            ),
            "curl -i http://{addr}/me -H \"Authorization: Bearer $JWT\"".to_owned(),
            format!("curl -i -u app1:s3cr3t -d token=$JWT http://{{addr}}{REVOKE_PATH}"),
            "curl -i http://{addr}/me -H \"Authorization: Bearer $JWT\"   # now 401".to_owned(),
        ]);
        if minter.statuses().is_some() {
            try_it.push(format!(
                "curl -i http://{{addr}}{STATUS_LISTS_PATH}/1   # its status list (Token Status List), INVALID at its idx"
            ));
        }
    }
    common::announce(&listener, &try_it);
    common::serve_until_stopped(listener, app, &config.draining).await;
}

/// alice's JWT access token of app1 (scope `profile`, valid one hour),
/// with its status, recorded in `store`; `None` when JWTs are off, or
/// with a warning when the store does not record it (a seed without
/// app1) or fails.
async fn alice_jwt(store: &BoxStore, minter: &Minter) -> Option<Token> {
    let app1 = ClientId::new("app1").ok()?;
    let hour = Duration::from_secs(3600);
    let minted = match minter.mint(&app1, "alice", Some("profile"), hour).await {
        Ok(minted) => minted?,
        Err(error) => {
            tracing::warn!(%error, "alice's JWT has no status: none printed");
            return None;
        }
    };
    let recorded = match store.record_token(&minted.entry).await {
        Ok(Recording::Recorded) => minter.bind(&minted).await,
        Ok(other) => {
            tracing::warn!("alice's JWT was not recorded ({other:?}): none printed");
            return None;
        }
        Err(error) => Err(error),
    };
    match recorded {
        Ok(()) => Some(minted.entry.token),
        Err(error) => {
            tracing::warn!(%error, "alice's JWT was not recorded: none printed");
            None
        }
    }
}

/// The demo's service: its routes (a [`Router`]) wrapped whole by the
/// revocation and introspection endpoints (README, "Two ways to mount
/// it"). Serve it with [`serve::serve`], or with `axum::serve` through
/// `tower::make::Shared`. A request to another path costs what the
/// `Router` alone costs: `Router::layer` would box every route once more
/// per layer, a clone and an allocation per request.
pub type App = RevocationEndpoint<IntrospectionEndpoint<Router, BoxStore>, BoxStore>;

/// [`app_with`] on the configuration from the environment.
pub fn app(store: impl Into<DemoStore>) -> App {
    app_with(store, &Config::from_env())
}

/// `GET /` (200 text), `GET /me` (Bearer guard, 200 JSON `{"sub",
/// "client_id"}`), `POST /oauth/revoke` (CORS and audit events as
/// `config` says), `POST /oauth/introspect`, `POST /oauth/token` and
/// `GET /.well-known/oauth-authorization-server`, on `store`. When JWTs
/// are on, `store` also holds the JWT deny-list and the record of every
/// JWT the demo issues: the endpoints see it through a
/// [`JwtStore`] with [`recorded(true)`](JwtStore::recorded), so a JWT is
/// active only while its record is, and its grant's end ends it. With
/// [`DemoStore::statuses`] too, every JWT carries a `status` claim, and
/// `GET /statuslists/{n}` and `GET /statuslists` publish the Status List
/// Tokens and their aggregation (named in the metadata as
/// `status_list_aggregation_endpoint`), see [`mint`].
///
/// With [`DemoStore::assertions`], the three endpoints also accept
/// `private_key_jwt` ([`Config::client_assertions`]), and the metadata
/// lists it with the signing algorithms for each.
///
/// # Panics
/// When the JWT secret is shorter than 32 bytes (see [`Config::verifier`]).
pub fn app_with(store: impl Into<DemoStore>, config: &Config) -> App {
    let DemoStore {
        store,
        assertions,
        statuses,
    } = store.into();
    let minter = Minter::new(config, statuses);
    let store = match config.verifier() {
        Some(verifier) => BoxStore::new(JwtStore::new(store, verifier).recorded(true)),
        None => store,
    };
    let reader = match assertions {
        Some(assertions) => {
            RequestReader::default().client_assertions(config.client_assertions(assertions))
        }
        None => RequestReader::default(),
    };
    let mut revocation = RevocationEndpointLayer::new(store.clone())
        .path(REVOKE_PATH)
        .reader(reader.clone())
        .cors(config.cors.clone());
    if config.audit {
        revocation = revocation.events(|event: &RevocationEvent| println!("{}", event.to_json()));
    }
    let introspection = IntrospectionEndpointLayer::new(store.clone())
        .path(INTROSPECT_PATH)
        .reader(reader.clone());
    let metadata = AuthorizationServerMetadata::new(config.issuer.as_str())
        .revocation_endpoint(&revocation)
        .introspection_endpoint(&introspection)
        .member("token_endpoint", config.endpoint_url(TOKEN_PATH))
        .member(
            "token_endpoint_auth_methods_supported",
            reader.client_auth_methods_supported(),
        )
        .member(
            "grant_types_supported",
            serde_json::json!(token::GRANT_TYPES),
        )
        // RFC 8414 §2 requires it: the demo has no authorization endpoint.
        .member("response_types_supported", serde_json::json!([]));
    let metadata = match minter.statuses() {
        Some(_) => {
            metadata.status_list_aggregation_endpoint(&config.endpoint_url(STATUS_LISTS_PATH))
        }
        None => metadata,
    };
    let metadata = match reader.client_auth_signing_algs_supported() {
        Some(algorithms) => metadata.member(
            "token_endpoint_auth_signing_alg_values_supported",
            algorithms,
        ),
        None => metadata,
    };
    let status_lists = minter.statuses().map(|statuses| {
        Router::new()
            .route_service(
                &format!("{STATUS_LISTS_PATH}/{{list}}"),
                statuses.list_service(),
            )
            .route_service(STATUS_LISTS_PATH, statuses.aggregation_service())
    });
    let token_endpoint = TokenEndpoint::new(store.clone(), minter, reader);
    let routes = Router::new()
        .merge(status_lists.unwrap_or_default())
        .route(
            "/",
            get(|| async { "tower-revoke demo: POST /oauth/revoke, GET /me\n" }),
        )
        .route("/health", get(|| async { "ok\n" }))
        .route(
            READY_PATH,
            get(ready).with_state((store.clone(), config.draining.clone())),
        )
        .route("/me", get(common::me).layer(BearerAuthLayer::new(store)))
        .route(
            TOKEN_PATH,
            post(move |request: Request| async move { token_endpoint.answer(request).await }),
        )
        .route_service(&metadata.well_known_path(), metadata.service());
    revocation.layer(introspection.layer(routes))
}

/// `GET /ready`: whether a load balancer should send requests here. 503
/// with `Retry-After: 1` once the demo is draining, or while the store does
/// not answer (an introspection of a token nobody holds, one round trip to
/// a durable store); else 200. `GET /health` is the liveness check: 200
/// while the process serves, never touching the store.
async fn ready(State((store, draining)): State<(BoxStore, serve::Draining)>) -> Response {
    let unready = |why: &'static str| {
        let headers = [(http::header::RETRY_AFTER, "1")];
        (StatusCode::SERVICE_UNAVAILABLE, headers, format!("{why}\n")).into_response()
    };
    if draining.is_draining() {
        return unready("draining");
    }
    match store.introspect(&Token::generate()).await {
        Ok(_) => "ready\n".into_response(),
        Err(error) => {
            tracing::warn!(%error, "not ready: the store does not answer");
            unready("the store does not answer")
        }
    }
}
