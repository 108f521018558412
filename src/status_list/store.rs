//! [`StatusCheckedStore`]: the introspection store of a resource server
//! that verifies JWT access tokens and checks their status lists (§8.3).

use super::lists::{StatusLists, StatusLookupError};
use super::source::{StatusListFetcher, StatusListSource};
use super::verified::{Verified, VerifiedTokens};
use super::{Status, StatusReference};
use crate::jwt::JwtVerifier;
use crate::request::Token;
use crate::store::{ActiveToken, IntrospectionStore, StoreError};
use std::fmt;
use std::sync::Arc;

/// The [`IntrospectionStore`] of a resource server that knows only the
/// issuer: a Bearer JWT access token is verified with a [`JwtVerifier`]
/// (RFC 9068), then, when it carries a `status` claim (§6.2), its status
/// is looked up in the issuer's Status List Token ([`StatusLists`]), with
/// no store and no introspection call (feature `status-list-fetch`).
///
/// | the token | [`introspect`](IntrospectionStore::introspect) | the Bearer guard |
/// |---|---|---|
/// | not a JWT, or fails verification (signature, `typ`, `iss`, `aud`, `exp`...) | `Ok(None)`, nothing fetched (§8.3: the token's own checks come first) | 401 `invalid_token` |
/// | no `status` claim | active, unless [`require_status`](Self::require_status) is on | 200 / 401 |
/// | a `status` claim without a well-formed `status_list` (`idx`, `uri`) | `Ok(None)` (§8.3 step 1) | 401 |
/// | `status_list.uri` under no configured issuer | `Ok(None)`, nothing fetched | 401 |
/// | `idx` past the end of the list | `Ok(None)` (§8.3 step 6) | 401 |
/// | status VALID (`0x00`) | active: the [`ActiveToken`] of its claims, as [`JwtStore`](crate::jwt::JwtStore) answers | 200 |
/// | any other status (INVALID, SUSPENDED, other values, §7) | `Ok(None)` | 401 |
/// | no valid list (the issuer down, a bad signature, past `exp`, with no earlier list still valid) | `Err(StoreError)` | 503 with `Retry-After` |
///
/// The active token's facts are the claims' (`client_id`, `sub`, `scope`,
/// `exp`, `iat`, `iss`, `aud`, `jti`), so `BearerAuthLayer::new(store)`
/// gives the handler the same [`ActiveToken`] extension as over a
/// `JwtStore`.
///
/// A token without a `status` claim is active when it verifies: the
/// issuer did not make it revocable by status list. Where every token of
/// the issuer carries one, turn on
/// [`require_status(true)`](Self::require_status) so that a token without
/// it is refused.
///
/// The status is as fresh as the cached list: a token revoked at the
/// issuer is refused once the resource server has fetched a list with its
/// bit set, at most the list's `ttl` later (see [`StatusLists`]).
///
/// # Example
/// ```no_run
/// use axum::{routing::get, Extension, Router};
/// use tower_revoke::jwt::{JwtKey, JwtVerifier};
/// use tower_revoke::status_list::{StatusCheckedStore, StatusListFetcher, StatusLists, StatusListVerifier};
/// use tower_revoke::{ActiveToken, BearerAuthLayer};
///
/// async fn me(Extension(token): Extension<ActiveToken>) -> String {
///     token.sub().unwrap_or_default().to_owned()
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let issuer = "https://as.example";
/// let keys = JwtKey::jwks(&std::fs::read_to_string("issuer-jwks.json")?)?;
/// let verifier = JwtVerifier::new(issuer, keys.clone()).audience("https://api.example");
/// let lists = StatusLists::new(StatusListFetcher::new())
///     .issuer(issuer, StatusListVerifier::new(keys));
/// let store = StatusCheckedStore::new(verifier, lists).require_status(true);
/// let app: Router = Router::new().route("/me", get(me).layer(BearerAuthLayer::new(store)));
/// # Ok(())
/// # }
/// ```
pub struct StatusCheckedStore<S = StatusListFetcher> {
    verifier: Arc<JwtVerifier>,
    lists: StatusLists<S>,
    require_status: bool,
    verified: Option<Arc<VerifiedTokens>>,
}

/// How many verified tokens a [`StatusCheckedStore`] keeps by default.
const DEFAULT_VERIFIED: usize = 10_000;

impl<S> Clone for StatusCheckedStore<S> {
    fn clone(&self) -> Self {
        Self {
            verifier: Arc::clone(&self.verifier),
            lists: self.lists.clone(),
            require_status: self.require_status,
            verified: self.verified.clone(),
        }
    }
}

impl<S: StatusListSource> StatusCheckedStore<S> {
    /// Verifies JWT access tokens with `verifier` and checks their status
    /// in `lists`. Tokens without a `status` claim are active.
    pub fn new(verifier: JwtVerifier, lists: StatusLists<S>) -> Self {
        Self {
            verifier: Arc::new(verifier),
            lists,
            require_status: false,
            verified: Some(Arc::new(VerifiedTokens::new(DEFAULT_VERIFIED))),
        }
    }

    /// How many verified tokens are kept, so that a token presented again
    /// is not verified again (its signature, `iss`, `aud` and the rest do
    /// not change; its `exp` is checked on every hit, and its status is
    /// read from its list on every request, as before). Default 10,000; 0
    /// verifies every request. Each kept verification costs its claims'
    /// facts plus about 100 bytes; the token itself is never kept (only its
    /// keyed 128-bit fingerprint).
    #[must_use]
    pub fn verified_tokens(mut self, capacity: usize) -> Self {
        self.verified = (capacity > 0).then(|| Arc::new(VerifiedTokens::new(capacity)));
        self
    }

    /// Whether a token without a `status` claim is refused. Default
    /// `false`: it is active when it verifies.
    #[must_use]
    pub fn require_status(mut self, require: bool) -> Self {
        self.require_status = require;
        self
    }

    /// The JWT verifier.
    pub fn verifier(&self) -> &JwtVerifier {
        &self.verifier
    }

    /// The status lists.
    pub fn lists(&self) -> &StatusLists<S> {
        &self.lists
    }

    /// What verifying `token` establishes: from the kept verifications
    /// when it is there and valid, otherwise verified now (and kept when
    /// it verifies).
    fn verified(&self, token: &str) -> Option<Arc<Verified>> {
        let leeway = self.verifier.leeway_secs();
        let Some(kept) = &self.verified else {
            let jwt = self.verifier.access_token(token)?;
            return Some(Arc::new(Verified::new(&jwt, leeway)));
        };
        if let Some(found) = kept.get(token, crate::clock::unix_now()) {
            return Some(found);
        }
        let jwt = self.verifier.access_token(token)?;
        let verified = Arc::new(Verified::new(&jwt, leeway));
        kept.insert(token, Arc::clone(&verified));
        Some(verified)
    }

    /// The answer for `token` (see the table on the type).
    async fn check(&self, token: &str) -> Result<Option<ActiveToken>, StoreError> {
        let Some(verified) = self.verified(token) else {
            return Ok(None);
        };
        match Self::reference(&verified) {
            Ok(reference) => {
                let status = self.lists.status(reference).await;
                answer(&verified, reference, status)
            }
            Err(()) => Ok(self.without_reference(&verified)),
        }
    }

    /// The token's status reference; `Err` when it has none, or a
    /// malformed one.
    fn reference(verified: &Verified) -> Result<&StatusReference, ()> {
        match &verified.status {
            Some(Some(reference)) => Ok(reference),
            Some(None) => {
                tracing::debug!("status claim without a well-formed status_list");
                Err(())
            }
            None => Err(()),
        }
    }

    /// The answer for a token without a well-formed reference: active only
    /// when it has no `status` claim and none is required.
    fn without_reference(&self, verified: &Verified) -> Option<ActiveToken> {
        let active = verified.status.is_none() && !self.require_status;
        active.then(|| verified.active.clone())
    }
}

/// The answer for `verified`, whose status at `reference` is `status`.
fn answer(
    verified: &Verified,
    reference: &StatusReference,
    status: Result<Status, StatusLookupError>,
) -> Result<Option<ActiveToken>, StoreError> {
    match status {
        Ok(Status::VALID) => Ok(Some(verified.active.clone())),
        Ok(_) => Ok(None),
        Err(StatusLookupError::Unavailable(error)) => Err(StoreError::new(format!(
            "status list {} unavailable: {error}",
            reference.uri
        ))),
        Err(error) => {
            tracing::debug!(%error, uri = %reference.uri, "token refused by its status reference");
            Ok(None)
        }
    }
}

impl<S: StatusListSource> IntrospectionStore for StatusCheckedStore<S> {
    /// See the table on [`StatusCheckedStore`].
    ///
    /// # Errors
    /// [`StoreError`] when the token's status list is unavailable (no
    /// valid list at hand): the status is unknown.
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        self.check(token.secret()).await
    }

    /// Answers at once when the token's verification is kept (see
    /// [`verified_tokens`](StatusCheckedStore::verified_tokens)) and its
    /// list is at hand and needs no refresh
    /// ([`StatusLists::status_now`]): the Bearer guard's fast path. `None`
    /// otherwise, to verify or fetch in [`introspect`](Self::introspect).
    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        let verified = self
            .verified
            .as_ref()?
            .get(token, crate::clock::unix_now())?;
        Some(match Self::reference(&verified) {
            Ok(reference) => answer(&verified, reference, self.lists.status_now(reference)?),
            Err(()) => Ok(self.without_reference(&verified)),
        })
    }
}

/// Shows the verifier, the lists' settings and `require_status`.
impl<S: fmt::Debug> fmt::Debug for StatusCheckedStore<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusCheckedStore")
            .field("verifier", &self.verifier)
            .field("lists", &self.lists)
            .field("require_status", &self.require_status)
            .field("verified_tokens", &self.verified.is_some())
            .finish()
    }
}
