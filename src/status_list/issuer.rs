//! [`StatusIssuer`]: the issuer's side of Token Status Lists: a status for
//! each JWT it mints, and its Status List Tokens signed from the store,
//! lazily, once per change.

use super::{Bits, Status, StatusList, StatusListToken, StatusReference};
use crate::clock::unix_now;
use crate::request::Token;
use crate::store::{hex, JwtRecord, StatusAllocation, StatusListStore, StatusSlot, StoreError};
use bytes::Bytes;
use jsonwebtoken::jwk::{AlgorithmParameters, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, EncodingKey};
use quick_cache::sync::{Cache, EntryAction, EntryResult};
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The issuer of the statuses of its JWT access tokens
/// (draft-ietf-oauth-status-list-20): it allocates each token's status in
/// a [`StatusListStore`] and adds the `status` claim (§6.2), and it signs
/// the Status List Tokens (§5.1) that
/// [`list_service`](Self::list_service) publishes.
///
/// - List `n` is published at `{base}/{n}`, the `uri` of the claims and
///   the `sub` of its token; [`aggregation_service`](Self::aggregation_service)
///   serves the Status List Aggregation (§9) of every list.
/// - A token is signed at the first request after its list changed (the
///   store's [version](StatusListStore::status_list_version)), and again
///   when half its `lifetime` has passed; concurrent requests share one
///   signing. Every request asks the store for the list's version, one
///   cheap read, so that the first request after a revocation's answer
///   shows it, on every instance sharing the store.
/// - `exp` is `iat` plus the lifetime (default 1 day); `ttl` (default 60
///   s) tells resource servers how long to cache a token (§13.7). Choose
///   the `ttl` as the staleness you accept: a revoked JWT is refused by a
///   resource server at most `ttl` (plus one fetch) after its revocation.
///   The response's `Cache-Control: max-age` is the `ttl` too, so a
///   shared HTTP cache between them can add up to one more `ttl`.
/// - Lists have 1-bit statuses (VALID, INVALID) and a fixed capacity
///   (default 2^20; §13.4 "divisible in bytes").
///
/// Cheap to clone: clones share the store and the signed tokens.
///
/// # Example
/// ```
/// use tower_revoke::jwt::jsonwebtoken::{Algorithm, EncodingKey};
/// use tower_revoke::status_list::StatusIssuer;
/// use tower_revoke::MemoryStore;
///
/// # tokio_test::block_on(async {
/// let key = EncodingKey::from_secret(b"a secret of at least 32 bytes, truly").unwrap();
/// let issuer = StatusIssuer::new(MemoryStore::new(), "https://as.example/statuslists", Algorithm::HS256, key);
/// let mut claims = serde_json::json!({
///     "iss": "https://as.example", "sub": "alice", "jti": "j-1", "iat": 1_000, "exp": 4_102_444_800u64,
/// });
/// let slot = issuer.add_status(&mut claims).await.unwrap();
/// assert_eq!(claims["status"]["status_list"]["uri"], "https://as.example/statuslists/1");
/// assert_eq!(claims["status"]["status_list"]["idx"], slot.idx);
/// let token = issuer.signed_list(1).await.unwrap().unwrap();
/// assert!(token.jwt().starts_with(b"ey"));
/// # });
/// ```
pub struct StatusIssuer<St> {
    shared: Arc<Shared<St>>,
}

struct Shared<St> {
    store: St,
    base: Box<str>,
    alg: Algorithm,
    key: EncodingKey,
    kid: Option<Box<str>>,
    ttl: u64,
    lifetime: u64,
    capacity: u32,
    signed: Cache<u64, Arc<SignedStatusList>>,
    jwks: Option<serde_json::Value>,
}

/// A signed Status List Token as published: the JWT, its validator, and
/// what it was signed from.
#[derive(Clone)]
pub struct SignedStatusList {
    jwt: Bytes,
    etag: Box<str>,
    version: u64,
    issued_at: u64,
    invalid: Arc<[u32]>,
}

impl SignedStatusList {
    /// The JWT (JWS Compact Serialization), the body of the response.
    pub fn jwt(&self) -> &Bytes {
        &self.jwt
    }

    /// The strong entity tag of the JWT (quoted), for `ETag` and
    /// conditional requests (RFC 9110 §8.8.3).
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// `iat`, Unix seconds.
    pub fn issued_at(&self) -> u64 {
        self.issued_at
    }

    /// The list's version it was signed at.
    pub fn version(&self) -> u64 {
        self.version
    }
}

/// Shows the version and times, not the token.
impl fmt::Debug for SignedStatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignedStatusList")
            .field("version", &self.version)
            .field("issued_at", &self.issued_at)
            .field("invalid", &self.invalid.len())
            .finish_non_exhaustive()
    }
}

/// Why [`StatusIssuer::add_status`] added no status.
#[derive(Debug)]
#[non_exhaustive]
pub enum StatusClaimError {
    /// The claims lack `iss`, `jti` or `sub` (strings), or `iat` or `exp`
    /// (Unix seconds): a status is matched by them.
    MissingClaim(&'static str),
    /// The store failed; nothing was allocated.
    Store(StoreError),
}

impl fmt::Display for StatusClaimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingClaim(name) => {
                write!(f, "the JWT has no {name} claim to allocate a status for")
            }
            Self::Store(error) => write!(f, "allocating a status failed: {error}"),
        }
    }
}

impl std::error::Error for StatusClaimError {}

impl<St> Clone for StatusIssuer<St> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<St> fmt::Debug for StatusIssuer<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = &*self.shared;
        f.debug_struct("StatusIssuer")
            .field("base", &shared.base)
            .field("alg", &shared.alg)
            .field("ttl", &shared.ttl)
            .field("lifetime", &shared.lifetime)
            .field("capacity", &shared.capacity)
            .finish_non_exhaustive()
    }
}

impl<St: StatusListStore> StatusIssuer<St> {
    /// Statuses kept in `store`, lists published under `base` (an absolute
    /// URL, no trailing slash needed), tokens signed with `key` by `alg`:
    /// any algorithm `jsonwebtoken` signs with (HS256 with a secret shared
    /// with the resource servers; RS256, ES256, EdDSA, ... with a key whose
    /// public half they have, as a JWK Set for instance).
    ///
    /// # Panics
    /// When `key` cannot sign with `alg` (a key of another family): found
    /// here, by signing an empty list, rather than at the first request.
    pub fn new(store: St, base: &str, alg: Algorithm, key: EncodingKey) -> Self {
        let probe = StatusListToken {
            list: &StatusList::new(Bits::One, 8),
            uri: base,
            issued_at: 0,
            expires_at: None,
            ttl: None,
        };
        if let Err(error) = probe.sign(alg, &key, None) {
            panic!("the status list key cannot sign with {alg:?}: {error}");
        }
        Self {
            shared: Arc::new(Shared {
                store,
                base: base.trim_end_matches('/').into(),
                alg,
                key,
                kid: None,
                ttl: 60,
                lifetime: 24 * 60 * 60,
                capacity: 1 << 20,
                signed: Cache::new(1024),
                jwks: None,
            }),
        }
        .with_jwks()
    }

    /// Computes the public JWK Set of an asymmetric key (RFC 7517 §5),
    /// with its `kid`, `alg` and `use: sig`; none for an HMAC secret.
    fn with_jwks(self) -> Self {
        self.configure(|s| {
            s.jwks = Jwk::from_encoding_key(&s.key, s.alg)
                .ok()
                .filter(|jwk| !matches!(jwk.algorithm, AlgorithmParameters::OctetKey(_)))
                .map(|mut jwk| {
                    jwk.common.key_id = s.kid.as_deref().map(str::to_owned);
                    jwk.common.public_key_use = Some(PublicKeyUse::Signature);
                    serde_json::json!({ "keys": [jwk] })
                });
        })
    }

    fn configure(mut self, f: impl FnOnce(&mut Shared<St>)) -> Self {
        let shared = Arc::get_mut(&mut self.shared)
            .expect("a StatusIssuer is configured before it is cloned");
        f(shared);
        self
    }

    /// The `kid` header of the tokens. Configure before cloning (panics
    /// otherwise, as every builder method).
    #[must_use]
    pub fn kid(self, kid: &str) -> Self {
        self.configure(|s| s.kid = Some(kid.into())).with_jwks()
    }

    /// The JWK Set of the public key the tokens are signed with (RFC 7517
    /// §5), for resource servers to verify them
    /// (`JwtKey::jwks`, [`StatusListVerifier`](super::StatusListVerifier)):
    /// `None` for an HMAC secret, which is never published. Serve it with
    /// [`jwks_service`](Self::jwks_service).
    pub fn jwks(&self) -> Option<&serde_json::Value> {
        self.shared.jwks.as_ref()
    }

    /// A service answering `GET` with [`jwks`](Self::jwks) as JSON (405
    /// for other methods); `None` for an HMAC secret.
    pub fn jwks_service(&self) -> Option<crate::metadata::MetadataService> {
        self.jwks().map(crate::metadata::MetadataService::of)
    }

    /// The `ttl` claim (§5.1), whole seconds, at least 1; default 60 s.
    #[must_use]
    pub fn ttl(self, ttl: Duration) -> Self {
        self.configure(|s| s.ttl = ttl.as_secs().max(1))
    }

    /// How long a token is valid (`exp` minus `iat`), whole seconds;
    /// default 1 day. A token is signed again once half of it has passed,
    /// and it is held to at least twice the `ttl` when signed (a resource
    /// server may keep a token for its `ttl`, within its `exp`).
    #[must_use]
    pub fn lifetime(self, lifetime: Duration) -> Self {
        self.configure(|s| s.lifetime = lifetime.as_secs())
    }

    /// The lifetime signed with: at least twice the `ttl`.
    fn lifetime_secs(&self) -> u64 {
        let shared = &*self.shared;
        shared.lifetime.max(shared.ttl.saturating_mul(2))
    }

    /// The capacity of lists opened from now on.
    ///
    /// # Panics
    /// Unless a multiple of 8 from 8 to 2^24.
    #[must_use]
    pub fn capacity(self, capacity: u32) -> Self {
        assert!(
            crate::store::is_valid_capacity(capacity),
            "a status list's capacity is a multiple of 8 from 8 to 2^24"
        );
        self.configure(|s| s.capacity = capacity)
    }

    /// The store.
    pub fn store(&self) -> &St {
        &self.shared.store
    }

    /// The `ttl` of the tokens, seconds.
    pub fn ttl_secs(&self) -> u64 {
        self.shared.ttl
    }

    /// The URI of list `list`: `{base}/{list}`.
    pub fn uri(&self, list: u64) -> String {
        format!("{}/{list}", self.shared.base)
    }

    /// Allocates a status for the JWT `jwt` describes, expiring at
    /// `expires_at`, and returns its slot and the `status` claim's
    /// reference (§6.2).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn allocate(
        &self,
        jwt: &JwtRecord<'_>,
        expires_at: u64,
    ) -> Result<(StatusSlot, StatusReference), StoreError> {
        let allocation = StatusAllocation {
            issuer: jwt.issuer,
            jti: jwt.jti,
            subject: jwt.subject,
            issued_at: jwt.issued_at,
            expires_at,
            capacity: self.shared.capacity,
        };
        let slot = self.shared.store.allocate_status(&allocation).await?;
        let reference = StatusReference {
            idx: slot.idx as usize,
            uri: self.uri(slot.list),
        };
        Ok((slot, reference))
    }

    /// Allocates a status for the JWT whose claims are `claims` (`iss`,
    /// `jti`, `sub`, `iat`, `exp`) and adds its `status` claim, before the
    /// JWT is signed. Once the JWT is signed and recorded, [`bind`](Self::bind)
    /// it to the returned slot.
    ///
    /// # Errors
    /// A claim missing, or the store failing: nothing added.
    pub async fn add_status(
        &self,
        claims: &mut serde_json::Value,
    ) -> Result<StatusSlot, StatusClaimError> {
        let text = |name: &'static str| {
            claims
                .get(name)
                .and_then(|v| v.as_str())
                .ok_or(StatusClaimError::MissingClaim(name))
        };
        let time = |name: &'static str| {
            claims
                .get(name)
                .and_then(|v| v.as_u64())
                .ok_or(StatusClaimError::MissingClaim(name))
        };
        let jwt = JwtRecord {
            issuer: text("iss")?,
            jti: text("jti")?,
            subject: text("sub")?,
            issued_at: time("iat")?,
        };
        let (slot, reference) = self
            .allocate(&jwt, time("exp")?)
            .await
            .map_err(StatusClaimError::Store)?;
        claims["status"] = reference.to_claim();
        Ok(slot)
    }

    /// Ties `slot` to `token`, the JWT signed with its status, once the
    /// token is recorded in the store (see [`StatusListStore::bind_status`]).
    ///
    /// # Errors
    /// When the store fails.
    pub async fn bind(&self, slot: StatusSlot, token: &Token) -> Result<bool, StoreError> {
        self.shared.store.bind_status(slot, token).await
    }

    /// The current Status List Token of `list`, `None` for a list never
    /// opened: the one signed last while the list's version is unchanged
    /// and it is younger than half its lifetime, otherwise one signed now
    /// (once, for concurrent callers).
    ///
    /// # Errors
    /// When the store fails (no token is served then: a resource server
    /// keeps its last good one).
    pub async fn signed_list(
        &self,
        list: u64,
    ) -> Result<Option<Arc<SignedStatusList>>, StoreError> {
        let shared = &*self.shared;
        let Some(version) = shared.store.status_list_version(list).await? else {
            return Ok(None);
        };
        let now = unix_now();
        let lifetime = self.lifetime_secs();
        let fresh = |signed: &SignedStatusList| {
            signed.version == version && now < signed.issued_at.saturating_add(lifetime / 2)
        };
        let found = shared
            .signed
            .entry_async(&list, |_, signed| match fresh(signed) {
                true => EntryAction::Retain(Arc::clone(signed)),
                false => EntryAction::ReplaceWithGuard,
            })
            .await;
        let (guard, old) = match found {
            EntryResult::Retained(signed) => return Ok(Some(signed)),
            EntryResult::Vacant(guard) => (Some(guard), None),
            EntryResult::Replaced(guard, old) => (Some(guard), Some(old)),
            EntryResult::Removed(..) | EntryResult::Timeout => (None, None),
        };
        let Some(signed) = self.sign(list, old, now).await? else {
            return Ok(None);
        };
        if let Some(guard) = guard {
            let _ = guard.insert(Arc::clone(&signed));
        }
        Ok(Some(signed))
    }

    /// Reads `list` and signs it, unless it is what `old` was signed from
    /// and `old` is young: then `old` at the new version.
    async fn sign(
        &self,
        list: u64,
        old: Option<Arc<SignedStatusList>>,
        now: u64,
    ) -> Result<Option<Arc<SignedStatusList>>, StoreError> {
        let shared = &*self.shared;
        let Some(state) = shared.store.status_list(list).await? else {
            return Ok(None);
        };
        if let Some(old) = old.filter(|old| {
            *old.invalid == *state.invalid
                && now < old.issued_at.saturating_add(self.lifetime_secs() / 2)
        }) {
            let mut kept = SignedStatusList::clone(&old);
            kept.version = state.version;
            return Ok(Some(Arc::new(kept)));
        }
        let mut statuses = StatusList::new(Bits::One, state.capacity as usize);
        for &idx in &state.invalid {
            // The store answers indices below the capacity.
            let _ = statuses.set(idx as usize, Status::INVALID);
        }
        let uri = self.uri(list);
        let token = StatusListToken {
            list: &statuses,
            uri: &uri,
            issued_at: now,
            expires_at: Some(now.saturating_add(self.lifetime_secs())),
            ttl: Some(shared.ttl),
        };
        let jwt = token
            .sign(shared.alg, &shared.key, shared.kid.as_deref())
            .map_err(StoreError::new)?;
        let digest = Sha256::digest(jwt.as_bytes());
        let etag = format!("\"{}\"", hex(&digest[..12]));
        Ok(Some(Arc::new(SignedStatusList {
            jwt: Bytes::from(jwt),
            etag: etag.into(),
            version: state.version,
            issued_at: now,
            invalid: state.invalid.into(),
        })))
    }

    /// The Status List Aggregation (§9): `{"status_lists": [uri, ...]}` of
    /// every list opened.
    ///
    /// # Errors
    /// When the store fails.
    pub async fn aggregation(&self) -> Result<serde_json::Value, StoreError> {
        let lists = self.shared.store.status_lists().await?;
        let uris: Vec<String> = lists.into_iter().map(|list| self.uri(list)).collect();
        Ok(serde_json::json!({ "status_lists": uris }))
    }
}
