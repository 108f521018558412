//! Where Status List Tokens come from: the [`StatusListSource`] trait, and
//! [`StatusListFetcher`], its https implementation (§8.1), built on the
//! HTTP exchange of [`JwksFetcher`](crate::jwt::JwksFetcher).

use super::MEDIA_TYPE;
use crate::jwt::fetch::exchange::{self, HttpsClient};
use crate::jwt::fetch::uri;
use crate::jwt::JwksFetchError;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// A boxed future that is `Send`, as [`StatusListSource`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where [`StatusLists`](super::StatusLists) gets a Status List Token:
/// the token (its JWS Compact Serialization, §5.1) published at a `uri`.
///
/// [`StatusListFetcher`] is the shipped implementation: an https GET of
/// the `uri` (§8.1). Implement it to get the tokens another way (a shared
/// cache, a message bus, a file, a test double), as §8.1 allows ("unless
/// the Relying Party and the Status Provider have alternative methods of
/// distribution").
///
/// The source only fetches: which URIs may be asked for (the configured
/// issuers'), the verification, the caching and the single-flight are the
/// work of [`StatusLists`](super::StatusLists), above it. The source
/// should bound its own time: a call that never ends holds every request
/// for that list.
///
/// # Example
/// ```
/// use tower_revoke::status_list::{BoxFuture, StatusListSource};
///
/// /// Tokens kept in memory, by URI.
/// struct Fixed(std::collections::HashMap<String, String>);
///
/// impl StatusListSource for Fixed {
///     type Error = std::io::Error;
///
///     fn status_list_token<'a>(&'a self, uri: &'a str) -> BoxFuture<'a, Result<String, Self::Error>> {
///         let token = self.0.get(uri).cloned().ok_or_else(|| std::io::Error::other("unknown list"));
///         Box::pin(async move { token })
///     }
/// }
/// ```
pub trait StatusListSource: Send + Sync + 'static {
    /// Why no token could be had. Its `Display` is logged (at DEBUG) and
    /// carried in the [`StoreError`](crate::StoreError) of a failed check:
    /// it must not hold a secret.
    type Error: std::error::Error + Send + Sync + 'static;

    /// The Status List Token published at `uri`, as a JWT in compact form
    /// (surrounding whitespace is ignored).
    ///
    /// # Errors
    /// `Self::Error` when it cannot be had: the caller keeps its last good
    /// list while it is valid, and fails closed after.
    fn status_list_token<'a>(&'a self, uri: &'a str) -> BoxFuture<'a, Result<String, Self::Error>>;
}

/// Fetches Status List Tokens over https (§8.1): one GET of the `uri`
/// with `Accept: application/statuslist+jwt`, bounded (feature
/// `status-list-fetch`).
///
/// It is the HTTP client of [`JwksFetcher`](crate::jwt::JwksFetcher), with
/// its rules:
/// - **https only.** An `http` URI is refused
///   ([`StatusListFetchError::is_refused_uri`], without a request) unless
///   [`allow_loopback_http`](Self::allow_loopback_http) is on *and* its host
///   is a loopback address (`127.0.0.0/8`, `[::1]`, `localhost`). Other
///   schemes and URIs with user information are refused always.
/// - **Bounded.** A [total timeout](Self::timeout) (default 5 s) and a
///   [size cap](Self::max_bytes) on the body (default 1 MiB), HTTP/1.1,
///   no cookies, no proxy, no connection kept idle.
/// - **No redirect followed.** §8.2 says clients SHOULD follow a 3xx; this
///   fetcher fails with the 3xx as the error's
///   [`status`](StatusListFetchError::status) instead, so that
///   the list is only ever read from the URI that
///   [`StatusLists`](super::StatusLists) allowed (under a configured
///   issuer), and §11.4's redirect loops cannot happen. Publish the list at
///   the URI the tokens name.
/// - HTTP caching headers are ignored: the token's `exp` and `ttl` decide
///   (§8.2), in [`StatusLists`](super::StatusLists).
///
/// It caches nothing itself. Cheap to clone: clones share one HTTP client,
/// made on first use, inside a Tokio runtime. The builder methods take
/// effect on a fresh client, so configure it before cloning.
#[derive(Clone)]
pub struct StatusListFetcher {
    timeout: Duration,
    max_bytes: usize,
    allow_loopback_http: bool,
    client: Arc<OnceLock<HttpsClient>>,
}

/// Why [`StatusListFetcher`] got no Status List Token. `Display`
/// describes it without the URI; the methods tell the cases apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StatusListFetchError(Failure);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Failure {
    /// The URI was refused, or the GET failed, as the shared exchange
    /// says it of a `jwks_uri` (never `NotJwks`).
    Http(JwksFetchError),
    /// The body is not UTF-8 text.
    NotText,
}

impl StatusListFetchError {
    /// Whether the URI was refused without a request: not an absolute
    /// `https` URI with a host and without user information, or `http`
    /// while [`StatusListFetcher::allow_loopback_http`] is off or the host
    /// is not a loopback address.
    pub fn is_refused_uri(&self) -> bool {
        matches!(
            self.0,
            Failure::Http(JwksFetchError::InvalidUri | JwksFetchError::InsecureUri)
        )
    }

    /// Whether no whole answer came within [`StatusListFetcher::timeout`].
    pub fn is_timeout(&self) -> bool {
        self.0 == Failure::Http(JwksFetchError::Timeout)
    }

    /// The answer's HTTP status, when it was not 200 (redirects are not
    /// followed).
    pub fn status(&self) -> Option<u16> {
        match self.0 {
            Failure::Http(JwksFetchError::Status(status)) => Some(status),
            _ => None,
        }
    }

    /// Whether the body was larger than [`StatusListFetcher::max_bytes`].
    pub fn is_too_large(&self) -> bool {
        self.0 == Failure::Http(JwksFetchError::TooLarge)
    }
}

impl fmt::Display for StatusListFetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Failure::Http(failure) => failure.describe("the status list URI", f),
            Failure::NotText => f.write_str("the status list URI answered no text"),
        }
    }
}

impl std::error::Error for StatusListFetchError {}

impl From<JwksFetchError> for StatusListFetchError {
    fn from(failure: JwksFetchError) -> Self {
        Self(Failure::Http(failure))
    }
}

impl Default for StatusListFetcher {
    fn default() -> Self {
        Self::new()
    }
}

impl StatusListFetcher {
    /// The default total timeout of a fetch: 5 seconds.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);
    /// The default size cap of a Status List Token: 1 MiB, a list of
    /// millions of statuses once compressed.
    pub const DEFAULT_MAX_BYTES: usize = 1024 * 1024;

    /// A fetcher with the defaults: https only, 5 s, 1 MiB.
    pub fn new() -> Self {
        Self {
            timeout: Self::DEFAULT_TIMEOUT,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            allow_loopback_http: false,
            client: Arc::default(),
        }
    }

    /// The longest a fetch may take, all told: resolving the host,
    /// connecting, TLS, the headers and the whole body. Default
    /// [`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT); past it the fetch fails
    /// ([`StatusListFetchError::is_timeout`]).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self.client = Arc::default();
        self
    }

    /// The largest body read, in bytes. Default
    /// [`DEFAULT_MAX_BYTES`](Self::DEFAULT_MAX_BYTES); a larger one fails
    /// ([`StatusListFetchError::is_too_large`]), read no further than the
    /// cap.
    #[must_use]
    pub fn max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Fetches `http` URIs whose host is a loopback address (`127.0.0.0/8`,
    /// `[::1]`, `localhost`), for tests and local development. Default off:
    /// every `http` URI is refused
    /// ([`StatusListFetchError::is_refused_uri`]). An `http` URI to any
    /// other host is refused even when on.
    #[must_use]
    pub fn allow_loopback_http(mut self, allow: bool) -> Self {
        self.allow_loopback_http = allow;
        self.client = Arc::default();
        self
    }

    /// The Status List Token at `uri`: the body of a 200 answer to a GET
    /// with `Accept: application/statuslist+jwt`, trimmed.
    ///
    /// # Errors
    /// [`StatusListFetchError`]: a refused URI (never fetched), or why the
    /// GET failed.
    pub async fn fetch(&self, uri: &str) -> Result<String, StatusListFetchError> {
        let target = uri::target(uri, self.allow_loopback_http)?;
        let client = self
            .client
            .get_or_init(|| exchange::client(self.timeout, self.allow_loopback_http));
        let (body, _) =
            exchange::get(client, &target, MEDIA_TYPE, self.timeout, self.max_bytes).await?;
        let text =
            String::from_utf8(body.into()).map_err(|_| StatusListFetchError(Failure::NotText))?;
        Ok(text.trim().to_owned())
    }
}

impl StatusListSource for StatusListFetcher {
    type Error = StatusListFetchError;

    fn status_list_token<'a>(
        &'a self,
        uri: &'a str,
    ) -> BoxFuture<'a, Result<String, StatusListFetchError>> {
        Box::pin(self.fetch(uri))
    }
}

/// Shows the settings, not the client.
impl fmt::Debug for StatusListFetcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusListFetcher")
            .field("timeout", &self.timeout)
            .field("max_bytes", &self.max_bytes)
            .field("allow_loopback_http", &self.allow_loopback_http)
            .finish_non_exhaustive()
    }
}
