//! [`ClientAssertionVerifier`]: `private_key_jwt` client authentication
//! (RFC 7523 §2.2, §3; RFC 7521 §4.2; OpenID Connect Core §9), with the
//! audience rules of draft-ietf-oauth-rfc7523bis.

mod claims;
mod stand_in;

use super::key::{signed_claims, JwtKey, Unsigned};
use super::verifier::typ_is;
use crate::client::{AssertionEndpoint, ClientAssertion, ClientCredentials, ClientId};
use crate::clock::unix_now as now;
use crate::log::Bounded;
use crate::store::{
    AssertionDigest, AssertionUse, ClientAssertionStore, ClientKeys, DynClientAssertionStore,
};
use crate::{AuthenticatedClient, ClientType, StoreError};
use claims::{AssertionClaims, Rules};
use jsonwebtoken::{decode_header, Algorithm, Header};
use serde::de::IgnoredAny;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The longest client assertion read, in bytes: a JWT signed with RSA-4096
/// and a generous set of claims fits many times over.
pub(crate) const MAX_ASSERTION_BYTES: usize = 8 * 1024;

/// Verifies `private_key_jwt` client assertions (RFC 7523 §2.2, §3): a JWT
/// in the form parameter `client_assertion`, with `client_assertion_type`
/// [`JWT_BEARER`](crate::client::JWT_BEARER), signed with a key the client registered
/// ([`ClientEntry::keys`](crate::store::ClientEntry::keys)), single-use.
///
/// Give it to [`RequestReader::client_assertions`](crate::request::RequestReader::client_assertions):
/// the revocation and introspection endpoints then accept the method, and
/// RFC 8414 metadata lists it with the algorithms.
///
/// # What is checked, in order
/// 1. The header: `alg` among the [algorithms](Self::algorithms)
///    (asymmetric only: RS256/384/512, PS256/384/512, ES256/384, EdDSA;
///    never `none` nor an HMAC, so a public key can never serve as an HMAC
///    secret); `typ` absent, `JWT` or `client-authentication+jwt`
///    (strict: absent or `client-authentication+jwt`; the `application/`
///    prefix is optional, RFC 7515 §4.1.9).
/// 2. The signature, with the client's keys of that `alg` (and `kid`,
///    when both name one). A client that is unknown or has no key costs
///    the same: the signature is checked against a stand-in key of the
///    same algorithm.
/// 3. The claims (RFC 7523 §3): `iss` and `sub` equal to the client id;
///    `aud` naming the issuer identifier, the token endpoint or the
///    endpoint called (strict: the issuer identifier as its sole value,
///    rfc7523bis §4.1); `exp` present, not past, and at most the
///    [longest lifetime](Self::max_lifetime) ahead; `nbf` and `iat`, when
///    present, not ahead; all within the [leeway](Self::leeway); `jti`
///    present.
/// 4. Single use: the (client, `jti`) pair is recorded in the store until
///    `exp` plus the leeway; a second use, on any instance sharing the
///    store, fails ([`ClientAssertionStore::use_assertion`]).
///
/// Every failure is `Ok(None)`: the endpoint answers the same 401
/// `invalid_client` as for a wrong secret. The reason is logged at DEBUG
/// as a fixed text, never with the assertion.
///
/// `client_secret_jwt` (an HMAC keyed with the client secret) is not
/// supported: stores keep only digests of client secrets, so such a
/// signature could never be checked.
///
/// # Example
/// ```
/// use tower_revoke::jwt::ClientAssertionVerifier;
/// use tower_revoke::request::RequestReader;
/// use tower_revoke::{MemoryStore, RevocationEndpointLayer};
///
/// let store = MemoryStore::from_seed_json(r#"{"clients": [{"client_id": "app1",
///     "jwks": {"keys": [{"kty": "OKP", "crv": "Ed25519",
///                        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}}]}"#).unwrap();
/// let verifier = ClientAssertionVerifier::new("https://as.example", store.clone())
///     .token_endpoint("https://as.example/oauth/token")
///     .revocation_endpoint("https://as.example/oauth/revoke");
/// let reader = RequestReader::default().client_assertions(verifier);
/// let layer = RevocationEndpointLayer::new(store).path("/oauth/revoke").reader(reader);
/// # let _ = layer;
/// ```
#[derive(Clone)]
pub struct ClientAssertionVerifier {
    issuer: Arc<str>,
    store: Arc<dyn DynClientAssertionStore>,
    token_endpoint: Option<Arc<str>>,
    revocation_endpoint: Option<Arc<str>>,
    introspection_endpoint: Option<Arc<str>>,
    strict: bool,
    max_lifetime: u64,
    leeway: u64,
    algorithms: Vec<Algorithm>,
    #[cfg(feature = "jwks-uri")]
    jwks_fetcher: Option<super::JwksFetcher>,
}

/// Every asymmetric algorithm `jsonwebtoken` verifies, the default.
const ASYMMETRIC: [Algorithm; 9] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

impl ClientAssertionVerifier {
    /// The default longest lifetime: one hour, what authlib's client
    /// sends (`exp` = `iat` + 3600).
    pub const DEFAULT_MAX_LIFETIME: Duration = Duration::from_secs(3600);

    /// The default leeway: 30 seconds of clock skew, as
    /// [`JwtVerifier::DEFAULT_LEEWAY`](super::JwtVerifier::DEFAULT_LEEWAY).
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

    /// A verifier for the authorization server whose issuer identifier
    /// (RFC 8414 §2) is `issuer`, reading keys and recording used
    /// assertions in `store`.
    pub fn new(issuer: &str, store: impl ClientAssertionStore) -> Self {
        Self {
            issuer: issuer.into(),
            store: Arc::new(store),
            token_endpoint: None,
            revocation_endpoint: None,
            introspection_endpoint: None,
            strict: false,
            max_lifetime: Self::DEFAULT_MAX_LIFETIME.as_secs(),
            leeway: Self::DEFAULT_LEEWAY.as_secs(),
            algorithms: ASYMMETRIC.to_vec(),
            #[cfg(feature = "jwks-uri")]
            jwks_fetcher: None,
        }
    }

    /// The token endpoint's URL, accepted as an audience at every endpoint
    /// unless [`strict`](Self::strict) (RFC 7523 §3 item 3 named it; many
    /// clients still send it).
    #[must_use]
    pub fn token_endpoint(mut self, url: &str) -> Self {
        self.token_endpoint = Some(url.into());
        self
    }

    /// The revocation endpoint's URL, accepted as an audience there unless
    /// [`strict`](Self::strict).
    #[must_use]
    pub fn revocation_endpoint(mut self, url: &str) -> Self {
        self.revocation_endpoint = Some(url.into());
        self
    }

    /// The introspection endpoint's URL, accepted as an audience there
    /// unless [`strict`](Self::strict).
    #[must_use]
    pub fn introspection_endpoint(mut self, url: &str) -> Self {
        self.introspection_endpoint = Some(url.into());
        self
    }

    /// The rules of draft-ietf-oauth-rfc7523bis, after CVE-2025-27370 and
    /// 27371: `aud` must be the issuer identifier as its sole value (no
    /// endpoint URL), and `typ` absent or `client-authentication+jwt` (the
    /// draft advises against refusing an untyped JWT). Default off: real
    /// clients send endpoint URLs and `typ: JWT` today.
    #[must_use]
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = strict;
        self
    }

    /// How far ahead of now `exp` may lie (the leeway added). Default
    /// [`DEFAULT_MAX_LIFETIME`](Self::DEFAULT_MAX_LIFETIME): a longer-lived
    /// assertion is refused, which also bounds how long its `jti` is kept.
    #[must_use]
    pub fn max_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_lifetime = lifetime.as_secs();
        self
    }

    /// The clock skew allowed on `exp`, `nbf` and `iat`. Default
    /// [`DEFAULT_LEEWAY`](Self::DEFAULT_LEEWAY).
    ///
    /// # Panics
    /// Above five minutes.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        assert!(
            leeway <= Duration::from_secs(300),
            "ClientAssertionVerifier::leeway: at most five minutes, got {leeway:?}"
        );
        self.leeway = leeway.as_secs();
        self
    }

    /// Accepts only these signing algorithms. Default: every asymmetric
    /// one (RS256/384/512, PS256/384/512, ES256/384, EdDSA).
    ///
    /// # Panics
    /// When none is given, or one is an HMAC (`HS256`, ...): see the type
    /// docs on `client_secret_jwt`.
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        let algorithms: Vec<_> = algorithms.into_iter().collect();
        assert!(
            !algorithms.is_empty() && algorithms.iter().all(|alg| ASYMMETRIC.contains(alg)),
            "ClientAssertionVerifier::algorithms: asymmetric algorithms only, at least one"
        );
        self.algorithms = algorithms;
        self
    }

    /// Fetches the keys of clients that registered a `jwks_uri` (RFC 7591
    /// §2) with `fetcher`: bounded, cached, single-flight, https only (see
    /// [`JwksFetcher`](super::JwksFetcher)). Without one, such a client has
    /// no key and its assertions fail. A failed fetch is a failed
    /// authentication (401 `invalid_client`), never a 503.
    #[cfg(feature = "jwks-uri")]
    #[cfg_attr(docsrs, doc(cfg(feature = "jwks-uri")))]
    #[must_use]
    pub fn jwks_fetcher(mut self, fetcher: super::JwksFetcher) -> Self {
        self.jwks_fetcher = Some(fetcher);
        self
    }

    /// The accepted algorithms' names (RFC 7518 §3.1), as RFC 8414 §2
    /// metadata lists them in `*_endpoint_auth_signing_alg_values_supported`.
    pub fn algorithms_supported(&self) -> Vec<&'static str> {
        self.algorithms.iter().map(|alg| alg_name(*alg)).collect()
    }

    /// The client id an assertion names (its `sub`, RFC 7523 §3 item 2),
    /// read without verifying anything: whom to ask the store about.
    /// `None` when it is no JWT, is longer than 8 KiB, or names none.
    pub fn client_id_of(assertion: &ClientAssertion) -> Option<ClientId> {
        let assertion = assertion.as_str();
        if assertion.len() > MAX_ASSERTION_BYTES {
            return None;
        }
        let claims: AssertionClaims =
            jsonwebtoken::dangerous::insecure_decode_claims(assertion).ok()?;
        ClientId::new(claims.subject()?).ok()
    }

    /// Authenticates `private_key_jwt` credentials presented to
    /// `endpoint` (see the type docs for the checks).
    ///
    /// # Errors
    /// [`StoreError`] when the store cannot answer (the endpoint answers
    /// 503); every other failure is `Ok(None)`.
    pub async fn authenticate(
        &self,
        credentials: &ClientCredentials,
        endpoint: AssertionEndpoint,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        let Some(assertion) = credentials.client_assertion() else {
            return Ok(None);
        };
        let client_id = credentials.client_id();
        let verified = match self.check_header(assertion.as_str()) {
            Ok(header) => {
                self.verify(assertion.as_str(), &header, client_id, endpoint)
                    .await?
            }
            Err(reason) => Err(reason),
        };
        match verified {
            Ok(()) => Ok(Some(AuthenticatedClient {
                client_id: client_id.clone(),
                client_type: ClientType::Confidential,
            })),
            Err(reason) => {
                let client_id = Bounded(client_id.as_str());
                tracing::debug!(%client_id, reason, "client assertion refused");
                Ok(None)
            }
        }
    }

    /// The header, when its `alg` and `typ` are accepted.
    fn check_header(&self, assertion: &str) -> Result<Header, &'static str> {
        if assertion.len() > MAX_ASSERTION_BYTES {
            return Err("the assertion is too long");
        }
        let header = decode_header(assertion).map_err(|_| "the assertion is no JWT")?;
        if !self.algorithms.contains(&header.alg) {
            return Err("alg is not accepted");
        }
        let accepted = header.typ.as_deref().is_none_or(|typ| {
            typ_is(typ, "client-authentication+jwt") || (!self.strict && typ_is(typ, "jwt"))
        });
        match accepted {
            true => Ok(header),
            false => Err("typ is not accepted"),
        }
    }

    /// The signature, the claims, then single use; the outer `Result` is
    /// the store's, the inner one the verdict.
    async fn verify(
        &self,
        assertion: &str,
        header: &Header,
        client_id: &ClientId,
        endpoint: AssertionEndpoint,
    ) -> Result<Result<(), &'static str>, StoreError> {
        let keys: Arc<[JwtKey]> =
            match DynClientAssertionStore::client_keys(&*self.store, client_id).await? {
                Some(ClientKeys::Jwks(jwks)) => JwtKey::jwks(&jwks).unwrap_or_default().into(),
                #[cfg(feature = "jwks-uri")]
                Some(ClientKeys::JwksUri(uri)) => match &self.jwks_fetcher {
                    // The failure is logged, without the URI's query, and cached.
                    Some(fetcher) => fetcher
                        .keys(&uri, header.kid.as_deref())
                        .await
                        .unwrap_or_default(),
                    None => stand_in::keys().into(),
                },
                // Keys no one holds the private halves of: the same work,
                // and a signature that never verifies.
                _ => stand_in::keys().into(),
            };
        let claims = match verified_claims(assertion, header, &keys) {
            Ok(claims) => claims,
            Err(reason) => return Ok(Err(reason)),
        };
        let audiences = self.audiences(endpoint);
        let rules = Rules {
            client_id: client_id.as_str(),
            audiences: &audiences,
            sole_issuer_audience: self.strict,
            max_ahead: self.max_lifetime + self.leeway,
            leeway: self.leeway,
            now: now(),
        };
        let checked = match claims.check(&rules) {
            Ok(checked) => checked,
            Err(error) => return Ok(Err(error.as_str())),
        };
        let digest = AssertionDigest::of(client_id, checked.jti);
        let until = checked.expires_at.saturating_add(self.leeway);
        let used = DynClientAssertionStore::use_assertion(&*self.store, &digest, until).await?;
        Ok(match used {
            AssertionUse::First => Ok(()),
            AssertionUse::Replayed => Err("the assertion was used before"),
        })
    }

    /// The accepted audiences at `endpoint`, the issuer first.
    fn audiences(&self, endpoint: AssertionEndpoint) -> Vec<&str> {
        let called = match endpoint {
            AssertionEndpoint::Token => None,
            AssertionEndpoint::Revocation => self.revocation_endpoint.as_deref(),
            AssertionEndpoint::Introspection => self.introspection_endpoint.as_deref(),
        };
        let mut audiences = vec![&*self.issuer];
        audiences.extend(self.token_endpoint.as_deref());
        audiences.extend(called);
        audiences
    }
}

/// The claims of `assertion` when one of `keys` (for the header's `alg`
/// and `kid`) verifies its signature. Without such a key, the signature
/// is checked against a stand-in key of the same algorithm all the same,
/// so that an unknown client costs what a known one does.
fn verified_claims(
    assertion: &str,
    header: &Header,
    keys: &[JwtKey],
) -> Result<AssertionClaims, &'static str> {
    match signed_claims(assertion, header.alg, header.kid.as_deref(), keys) {
        Ok(claims) => Ok(claims),
        Err(Unsigned::NoKey) => {
            let _ =
                signed_claims::<IgnoredAny>(assertion, header.alg, None, stand_in::key(header.alg));
            Err("no key of the client for this alg")
        }
        Err(Unsigned::BadSignature) => Err("the signature does not verify"),
        Err(Unsigned::Malformed) => Err("the assertion is malformed"),
    }
}

/// The JWA name of `alg`, one of [`ASYMMETRIC`] (RFC 7518 §3.1, RFC 8037
/// §3.1).
fn alg_name(alg: Algorithm) -> &'static str {
    const NAMES: [&str; 9] = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ];
    let at = ASYMMETRIC.iter().position(|known| *known == alg);
    at.map_or("", |at| NAMES[at])
}

/// Shows the issuer, endpoints, rules and algorithms, not the store.
impl fmt::Debug for ClientAssertionVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientAssertionVerifier")
            .field("issuer", &self.issuer)
            .field("token_endpoint", &self.token_endpoint)
            .field("revocation_endpoint", &self.revocation_endpoint)
            .field("introspection_endpoint", &self.introspection_endpoint)
            .field("strict", &self.strict)
            .field("max_lifetime", &self.max_lifetime)
            .field("leeway", &self.leeway)
            .field("algorithms", &self.algorithms)
            .finish_non_exhaustive()
    }
}
