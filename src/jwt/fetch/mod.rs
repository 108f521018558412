//! [`JwksFetcher`]: the keys of a client's `jwks_uri` (RFC 7591 §2), a
//! JWK Set document (RFC 7517 §5) fetched over https, bounded, cached and
//! single-flight (feature `jwks-uri`). The design, limits and choice of
//! HTTP client are told on the type, where the public docs show them.
//!
//! This module holds the fetcher itself (its builder, the cache and the
//! single-flight of [`JwksFetcher::keys`]) and [`JwksFetchError`]; `uri`
//! holds which URIs may be fetched and how they are logged, `exchange`
//! the HTTP client and the one GET that fetches and parses a JWK Set.

pub(crate) mod exchange;
pub(crate) mod uri;

use super::key::JwtKey;
use exchange::HttpsClient;
use http::Uri;
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use uri::Redacted;

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
///   `jwks` registered by value
///   ([`ClientKeys::jwks`](crate::store::ClientKeys::jwks)); anything else
///   is a failure.
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
        self.describe("the jwks_uri", f)
    }
}

impl JwksFetchError {
    /// Says what went wrong of `subject`, the URI's name ("the jwks_uri";
    /// the status list fetcher, which shares the exchange, names its own).
    pub(crate) fn describe(&self, subject: &str, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidUri => write!(f, "{subject} is not an https URI with a host"),
            Self::InsecureUri => write!(
                f,
                "{subject} is http, allowed only to a loopback host when switched on"
            ),
            Self::Timeout => write!(f, "{subject} did not answer in time"),
            Self::Transport => write!(f, "{subject} could not be reached"),
            Self::Status(status) => write!(f, "{subject} answered status {status}"),
            Self::TooLarge => write!(f, "{subject} answered more than the size cap"),
            Self::NotJwks => write!(f, "{subject} answered no JWK Set of public keys"),
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
        let uri = match uri::target(jwks_uri, self.settings.allow_loopback_http) {
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

    /// One GET of `uri`, its answer as a cache entry (failures logged).
    async fn fetch(&self, client: &HttpsClient, uri: &Uri) -> Entry {
        let settings = &self.settings;
        let fetched = Instant::now();
        let keys = exchange::fetch(client, uri, settings.timeout, settings.max_bytes).await;
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

    /// The fetcher with `set` applied to its settings, on a fresh cache and
    /// client.
    fn with(mut self, set: impl FnOnce(&mut Settings)) -> Self {
        set(&mut self.settings);
        self.shared = Arc::default();
        self
    }

    /// The cache and the client, made on first use.
    fn shared(&self) -> &Shared {
        self.shared.get_or_init(|| Shared::new(&self.settings))
    }
}

impl Shared {
    /// An empty cache and a client, as `settings` ask.
    fn new(settings: &Settings) -> Self {
        Self {
            client: exchange::client(settings.timeout, settings.allow_loopback_http),
            cache: Cache::new(settings.capacity),
        }
    }
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

    #[test]
    fn errors_read_as_before() {
        let texts = [
            (
                JwksFetchError::InvalidUri,
                "the jwks_uri is not an https URI with a host",
            ),
            (
                JwksFetchError::InsecureUri,
                "the jwks_uri is http, allowed only to a loopback host when switched on",
            ),
            (
                JwksFetchError::Timeout,
                "the jwks_uri did not answer in time",
            ),
            (
                JwksFetchError::Transport,
                "the jwks_uri could not be reached",
            ),
            (
                JwksFetchError::Status(302),
                "the jwks_uri answered status 302",
            ),
            (
                JwksFetchError::TooLarge,
                "the jwks_uri answered more than the size cap",
            ),
            (
                JwksFetchError::NotJwks,
                "the jwks_uri answered no JWK Set of public keys",
            ),
        ];
        for (error, text) in texts {
            assert_eq!(error.to_string(), text);
        }
    }

    #[test]
    fn an_unknown_kid_refetches_only_after_the_interval() {
        let jwks = r#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "kid": "ed",
            "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
        let fetched = Instant::now();
        let entry = Entry {
            keys: Ok(JwtKey::jwks(jwks).unwrap().into()),
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
}
