//! [`JwtVerifier`]: checks a JWT access token as RFC 9068 §4 asks, on
//! `jsonwebtoken`.

use super::claims::{Claims, VerifiedJwt};
use super::key::JwtKey;
use jsonwebtoken::crypto::CryptoProvider;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Algorithm, Validation};
use std::fmt;
use std::time::Duration;

/// Verifies JWT access tokens (RFC 9068 §4) of one issuer:
/// - the header: `typ` is `at+jwt` or `application/at+jwt` (§4, any case),
///   `alg` is on the allow-list (never `none`, which `jsonwebtoken` cannot
///   even parse), a key of a matching `kid` and algorithm exists;
/// - the signature, with that key;
/// - the claims: `iss` is the issuer; `aud` holds the
///   [audience](Self::audience) when one is configured; `exp` is not past
///   and `nbf` (if present) not ahead, each within the
///   [leeway](Self::leeway); `sub`, `client_id`, `iat` and `jti` are
///   present (§2.2).
///
/// A token that fails any check is, to the stores and endpoints, simply
/// not a JWT access token of this issuer.
///
/// # Example
/// ```
/// use tower_revoke::jwt::{JwtKey, JwtVerifier};
///
/// let secret = b"a shared secret of at least 32 bytes!";
/// let verifier = JwtVerifier::new("https://as.example", [JwtKey::hs256(secret).unwrap()])
///     .audience("https://api.example")
///     .leeway(std::time::Duration::from_secs(10));
/// assert!(verifier.verify("not.a.jwt").is_err());
/// ```
#[derive(Clone)]
pub struct JwtVerifier {
    issuer: Box<str>,
    keys: Box<[JwtKey]>,
    audience: Option<Box<str>>,
    leeway: u64,
    algorithms: Option<Box<[Algorithm]>>,
}

/// Why a token did not verify. The messages are fixed texts: they never
/// quote the token or its claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum JwtError {
    /// Not three base64url parts with a JSON header and payload, or a header
    /// that does not parse (such as `"alg": "none"`).
    Malformed,
    /// `typ` is not `at+jwt` (RFC 9068 §4).
    NotAnAccessToken,
    /// `alg` is not on the allow-list.
    AlgorithmNotAllowed,
    /// No key of the token's `kid` for its `alg`.
    UnknownKey,
    /// The signature does not verify with any candidate key.
    InvalidSignature,
    /// `exp` is past, beyond the leeway.
    Expired,
    /// `nbf` is ahead, beyond the leeway.
    NotYetValid,
    /// `iss` is not the issuer.
    WrongIssuer,
    /// `aud` does not name the configured audience.
    WrongAudience,
    /// A required claim is missing or malformed (RFC 9068 §2.2).
    InvalidClaims,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the token is not a well-formed JWT",
            Self::NotAnAccessToken => "the JWT's typ is not at+jwt",
            Self::AlgorithmNotAllowed => "the JWT's alg is not allowed",
            Self::UnknownKey => "no key for the JWT's kid and alg",
            Self::InvalidSignature => "the JWT's signature does not verify",
            Self::Expired => "the JWT has expired",
            Self::NotYetValid => "the JWT is not yet valid",
            Self::WrongIssuer => "the JWT's iss is not the issuer",
            Self::WrongAudience => "the JWT's aud does not name this audience",
            Self::InvalidClaims => "the JWT lacks a required claim or has a malformed one",
        })
    }
}

impl std::error::Error for JwtError {}

impl JwtVerifier {
    /// The default leeway on `exp` and `nbf`: 30 seconds of clock skew.
    pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(30);

    /// A verifier of the tokens of `issuer` (compared exactly with `iss`),
    /// signed with any of `keys`. No audience is required until
    /// [`audience`](Self::audience) is set.
    ///
    /// # Panics
    /// When `issuer` is empty or no key is given.
    pub fn new(issuer: &str, keys: impl IntoIterator<Item = JwtKey>) -> Self {
        let keys: Box<[JwtKey]> = keys.into_iter().collect();
        assert!(
            !issuer.is_empty(),
            "JwtVerifier::new: the issuer must not be empty"
        );
        assert!(
            !keys.is_empty(),
            "JwtVerifier::new: expected at least one key"
        );
        // The RustCrypto provider, unless the application installed another.
        if CryptoProvider::try_get_default().is_none() {
            let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        }
        Self {
            issuer: issuer.into(),
            keys,
            audience: None,
            leeway: Self::DEFAULT_LEEWAY.as_secs(),
            algorithms: None,
        }
    }

    /// Requires `aud` to name `audience` (RFC 9068 §4: the resource
    /// server's identifier). Default: `aud` is not checked.
    #[must_use]
    pub fn audience(mut self, audience: &str) -> Self {
        self.audience = Some(audience.into());
        self
    }

    /// How far `exp` may be past and `nbf` ahead, for clock skew, in whole
    /// seconds. Default [`DEFAULT_LEEWAY`](Self::DEFAULT_LEEWAY).
    ///
    /// # Panics
    /// Over five minutes: a revoked token's deny-list entry is kept this
    /// much longer, and an expired token works this much longer.
    #[must_use]
    pub fn leeway(mut self, leeway: Duration) -> Self {
        assert!(
            leeway <= Duration::from_secs(300),
            "JwtVerifier::leeway: at most five minutes, got {leeway:?}"
        );
        self.leeway = leeway.as_secs();
        self
    }

    /// Allows only these algorithms, whatever the keys allow. Default: the
    /// keys' own.
    ///
    /// # Panics
    /// When none is given.
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        let algorithms: Box<[Algorithm]> = algorithms.into_iter().collect();
        assert!(
            !algorithms.is_empty(),
            "JwtVerifier::algorithms: expected at least one algorithm"
        );
        self.algorithms = Some(algorithms);
        self
    }

    /// The issuer, as given.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The leeway, in seconds.
    pub fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    /// Whether `token` has the shape of a JWS compact serialization (three
    /// parts separated by dots), so that it is worth verifying.
    pub fn looks_like_jwt(token: &str) -> bool {
        token.bytes().filter(|&b| b == b'.').count() == 2
    }

    /// Verifies `token` and returns its claims.
    ///
    /// # Errors
    /// The first check it fails, as a [`JwtError`].
    ///
    /// # Security
    /// `token` is the credential: do not log it.
    pub fn verify(&self, token: &str) -> Result<VerifiedJwt, JwtError> {
        if !Self::looks_like_jwt(token) {
            return Err(JwtError::Malformed);
        }
        let header = decode_header(token).map_err(|_| JwtError::Malformed)?;
        if !header
            .typ
            .as_deref()
            .is_some_and(|typ| typ_is(typ, "at+jwt"))
        {
            return Err(JwtError::NotAnAccessToken);
        }
        let alg = header.alg;
        if self
            .algorithms
            .as_ref()
            .is_some_and(|allowed| !allowed.contains(&alg))
        {
            return Err(JwtError::AlgorithmNotAllowed);
        }
        let kid = header.kid.as_deref();
        let candidates = self.keys.iter().filter(|key| key.accepts(alg, kid));
        let validation = self.validation(alg);
        let mut error = JwtError::UnknownKey;
        for key in candidates {
            match decode::<Claims>(token, &key.key, &validation) {
                Ok(data) => return self.claims(data.claims),
                Err(e) if matches!(e.kind(), ErrorKind::InvalidSignature) => {
                    error = JwtError::InvalidSignature;
                }
                Err(e) => return Err(error_of(e.kind())),
            }
        }
        Err(error)
    }

    /// The verified claims of `token` if it is a JWT access token of this
    /// issuer; logs why not (never the token) at TRACE. What the stores
    /// that verify JWTs ask.
    pub(crate) fn access_token(&self, token: &str) -> Option<VerifiedJwt> {
        if !Self::looks_like_jwt(token) {
            return None;
        }
        match self.verify(token) {
            Ok(jwt) => Some(jwt),
            Err(error) => {
                tracing::trace!(%error, "not a JWT access token of this issuer");
                None
            }
        }
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        validation.set_issuer(&[&*self.issuer]);
        let mut required = vec!["exp", "iss", "sub"];
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[&**audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        validation
    }

    /// The verified token, checked once more where the claims are ours.
    fn claims(&self, claims: Claims) -> Result<VerifiedJwt, JwtError> {
        let jwt = claims.into_verified().ok_or(JwtError::InvalidClaims)?;
        if jwt.issuer != *self.issuer {
            return Err(JwtError::WrongIssuer);
        }
        if let Some(audience) = &self.audience {
            if !jwt.audience.iter().any(|aud| **aud == **audience) {
                return Err(JwtError::WrongAudience);
            }
        }
        Ok(jwt)
    }
}

/// Whether a `typ` header names the media type `subtype`: compared
/// without regard to case, the `application/` prefix optional (RFC 7515
/// §4.1.9).
pub(crate) fn typ_is(typ: &str, subtype: &str) -> bool {
    let named = match typ.get(..12) {
        Some(prefix) if prefix.eq_ignore_ascii_case("application/") => &typ[12..],
        _ => typ,
    };
    named.eq_ignore_ascii_case(subtype)
}

fn error_of(kind: &ErrorKind) -> JwtError {
    match kind {
        ErrorKind::InvalidSignature => JwtError::InvalidSignature,
        ErrorKind::ExpiredSignature => JwtError::Expired,
        ErrorKind::ImmatureSignature => JwtError::NotYetValid,
        ErrorKind::InvalidIssuer => JwtError::WrongIssuer,
        ErrorKind::InvalidAudience => JwtError::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) if claim == "aud" => JwtError::WrongAudience,
        ErrorKind::InvalidAlgorithm => JwtError::AlgorithmNotAllowed,
        ErrorKind::MissingRequiredClaim(_)
        | ErrorKind::InvalidClaimFormat(_)
        | ErrorKind::Json(_) => JwtError::InvalidClaims,
        ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => JwtError::Malformed,
        _ => JwtError::InvalidSignature,
    }
}

/// Shows the issuer, audience, leeway and keys (without key material).
impl fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("leeway", &self.leeway)
            .field("algorithms", &self.algorithms)
            .field("keys", &self.keys)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jsonwebtoken::{encode, EncodingKey, Header};

    const SECRET: &[u8] = b"a shared secret of at least 32 bytes!";

    fn verifier() -> JwtVerifier {
        JwtVerifier::new("https://as", [JwtKey::hs256(SECRET).unwrap()])
    }

    fn token(typ: Option<&str>, exp_offset: i64) -> String {
        let now = jsonwebtoken::get_current_timestamp() as i64;
        let claims = serde_json::json!({
            "iss": "https://as", "sub": "alice", "client_id": "app1", "jti": "j1",
            "iat": now, "exp": now + exp_offset,
        });
        let mut header = Header::new(Algorithm::HS256);
        header.typ = typ.map(str::to_owned);
        encode(&header, &claims, &EncodingKey::from_secret(SECRET).unwrap()).unwrap()
    }

    #[test]
    fn both_spellings_of_the_access_token_type_are_accepted_in_any_case() {
        for typ in [
            "at+jwt",
            "AT+JWT",
            "application/at+jwt",
            "Application/At+Jwt",
        ] {
            assert!(verifier().verify(&token(Some(typ), 60)).is_ok(), "{typ}");
        }
        for typ in [Some("JWT"), Some("at+jwt; x"), None] {
            let refused = verifier().verify(&token(typ, 60));
            assert_eq!(refused.unwrap_err(), JwtError::NotAnAccessToken, "{typ:?}");
        }
    }

    #[test]
    fn the_leeway_bounds_expiry() {
        assert!(verifier().verify(&token(Some("at+jwt"), -10)).is_ok());
        let expired = verifier().verify(&token(Some("at+jwt"), -31));
        assert_eq!(expired.unwrap_err(), JwtError::Expired);
        let strict = verifier().leeway(Duration::ZERO);
        assert_eq!(
            strict.verify(&token(Some("at+jwt"), -10)).unwrap_err(),
            JwtError::Expired
        );
    }

    #[test]
    fn debug_and_errors_never_show_the_key_or_the_token() {
        let debug = format!("{:?}", verifier());
        assert!(!debug.contains("shared secret"), "{debug}");
        let token = token(Some("JWT"), 60);
        let error = verifier().verify(&token).unwrap_err().to_string();
        assert!(!error.contains(&token[..20]), "{error}");
        assert_eq!(verifier().verify("a.b").unwrap_err(), JwtError::Malformed);
    }
}
