//! [`JwksFetcher`]: the keys of a client's `jwks_uri` (RFC 7591 §2), a
//! JWK Set document (RFC 7517 §5) fetched over https, bounded, cached and
//! single-flight (feature `jwks-uri`). The design, limits and choice of
//! HTTP client are told on the type, where the public docs show them.

use super::key::JwtKey;
use crate::store::ClientKeys;
use bytes::Bytes;
use http::header::{ACCEPT, CACHE_CONTROL, USER_AGENT};
use http::{HeaderMap, HeaderValue, Request, StatusCode, Uri};
use http_body::Body as _;
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use std::fmt;
use std::net::IpAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Fetches and caches the JWK Sets (RFC 7517 §5) of clients' `jwks_uri`s
/// (RFC 7591 §2), for `private_key_jwt` (feature `jwks-uri`).
///
/// RFC 7591 §2 lets a client register its public keys by reference: its
/// `jwks_uri` "MUST point to a valid JWK Set document", and is preferred
/// over `jwks` by value "as it allows for easier key rotation". A
/// [`ClientAssertionVerifier`](super::ClientAssertionVerifier) given a
/// fetcher ([`jwks_fetcher`](super::ClientAssertionVerifier::jwks_fetcher))
/// verifies the `private_key_jwt` assertions of such clients with the keys
/// found there.
///
/// # What it does
/// - **https only.** An `http` URI is refused unless
///   [`allow_loopback_http`](JwksFetcher::allow_loopback_http) is on *and*
///   its host is a loopback address (`127.0.0.0/8`, `[::1]`, `localhost`):
///   a switch for tests and local development. Other schemes, and URIs
///   with user information (`https://user:pass@host/`), are refused always.
///   No request is made for a refused URI.
/// - **Bounded.** One GET, with a [total timeout](JwksFetcher::timeout)
///   (connection, TLS, headers and body; default 5 s), a
///   [size cap](JwksFetcher::max_bytes) on the body (default 64 KiB: a
///   larger `Content-Length` is refused before the body is read, and a
///   body without one is read frame by frame and refused as soon as it
///   passes the cap), no redirect followed (a 3xx is a failure, like any
///   status but 200), no cookies, no proxy, no connection kept idle.
/// - **Cached.** At most [`capacity`](JwksFetcher::capacity) URIs (default
///   1024; past it, `quick_cache`'s S3-FIFO policy evicts the least used,
///   scan-resistant so that a flood of new URIs does not push out the
///   frequent ones). A key set is kept for the
///   [`ttl`](JwksFetcher::ttl) (default 5 min), or the response's shorter
///   `Cache-Control: max-age` (`no-cache` and `no-store` count as 0), but
///   never less than the [refetch interval](JwksFetcher::refetch_interval).
///   A failure is kept too, for the [failure TTL](JwksFetcher::failure_ttl)
///   (default 30 s), so that a client naming a dead or slow `jwks_uri`
///   cannot make the server fetch it on every request.
/// - **Key rotation.** An assertion whose `kid` no cached key has (nor a
///   key without a `kid`) makes the set be fetched again, as OpenID Connect
///   Core §10.1.1 advises, at most once per
///   [refetch interval](JwksFetcher::refetch_interval) (default 30 s) for
///   each URI.
/// - **Single-flight.** Concurrent requests for one URI share one fetch:
///   the first starts it, the others wait for its answer (through
///   `quick_cache`'s placeholder guards, `Cache::entry_async`). Should the
///   first request be dropped mid-fetch, one of the waiting ones fetches.
/// - **Held to the registration rules.** The document must be a JWK Set
///   of public `RSA`, `EC` or `OKP` keys without private members, as a
///   `jwks` registered by value ([`ClientKeys::jwks`]); anything else is a
///   failure.
///
/// Every failure makes the client's authentication fail (401
/// `invalid_client`), never a 503: a client's `jwks_uri` is the client's
/// to keep up. It is logged at DEBUG (target `tower_revoke::jwt::fetch`)
/// with the URI's scheme, host, port and path, never its query.
///
/// # The HTTP client
/// hyper-util's client (`hyper_util::client::legacy::Client`), HTTP/1.1
/// only, over hyper-rustls: rustls with the `ring` crypto provider (named
/// explicitly, so it neither needs nor disturbs a process-wide default)
/// and Mozilla's root certificates built in (`webpki-roots`, so that it
/// works the same in a minimal container without a system store).
///
/// This is the stack `reqwest` is itself built on, without reqwest's
/// layer: hyper, hyper-util and tokio are already in this workspace's
/// dependency graph, and the fetcher needs none of reqwest's extras
/// (redirects, cookies, proxies, decompression), most of which it would
/// have to turn off, while reqwest 0.13's rustls feature brings the
/// `aws-lc-rs` provider (a large C build) and the platform verifier. The
/// one GET, the timeout and the incremental size cap are a few lines over
/// hyper-util; the feature adds rustls, ring, tokio-rustls, hyper-rustls
/// and webpki-roots to the build.
///
/// rustls 0.23.48 deprecates its `ring` provider for want of a
/// post-quantum key exchange. That guards the confidentiality of what is
/// sent against decryption years later, and a JWK Set is public: its
/// authenticity rests on the server's certificate, verified alike with
/// either provider.
///
/// # Example
/// ```
/// use std::time::Duration;
/// use tower_revoke::jwt::{ClientAssertionVerifier, JwksFetchError, JwksFetcher};
/// use tower_revoke::request::RequestReader;
/// use tower_revoke::MemoryStore;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let store = MemoryStore::from_seed_json(
///     r#"{"clients": [{"client_id": "app1", "jwks_uri": "https://app1.example/jwks.json"}]}"#,
/// )?;
/// let fetcher = JwksFetcher::new().ttl(Duration::from_secs(600));
/// let verifier = ClientAssertionVerifier::new("https://as.example", store)
///     .jwks_fetcher(fetcher.clone());
/// let reader = RequestReader::default().client_assertions(verifier);
/// # let _ = reader;
///
/// // http is refused (without a request) unless switched on for loopback.
/// let refused = fetcher.keys("http://app1.example/jwks.json", None).await;
/// assert_eq!(refused.unwrap_err(), JwksFetchError::InsecureUri);
/// # Ok(())
/// # }
/// ```
///
/// # Security
/// The fetcher makes the authorization server send a GET to a URL that a
/// client registered. It refuses plain `http` (but to loopback, when
/// switched on), yet an `https` URI may still name a host of your own
/// network: register
/// `jwks_uri`s only for clients you trust with that, or let the server
/// reach the outside only through an egress proxy or firewall that keeps
/// it out of internal addresses.
///
/// # Sharing
/// Cheap to clone: clones share one cache and one HTTP client. The builder
/// methods take effect on a fresh cache, so configure it before cloning.
/// It must be used inside a Tokio runtime (it spawns the connection tasks
/// and sets timers there).
#[derive(Clone)]
pub struct JwksFetcher {
    settings: Settings,
    /// The cache and the client, made on first use.
    shared: Arc<OnceLock<Shared>>,
}

/// What the builder sets.
#[derive(Debug, Clone, Copy)]
struct Settings {
    timeout: Duration,
    max_bytes: usize,
    capacity: usize,
    ttl: Duration,
    failure_ttl: Duration,
    refetch_interval: Duration,
    allow_loopback_http: bool,
}

type HttpsClient = Client<HttpsConnector<HttpConnector>, Empty<Bytes>>;

/// What the clones of a fetcher share.
struct Shared {
    client: HttpsClient,
    /// Keyed by the `jwks_uri` as registered.
    cache: Cache<String, Entry>,
}

/// One URI's last fetch: its keys or why there are none, and when.
#[derive(Clone)]
struct Entry {
    keys: Result<Arc<[JwtKey]>, JwksFetchError>,
    fetched: Instant,
    expires: Instant,
}

/// Why a `jwks_uri` gave no keys. `Display` describes it without the URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum JwksFetchError {
    /// Not an absolute `https` (or `http`) URI with a host and without user
    /// information.
    InvalidUri,
    /// An `http` URI, refused: only `https` is fetched, and `http` only to
    /// a loopback host with [`JwksFetcher::allow_loopback_http`] on.
    InsecureUri,
    /// No whole answer within [`JwksFetcher::timeout`].
    Timeout,
    /// The connection, TLS (an untrusted certificate, say) or HTTP failed.
    Transport,
    /// The answer's status was not 200 (redirects are not followed).
    Status(u16),
    /// The body was larger than [`JwksFetcher::max_bytes`].
    TooLarge,
    /// The body is no JWK Set of public `RSA`, `EC` or `OKP` keys with at
    /// least one usable signing key.
    NotJwks,
}

impl fmt::Display for JwksFetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUri => f.write_str("the jwks_uri is not an https URI with a host"),
            Self::InsecureUri => f.write_str(
                "the jwks_uri is http, allowed only to a loopback host when switched on",
            ),
            Self::Timeout => f.write_str("the jwks_uri did not answer in time"),
            Self::Transport => f.write_str("the jwks_uri could not be reached"),
            Self::Status(status) => write!(f, "the jwks_uri answered status {status}"),
            Self::TooLarge => f.write_str("the jwks_uri answered more than the size cap"),
            Self::NotJwks => f.write_str("the jwks_uri answered no JWK Set of public keys"),
        }
    }
}

impl std::error::Error for JwksFetchError {}

impl Default for JwksFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl JwksFetcher {
    /// The default total timeout of a fetch: 5 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default size cap of a JWK Set document: 64 KiB, dozens of
    /// RSA-4096 keys.
    pub const DEFAULT_MAX_BYTES: usize = 64 * 1024;
    /// The default number of URIs cached: 1024.
    pub const DEFAULT_CAPACITY: usize = 1024;
    /// How long a fetched key set is kept by default: 5 minutes.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
    /// How long a failure is kept by default: 30 seconds.
    pub const DEFAULT_FAILURE_TTL: Duration = Duration::from_secs(30);
    /// How often, at most, an unknown `kid` makes a URI be fetched again
    /// by default: once per 30 seconds.
    pub const DEFAULT_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

    /// A fetcher with the defaults: https only, 5 s, 64 KiB, 1024 URIs
    /// kept 5 minutes, failures 30 s, a refetch for an unknown `kid` at
    /// most every 30 s.
    pub fn new() -> Self {
        Self {
            settings: Settings {
                timeout: Self::DEFAULT_TIMEOUT,
                max_bytes: Self::DEFAULT_MAX_BYTES,
                capacity: Self::DEFAULT_CAPACITY,
                ttl: Self::DEFAULT_TTL,
                failure_ttl: Self::DEFAULT_FAILURE_TTL,
                refetch_interval: Self::DEFAULT_REFETCH_INTERVAL,
                allow_loopback_http: false,
            },
            shared: Arc::default(),
        }
    }

    /// The longest a fetch may take, all told: resolving the host,
    /// connecting, TLS, the headers and the whole body. Default
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT); past it the fetch fails
    /// with [`JwksFetchError::Timeout`].
    #[must_use]
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|settings| settings.timeout = timeout)
    }

    /// The largest JWK Set document read, in bytes. Default
    /// [`DEFAULT_MAX_BYTES`](Self::DEFAULT_MAX_BYTES); a larger one fails
    /// with [`JwksFetchError::TooLarge`], read no further than the cap.
    #[must_use]
    pub fn max_bytes(self, max_bytes: usize) -> Self {
        self.with(|settings| settings.max_bytes = max_bytes)
    }

    /// How many URIs' answers (key sets and failures) are kept at most.
    /// Default [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY).
    ///
    /// # Panics
    /// When 0.
    #[must_use]
    pub fn capacity(self, capacity: usize) -> Self {
        assert!(capacity > 0, "JwksFetcher::capacity: at least 1");
        self.with(|settings| settings.capacity = capacity)
    }

    /// How long a fetched key set is kept. Default
    /// [`DEFAULT_TTL`](Self::DEFAULT_TTL). A response's shorter
    /// `Cache-Control: max-age` shortens it, down to the
    /// [refetch interval](Self::refetch_interval) at most.
    #[must_use]
    pub fn ttl(self, ttl: Duration) -> Self {
        self.with(|settings| settings.ttl = ttl)
    }

    /// How long a failure (a refused answer, a timeout, no connection) is
    /// kept: no request is made to that URI meanwhile. Default
    /// [`DEFAULT_FAILURE_TTL`](Self::DEFAULT_FAILURE_TTL).
    #[must_use]
    pub fn failure_ttl(self, ttl: Duration) -> Self {
        self.with(|settings| settings.failure_ttl = ttl)
    }

    /// The shortest time between two fetches of one URI caused by an
    /// unknown `kid` (and the shortest TTL a `Cache-Control: max-age`
    /// gives). Default
    /// [`DEFAULT_REFETCH_INTERVAL`](Self::DEFAULT_REFETCH_INTERVAL).
    #[must_use]
    pub fn refetch_interval(self, interval: Duration) -> Self {
        self.with(|settings| settings.refetch_interval = interval)
    }

    /// Fetches `http` URIs whose host is a loopback address (`127.0.0.0/8`,
    /// `[::1]`, `localhost`), for tests and local development. Default off:
    /// every `http` URI is refused with [`JwksFetchError::InsecureUri`].
    /// An `http` URI to any other host is refused even when on.
    #[must_use]
    pub fn allow_loopback_http(self, allow: bool) -> Self {
        self.with(|settings| settings.allow_loopback_http = allow)
    }

    /// The signing keys of the JWK Set at `jwks_uri` ([`JwtKey::jwks`]),
    /// from the cache or fetched (sharing a fetch already under way for
    /// it). `kid` is the key id the caller looks for, if any: when no
    /// cached key has it, the set is fetched again, at most once per
    /// [refetch interval](Self::refetch_interval).
    ///
    /// # Errors
    /// [`JwksFetchError`]: a refused URI (never fetched), or the failure of
    /// the last fetch, kept for the [failure TTL](Self::failure_ttl).
    pub async fn keys(
        &self,
        jwks_uri: &str,
        kid: Option<&str>,
    ) -> Result<Arc<[JwtKey]>, JwksFetchError> {
        let uri = match self.target(jwks_uri) {
            Ok(uri) => uri,
            Err(error) => {
                tracing::debug!(%error, "jwks_uri refused");
                return Err(error);
            }
        };
        let shared = self.shared();
        let now = Instant::now();
        let refetch_interval = self.settings.refetch_interval;
        let found = shared
            .cache
            .entry_async(jwks_uri, |_, entry| {
                if entry.fresh(now, kid, refetch_interval) {
                    EntryAction::Retain(entry.keys.clone())
                } else {
                    EntryAction::ReplaceWithGuard
                }
            })
            .await;
        let guard = match found {
            EntryResult::Retained(keys) => return keys,
            EntryResult::Vacant(guard) | EntryResult::Replaced(guard, _) => Some(guard),
            // Neither is asked for (no `Remove`, no timeout): fetch uncached.
            EntryResult::Removed(..) | EntryResult::Timeout => None,
        };
        let entry = self.fetch(&shared.client, &uri).await;
        let keys = entry.keys.clone();
        if let Some(guard) = guard {
            let _ = guard.insert(entry);
        }
        keys
    }

    /// `jwks_uri` parsed, when it may be fetched.
    fn target(&self, jwks_uri: &str) -> Result<Uri, JwksFetchError> {
        let uri: Uri = jwks_uri.parse().map_err(|_| JwksFetchError::InvalidUri)?;
        let authority = uri.authority().ok_or(JwksFetchError::InvalidUri)?;
        if authority.as_str().contains('@') || authority.host().is_empty() {
            return Err(JwksFetchError::InvalidUri);
        }
        match uri.scheme_str() {
            Some("https") => Ok(uri),
            Some("http") if self.settings.allow_loopback_http && is_loopback(authority.host()) => {
                Ok(uri)
            }
            Some("http") => Err(JwksFetchError::InsecureUri),
            _ => Err(JwksFetchError::InvalidUri),
        }
    }

    /// One GET of `uri`, its answer as a cache entry (failures logged).
    async fn fetch(&self, client: &HttpsClient, uri: &Uri) -> Entry {
        let settings = &self.settings;
        let fetched = Instant::now();
        let answer = tokio::time::timeout(settings.timeout, get(client, uri, settings.max_bytes))
            .await
            .unwrap_or(Err(JwksFetchError::Timeout));
        let keys = answer.and_then(|(body, max_age)| Ok((parse(&body)?, max_age)));
        let (keys, ttl) = match keys {
            Ok((keys, max_age)) => {
                let ttl = match max_age {
                    Some(max_age) => settings.ttl.min(max_age.max(settings.refetch_interval)),
                    None => settings.ttl,
                };
                (Ok(keys), ttl)
            }
            Err(error) => {
                tracing::debug!(
                    jwks_uri = %Redacted(uri),
                    %error,
                    elapsed_ms = fetched.elapsed().as_millis() as u64,
                    "jwks_uri fetch failed"
                );
                (Err(error), settings.failure_ttl)
            }
        };
        Entry {
            keys,
            fetched,
            expires: fetched + ttl,
        }
    }

    fn with(mut self, set: impl FnOnce(&mut Settings)) -> Self {
        set(&mut self.settings);
        self.shared = Arc::default();
        self
    }

    fn shared(&self) -> &Shared {
        self.shared.get_or_init(|| Shared::new(&self.settings))
    }
}

impl Shared {
    fn new(settings: &Settings) -> Self {
        let mut http = HttpConnector::new();
        // The HTTPS connector checks the scheme; this one only connects.
        http.enforce_http(false);
        http.set_nodelay(true);
        http.set_connect_timeout(Some(settings.timeout));
        let schemes = HttpsConnectorBuilder::new().with_tls_config(tls_config());
        let schemes = if settings.allow_loopback_http {
            schemes.https_or_http()
        } else {
            schemes.https_only()
        };
        let connector = schemes.enable_http1().wrap_connector(http);
        let client = Client::builder(TokioExecutor::new())
            // Fetches are minutes apart: no connection is kept idle.
            .pool_max_idle_per_host(0)
            .build(connector);
        Self {
            client,
            cache: Cache::new(settings.capacity),
        }
    }
}

/// rustls with the `ring` provider and Mozilla's roots.
fn tls_config() -> rustls::ClientConfig {
    // rustls 0.23.48 deprecates ring's provider for its lack of a
    // post-quantum key exchange, which protects what is sent from being
    // decrypted years later. A JWK Set is public: what matters is that it
    // comes from the host named, which rests on the certificate's
    // signature, classical with either provider. See the module docs.
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports TLS 1.2 and 1.3")
        .with_root_certificates(roots)
        .with_no_client_auth()
}

impl Entry {
    /// Whether the entry may answer now for `kid`: not expired, and not a
    /// key set without `kid` that was fetched a refetch interval ago.
    fn fresh(&self, now: Instant, kid: Option<&str>, refetch_interval: Duration) -> bool {
        if now >= self.expires {
            return false;
        }
        let unknown_kid = match (&self.keys, kid) {
            (Ok(keys), Some(kid)) => !keys
                .iter()
                .any(|key| key.kid.as_deref().is_none_or(|known| known == kid)),
            _ => false,
        };
        !unknown_kid || now < self.fetched + refetch_interval
    }
}

/// The body of a 200 answer to a GET of `uri`, at most `max_bytes`, and
/// its `Cache-Control: max-age`.
async fn get(
    client: &HttpsClient,
    uri: &Uri,
    max_bytes: usize,
) -> Result<(Bytes, Option<Duration>), JwksFetchError> {
    let request = Request::get(uri.clone())
        .header(ACCEPT, "application/jwk-set+json, application/json")
        .header(
            USER_AGENT,
            concat!("tower-revoke/", env!("CARGO_PKG_VERSION")),
        )
        .body(Empty::new())
        .map_err(|_| JwksFetchError::InvalidUri)?;
    let response = client.request(request).await.map_err(|error| {
        tracing::trace!(error = %ErrorChain(&error), "jwks_uri request failed");
        JwksFetchError::Transport
    })?;
    let status = response.status();
    if status != StatusCode::OK {
        return Err(JwksFetchError::Status(status.as_u16()));
    }
    let max_age = max_age(response.headers());
    let body = response.into_body();
    if body.size_hint().lower() > max_bytes as u64 {
        return Err(JwksFetchError::TooLarge);
    }
    match Limited::new(body, max_bytes).collect().await {
        Ok(body) => Ok((body.to_bytes(), max_age)),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => {
            Err(JwksFetchError::TooLarge)
        }
        Err(_) => Err(JwksFetchError::Transport),
    }
}

/// The signing keys of a JWK Set document held to the rules of a `jwks`
/// registered by value.
fn parse(body: &[u8]) -> Result<Arc<[JwtKey]>, JwksFetchError> {
    let text = std::str::from_utf8(body).map_err(|_| JwksFetchError::NotJwks)?;
    ClientKeys::jwks(text).map_err(|_| JwksFetchError::NotJwks)?;
    let keys = JwtKey::jwks(text).map_err(|_| JwksFetchError::NotJwks)?;
    Ok(keys.into())
}

/// `max-age` of `Cache-Control` (RFC 9111 §5.2.2.1), 0 for `no-cache` and
/// `no-store`; `None` without either.
fn max_age(headers: &HeaderMap) -> Option<Duration> {
    let directives = headers
        .get_all(CACHE_CONTROL)
        .iter()
        .filter_map(|value: &HeaderValue| value.to_str().ok())
        .flat_map(|value| value.split(','));
    let mut max_age = None;
    for directive in directives {
        let directive = directive.trim().to_ascii_lowercase();
        if directive == "no-cache" || directive == "no-store" {
            return Some(Duration::ZERO);
        }
        if let Some(seconds) = directive.strip_prefix("max-age=") {
            let seconds = seconds.trim_matches('"').parse().ok()?;
            max_age = Some(Duration::from_secs(seconds));
        }
    }
    max_age
}

/// Whether `host` (as a URI has it, an IPv6 address in brackets) is
/// `localhost` or a loopback address.
fn is_loopback(host: &str) -> bool {
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    let address = host
        .strip_prefix('[')
        .and_then(|host| host.strip_suffix(']'))
        .unwrap_or(host);
    address
        .parse::<IpAddr>()
        .is_ok_and(|address| address.is_loopback())
}

/// A URI shown without its query: scheme, host, port and path.
struct Redacted<'a>(&'a Uri);

impl fmt::Display for Redacted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.0;
        let scheme = uri.scheme_str().unwrap_or_default();
        let authority = uri.authority().map_or("", |authority| authority.as_str());
        write!(f, "{scheme}://{authority}{}", uri.path())
    }
}

/// An error and its sources, `: `-separated.
struct ErrorChain<'a>(&'a (dyn std::error::Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(error) = source {
            write!(f, ": {error}")?;
            source = error.source();
        }
        Ok(())
    }
}

/// Shows the settings, not the cache.
impl fmt::Debug for JwksFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksFetcher")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(uri: &str, allow_loopback_http: bool) -> Result<Uri, JwksFetchError> {
        JwksFetcher::new()
            .allow_loopback_http(allow_loopback_http)
            .target(uri)
    }

    #[test]
    fn https_is_fetched_and_http_only_to_loopback_when_switched_on() {
        for uri in ["https://client.example/jwks", "https://10.1.2.3:8443/k?x=1"] {
            assert!(target(uri, false).is_ok(), "{uri}");
        }
        for uri in [
            "http://127.0.0.1:8080/jwks",
            "http://127.8.9.10/jwks",
            "http://[::1]:80/jwks",
            "http://LOCALHOST/jwks",
        ] {
            assert_eq!(
                target(uri, false),
                Err(JwksFetchError::InsecureUri),
                "{uri}"
            );
            assert!(target(uri, true).is_ok(), "{uri}");
        }
        for uri in [
            "http://10.1.2.3/jwks",
            "http://192.0.2.1/jwks",
            "http://localhost.example/jwks",
            "http://127.0.0.1.example/jwks",
            "http://[::ffff:127.0.0.1]/jwks",
            "http://127.1/jwks",
        ] {
            assert_eq!(target(uri, true), Err(JwksFetchError::InsecureUri), "{uri}");
        }
        for uri in [
            "ftp://client.example/jwks",
            "file:///etc/passwd",
            "/jwks",
            "https://",
            "https://user:pass@client.example/jwks",
            "https://@client.example/jwks",
            "not a uri",
        ] {
            assert_eq!(target(uri, true), Err(JwksFetchError::InvalidUri), "{uri}");
        }
    }

    #[test]
    fn logged_uris_have_no_query() {
        let uri: Uri = "https://client.example:8443/a/jwks?token=s3cr3t"
            .parse()
            .unwrap();
        assert_eq!(
            Redacted(&uri).to_string(),
            "https://client.example:8443/a/jwks"
        );
    }

    #[test]
    fn max_age_is_read_from_cache_control() {
        let headers = |values: &[&'static str]| {
            let mut headers = HeaderMap::new();
            for value in values {
                headers.append(CACHE_CONTROL, HeaderValue::from_static(value));
            }
            headers
        };
        assert_eq!(max_age(&headers(&[])), None);
        assert_eq!(
            max_age(&headers(&["public, Max-Age=60"])),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            max_age(&headers(&["public", "max-age=\"7\""])),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            max_age(&headers(&["max-age=600, no-store"])),
            Some(Duration::ZERO)
        );
        assert_eq!(max_age(&headers(&["max-age=soon"])), None);
    }

    #[test]
    fn an_unknown_kid_refetches_only_after_the_interval() {
        let jwks = r#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
        let fetched = Instant::now();
        let entry = Entry {
            keys: parse(jwks.as_bytes()),
            fetched,
            expires: fetched + Duration::from_secs(300),
        };
        let interval = Duration::from_secs(30);
        let soon = fetched + Duration::from_secs(1);
        let later = fetched + Duration::from_secs(31);
        assert!(entry.fresh(soon, Some("ed"), interval));
        assert!(entry.fresh(soon, None, interval));
        assert!(entry.fresh(soon, Some("new"), interval));
        assert!(!entry.fresh(later, Some("new"), interval));
        assert!(entry.fresh(later, Some("ed"), interval));
        assert!(!entry.fresh(fetched + Duration::from_secs(300), Some("ed"), interval));
    }

    #[test]
    fn only_a_jwk_set_of_public_keys_is_taken() {
        assert!(parse(b"not json").is_err());
        assert!(parse(b"{\"keys\": []}").is_err());
        assert!(parse(br#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#).is_err());
        assert!(parse(b"\xff\xfe").is_err());
    }
}
