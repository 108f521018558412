//! [`StatusLists`]: the Status List Tokens of the configured issuers,
//! fetched through a [`StatusListSource`], verified, cached for their
//! `ttl` within their `exp`, single-flight (§8.3, §11.5, §13).

use super::source::{StatusListFetcher, StatusListSource};
use super::trust::{plain_path, under_issuer};
use super::{Status, StatusListVerifier, StatusReference, VerifiedStatusList};
use crate::clock::unix_now;
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The Status List Tokens of the issuers you trust, as a resource server
/// reads them (§8.3): fetched through a [`StatusListSource`] (by default
/// [`StatusListFetcher`], https), verified with the issuer's keys
/// ([`StatusListVerifier`]), cached, and asked for one status at a time
/// ([`status`](Self::status)). Feature `status-list-fetch`.
///
/// # What it does
/// - **Only the configured issuers' URIs.** A Referenced Token names the
///   URI of its list (§6.2); a list is fetched only when that URI is under
///   an [issuer](Self::issuer) you configured, on a path boundary:
///   `https://as.example` allows `https://as.example/statuslists/1`, not
///   `https://as.example.evil/...` nor `https://as.example@evil/...`; URIs
///   with dot segments (`/../`, also percent-encoded) or a fragment are
///   refused. Any other URI is refused
///   ([`StatusLookupError::UntrustedUri`]) **without a request**, so a
///   token cannot make the server fetch an arbitrary URL (§11.3: the list
///   must be the issuer's). The list is verified with that issuer's
///   [`StatusListVerifier`]: `typ`, signature, `sub` equal to the URI,
///   `exp`, `ttl`, and a bounded decompression (§8.3 step 3-5, §11.1).
/// - **Cached for its `ttl`, within its `exp`.** A verified list is used
///   for its `ttl` claim (§8.3 step 4d, §13.7), or the
///   [default TTL](Self::default_ttl) (5 minutes) when it has none, but
///   never less than the [floor](Self::min_ttl) (default 0, off: §11.5
///   advises bounds, so that an issuer cannot make every resource server
///   fetch its list on every request), and never past its `exp` (plus the
///   verifier's leeway). At most [`capacity`](Self::capacity) lists are
///   kept (default 1024).
/// - **Single-flight.** Concurrent requests for one list share one fetch
///   (`quick_cache`'s placeholder guards): the first fetches, the others
///   wait for its answer.
/// - **Fails closed, late.** When a refresh fails (the source fails, or
///   the token does not verify), the last good list is kept and used
///   until its `exp` (plus the verifier's leeway; a list without `exp`
///   has no end and is kept as long as refreshes fail: issuers, set
///   `exp`); a new fetch is tried at most every
///   [`retry_interval`](Self::retry_interval) (default 5 s). With no
///   valid list, [`status`](Self::status) answers
///   [`StatusLookupError::Unavailable`] (the last failure, also kept for
///   the retry interval), which
///   [`StatusCheckedStore`](super::StatusCheckedStore) turns into a
///   [`StoreError`](crate::StoreError): the Bearer guard answers 503 with
///   `Retry-After`, never "valid" for a status it could not see.
///
/// Failures are logged at DEBUG with the URI (a list's URI is public) and
/// the reason. Cheap to clone: clones share the cache. Use inside a Tokio
/// runtime.
pub struct StatusLists<S = StatusListFetcher> {
    shared: Arc<Shared<S>>,
}

impl<S> Clone for StatusLists<S> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

/// What the clones share. Built up by the builder methods before sharing.
struct Shared<S> {
    source: S,
    issuers: Vec<(String, StatusListVerifier)>,
    default_ttl: Duration,
    min_ttl: Duration,
    retry_interval: Duration,
    capacity: usize,
    /// Keyed by the list's URI.
    cache: Cache<String, Entry>,
}

/// A list's last fetch: the list kept (the last good one), when it stops
/// being valid, when to fetch again, and the last failure.
#[derive(Clone)]
struct Entry {
    list: Option<Arc<VerifiedStatusList>>,
    /// Unix seconds: `exp` plus the leeway (`u64::MAX` without `exp`).
    valid_until: u64,
    refresh_at: Instant,
    failure: Option<Unavailable>,
}

/// Why no valid list was at hand: the source's error or the verifier's.
pub type Unavailable = Arc<dyn std::error::Error + Send + Sync>;

/// Why [`StatusLists::status`] gave no status.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum StatusLookupError {
    /// The `uri` is under no configured issuer (or has dot segments or a
    /// fragment): nothing was fetched. The token must be refused.
    UntrustedUri,
    /// The `idx` is past the end of the list: no statement can be made of
    /// the token, which MUST be refused (§8.3 step 6).
    OutOfRange,
    /// No valid list: the last fetch failed or did not verify, and no
    /// earlier list is still within its `exp`. The token's status is not
    /// known; answer "try again later", not "valid".
    Unavailable(Unavailable),
}

impl fmt::Display for StatusLookupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UntrustedUri => f.write_str("the status list URI is under no trusted issuer"),
            Self::OutOfRange => f.write_str("the index is past the end of the status list"),
            Self::Unavailable(error) => write!(f, "no valid status list: {error}"),
        }
    }
}

impl std::error::Error for StatusLookupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unavailable(error) => Some(&**error),
            _ => None,
        }
    }
}

impl StatusLists<StatusListFetcher> {
    /// Lists fetched over https by `fetcher`, with no issuer yet (add them
    /// with [`issuer`](Self::issuer): until then every URI is refused).
    pub fn fetched(fetcher: StatusListFetcher) -> Self {
        Self::new(fetcher)
    }
}

impl<S: StatusListSource> StatusLists<S> {
    /// How long a list without a `ttl` claim is used by default: 5 minutes.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(300);
    /// How often, at most, a failed list is fetched again by default:
    /// every 5 seconds.
    pub const DEFAULT_RETRY_INTERVAL: Duration = Duration::from_secs(5);
    /// How many lists are cached by default: 1024.
    pub const DEFAULT_CAPACITY: usize = 1024;

    /// Lists read from `source`, with no issuer yet (add them with
    /// [`issuer`](Self::issuer): until then every URI is refused), the
    /// default TTL, no floor, the default retry interval and capacity.
    pub fn new(source: S) -> Self {
        let capacity = Self::DEFAULT_CAPACITY;
        Self {
            shared: Arc::new(Shared {
                source,
                issuers: Vec::new(),
                default_ttl: Self::DEFAULT_TTL,
                min_ttl: Duration::ZERO,
                retry_interval: Self::DEFAULT_RETRY_INTERVAL,
                capacity,
                cache: Cache::new(capacity),
            }),
        }
    }

    /// Trusts the lists published under `issuer` (its URL: scheme, host,
    /// optional port and path), verified with `verifier` (the issuer's
    /// keys). A list's URI is under `issuer` when it starts with it and
    /// the rest starts a new path segment (`issuer` followed by `/`, or
    /// `issuer` ends with `/`). The first matching issuer is used.
    ///
    /// # Panics
    /// When `issuer` is not an absolute URL with a host, or the lists are
    /// already shared (configure before cloning).
    #[must_use]
    pub fn issuer(mut self, issuer: &str, verifier: StatusListVerifier) -> Self {
        let parsed: Result<http::Uri, _> = issuer.parse();
        let absolute = parsed.is_ok_and(|uri| {
            uri.scheme().is_some() && uri.host().is_some_and(|host| !host.is_empty())
        });
        assert!(absolute, "StatusLists::issuer: an absolute URL with a host");
        self.shared_mut()
            .issuers
            .push((issuer.to_owned(), verifier));
        self
    }

    /// How long a list without a `ttl` claim is used before it is fetched
    /// again. Default [`DEFAULT_TTL`](Self::DEFAULT_TTL).
    ///
    /// # Panics
    /// When the lists are already shared (configure before cloning).
    #[must_use]
    pub fn default_ttl(mut self, ttl: Duration) -> Self {
        self.shared_mut().default_ttl = ttl;
        self
    }

    /// The shortest time a list is used before it is fetched again,
    /// whatever its `ttl` says (its `exp` still ends it). Default 0: the
    /// `ttl` is followed as is. §11.5 advises a lower bound, so that an
    /// issuer's tiny `ttl` cannot make resource servers fetch its list on
    /// every request.
    ///
    /// # Panics
    /// When the lists are already shared (configure before cloning).
    #[must_use]
    pub fn min_ttl(mut self, floor: Duration) -> Self {
        self.shared_mut().min_ttl = floor;
        self
    }

    /// The shortest time between two fetches of a list after one failed;
    /// meanwhile the last good list (within its `exp`) or the failure
    /// answers. Default
    /// [`DEFAULT_RETRY_INTERVAL`](Self::DEFAULT_RETRY_INTERVAL).
    ///
    /// # Panics
    /// When the lists are already shared (configure before cloning).
    #[must_use]
    pub fn retry_interval(mut self, interval: Duration) -> Self {
        self.shared_mut().retry_interval = interval;
        self
    }

    /// How many lists are kept at most (past it, `quick_cache`'s S3-FIFO
    /// policy evicts the least used). Default
    /// [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY).
    ///
    /// # Panics
    /// When 0, or when the lists are already shared (configure before
    /// cloning).
    #[must_use]
    pub fn capacity(mut self, capacity: usize) -> Self {
        assert!(capacity > 0, "StatusLists::capacity: at least 1");
        let shared = self.shared_mut();
        shared.capacity = capacity;
        shared.cache = Cache::new(capacity);
        self
    }

    /// The source the lists are read from.
    pub fn source(&self) -> &S {
        &self.shared.source
    }

    /// The status of the token `reference` points at (§8.3): the list at
    /// its `uri`, from the cache or fetched (sharing a fetch under way),
    /// at its `idx`.
    ///
    /// # Errors
    /// [`StatusLookupError::UntrustedUri`] for a URI under no configured
    /// issuer (no request made), [`StatusLookupError::OutOfRange`] for an
    /// index past the list's end, [`StatusLookupError::Unavailable`] when
    /// no valid list is at hand.
    pub async fn status(&self, reference: &StatusReference) -> Result<Status, StatusLookupError> {
        let Some(verifier) = self.verifier_for(&reference.uri) else {
            tracing::debug!(uri = %reference.uri, "status list URI under no trusted issuer");
            return Err(StatusLookupError::UntrustedUri);
        };
        let list = self.list(&reference.uri, verifier).await?;
        list.list
            .get(reference.idx)
            .ok_or(StatusLookupError::OutOfRange)
    }

    /// [`status`](Self::status) when it needs no request: for a URI under
    /// no configured issuer, or one whose list is cached and needs no
    /// refresh. `None` when the list must be fetched first: ask `status`.
    pub fn status_now(
        &self,
        reference: &StatusReference,
    ) -> Option<Result<Status, StatusLookupError>> {
        if self.verifier_for(&reference.uri).is_none() {
            return Some(Err(StatusLookupError::UntrustedUri));
        }
        let entry = self.shared.cache.get(reference.uri.as_str())?;
        Some(match entry.answer(Instant::now(), unix_now())? {
            Ok(list) => list
                .list
                .get(reference.idx)
                .ok_or(StatusLookupError::OutOfRange),
            Err(error) => Err(error),
        })
    }

    /// The verifier of the issuer `uri` is under, if any.
    fn verifier_for(&self, uri: &str) -> Option<&StatusListVerifier> {
        if !plain_path(uri) {
            return None;
        }
        let issuers = self.shared.issuers.iter();
        let mut under = issuers.filter(|(issuer, _)| under_issuer(uri, issuer));
        under.next().map(|(_, verifier)| verifier)
    }

    /// The valid list at `uri`: cached, or fetched and verified.
    async fn list(
        &self,
        uri: &str,
        verifier: &StatusListVerifier,
    ) -> Result<Arc<VerifiedStatusList>, StatusLookupError> {
        let shared = &*self.shared;
        let now = Instant::now();
        let unix = unix_now();
        let found = shared
            .cache
            .entry_async(uri, |_, entry| match entry.answer(now, unix) {
                Some(answer) => EntryAction::Retain(answer),
                None => EntryAction::ReplaceWithGuard,
            })
            .await;
        let (guard, old) = match found {
            EntryResult::Retained(answer) => return answer,
            EntryResult::Vacant(guard) => (Some(guard), None),
            EntryResult::Replaced(guard, old) => (Some(guard), Some(old)),
            // Neither is asked for (no `Remove`, no timeout): fetch uncached.
            EntryResult::Removed(..) | EntryResult::Timeout => (None, None),
        };
        let entry = self.fetch(uri, verifier, old).await;
        // This request takes what was fetched, whatever the refresh time.
        let answer = match &entry.list {
            Some(list) if unix_now() < entry.valid_until => Ok(Arc::clone(list)),
            _ => Err(entry.unavailable()),
        };
        if let Some(guard) = guard {
            let _ = guard.insert(entry);
        }
        answer
    }

    /// One fetch of `uri`, verified, as a cache entry: the new list, or
    /// the failure with `old`'s list while it is valid.
    async fn fetch(&self, uri: &str, verifier: &StatusListVerifier, old: Option<Entry>) -> Entry {
        let shared = &*self.shared;
        let started = Instant::now();
        let fetched = match shared.source.status_list_token(uri).await {
            Ok(token) => verifier
                .verify(token.trim(), uri, unix_now())
                .map_err(|error| Arc::new(error) as Unavailable),
            Err(error) => Err(Arc::new(error) as Unavailable),
        };
        let now = Instant::now();
        let unix = unix_now();
        match fetched {
            Ok(list) => {
                let valid_until = list
                    .expires_at
                    .map_or(u64::MAX, |exp| exp.saturating_add(verifier.leeway_secs()));
                let ttl = list.ttl.map_or(shared.default_ttl, Duration::from_secs);
                let ttl = ttl.max(shared.min_ttl).min(until(unix, valid_until));
                Entry {
                    list: Some(Arc::new(list)),
                    valid_until,
                    refresh_at: now + ttl,
                    failure: None,
                }
            }
            Err(error) => {
                tracing::debug!(
                    %uri,
                    %error,
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "status list fetch failed"
                );
                let kept = old.filter(|old| old.list.is_some() && unix < old.valid_until);
                let (list, valid_until) = match kept {
                    Some(old) => (old.list, old.valid_until),
                    None => (None, 0),
                };
                let retry = shared.retry_interval.min(match list {
                    Some(_) => until(unix, valid_until),
                    None => Duration::MAX,
                });
                Entry {
                    list,
                    valid_until,
                    refresh_at: now + retry,
                    failure: Some(error),
                }
            }
        }
    }

    /// The shared state, to configure: only before it is shared.
    fn shared_mut(&mut self) -> &mut Shared<S> {
        Arc::get_mut(&mut self.shared).expect("StatusLists: configure before cloning")
    }
}

impl Entry {
    /// The entry's answer at `now` (`unix` in Unix seconds), or `None` when
    /// it is time to fetch again: the list while valid, the failure
    /// without one.
    fn answer(
        &self,
        now: Instant,
        unix: u64,
    ) -> Option<Result<Arc<VerifiedStatusList>, StatusLookupError>> {
        if now >= self.refresh_at {
            return None;
        }
        match &self.list {
            Some(list) if unix < self.valid_until => Some(Ok(Arc::clone(list))),
            Some(_) => None,
            None => Some(Err(self.unavailable())),
        }
    }

    /// The failure, as [`StatusLookupError::Unavailable`].
    fn unavailable(&self) -> StatusLookupError {
        let failure = self.failure.clone();
        let expired = || Arc::new(super::StatusListTokenError::Expired) as Unavailable;
        StatusLookupError::Unavailable(failure.unwrap_or_else(expired))
    }
}

/// The time from `unix` to `until` (Unix seconds), 0 when past.
fn until(unix: u64, until: u64) -> Duration {
    Duration::from_secs(until.saturating_sub(unix))
}

/// Shows the issuers and settings, not the cache.
impl<S: fmt::Debug> fmt::Debug for StatusLists<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        let issuers: Vec<&str> = shared.issuers.iter().map(|(i, _)| i.as_str()).collect();
        f.debug_struct("StatusLists")
            .field("source", &shared.source)
            .field("issuers", &issuers)
            .field("default_ttl", &shared.default_ttl)
            .field("min_ttl", &shared.min_ttl)
            .field("retry_interval", &shared.retry_interval)
            .field("capacity", &shared.capacity)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_answers_until_its_refresh_and_its_list_until_its_exp() {
        let now = Instant::now();
        let list = Arc::new(VerifiedStatusList {
            list: super::super::StatusList::new(super::super::Bits::One, 8),
            issued_at: 0,
            expires_at: Some(100),
            ttl: None,
        });
        let entry = Entry {
            list: Some(list),
            valid_until: 100,
            refresh_at: now + Duration::from_secs(10),
            failure: None,
        };
        assert!(matches!(entry.answer(now, 99), Some(Ok(_))));
        assert!(entry.answer(now, 100).is_none(), "expired: fetch again");
        assert!(entry.answer(now + Duration::from_secs(10), 50).is_none());
        let failed = Entry {
            list: None,
            valid_until: 0,
            refresh_at: now + Duration::from_secs(5),
            failure: Some(Arc::new(std::io::Error::other("down"))),
        };
        let answer = failed.answer(now, 50).expect("the failure, kept");
        assert!(matches!(answer, Err(StatusLookupError::Unavailable(_))));
        assert!(failed.answer(now + Duration::from_secs(5), 50).is_none());
    }
}
