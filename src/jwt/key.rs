//! [`JwtKey`]: a verification key and the algorithms it may verify, from
//! an HMAC secret, a public key (PEM or DER) or a JWKS document.

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::{JwkSet, PublicKeyUse};
use jsonwebtoken::{decode, Algorithm, DecodingKey, Validation};
use serde::de::DeserializeOwned;
use std::fmt;

/// One key a [`JwtVerifier`](super::JwtVerifier) may verify signatures
/// with, the algorithms it is allowed for (never `none`: `jsonwebtoken`
/// cannot even represent it) and, optionally, its key id (`kid`, RFC 7515
/// §4.1.4).
///
/// Every constructor allows only its own family of algorithms, so a public
/// key can never be used as an HMAC secret (the "algorithm confusion"
/// attack). Narrow the list further with [`algorithms`](Self::algorithms).
///
/// `Debug` shows the algorithms and key id, never key material.
#[derive(Clone)]
pub struct JwtKey {
    pub(crate) key: DecodingKey,
    pub(crate) algorithms: Vec<Algorithm>,
    pub(crate) kid: Option<Box<str>>,
}

/// Why a key could not be read. Its message never holds key material.
#[derive(Debug)]
pub struct JwtKeyError(String);

impl fmt::Display for JwtKeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for JwtKeyError {}

fn invalid(what: &str) -> impl FnOnce(jsonwebtoken::errors::Error) -> JwtKeyError + '_ {
    move |error| JwtKeyError(format!("{what}: {error}"))
}

impl JwtKey {
    /// An `HS256` shared secret (RFC 7518 §3.2), the raw bytes.
    ///
    /// # Errors
    /// When the secret is shorter than 32 bytes: RFC 7518 §3.2 requires a
    /// key at least as long as the hash output.
    ///
    /// # Security
    /// Anyone holding the secret can mint tokens: keep it out of logs and
    /// source code.
    pub fn hs256(secret: &[u8]) -> Result<Self, JwtKeyError> {
        if secret.len() < 32 {
            return Err(JwtKeyError(format!(
                "an HS256 secret must be at least 32 bytes (RFC 7518 §3.2), got {}",
                secret.len()
            )));
        }
        let key = DecodingKey::from_secret(secret).map_err(invalid("HS256 secret"))?;
        Ok(Self::of(key, vec![Algorithm::HS256]))
    }

    /// An RSA public key in PEM (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC
    /// KEY`), for `RS256`/`RS384`/`RS512`/`PS256`/`PS384`/`PS512`.
    ///
    /// # Errors
    /// When the PEM does not hold an RSA public key.
    pub fn rsa_pem(pem: &[u8]) -> Result<Self, JwtKeyError> {
        let key = DecodingKey::from_rsa_pem(pem).map_err(invalid("RSA public key"))?;
        Ok(Self::of_family(key))
    }

    /// An RSA public key as PKCS#1 DER.
    pub fn rsa_der(der: &[u8]) -> Self {
        Self::of_family(DecodingKey::from_rsa_der(der))
    }

    /// An elliptic-curve public key in PEM (P-256 for `ES256`, P-384 for
    /// `ES384`).
    ///
    /// # Errors
    /// When the PEM does not hold an EC public key.
    pub fn ec_pem(pem: &[u8]) -> Result<Self, JwtKeyError> {
        let key = DecodingKey::from_ec_pem(pem).map_err(invalid("EC public key"))?;
        Ok(Self::of_family(key))
    }

    /// An elliptic-curve public key as DER.
    pub fn ec_der(der: &[u8]) -> Self {
        Self::of_family(DecodingKey::from_ec_der(der))
    }

    /// An Ed25519 public key in PEM, for `EdDSA` (RFC 8037).
    ///
    /// # Errors
    /// When the PEM does not hold an Ed25519 public key.
    pub fn ed25519_pem(pem: &[u8]) -> Result<Self, JwtKeyError> {
        let key = DecodingKey::from_ed_pem(pem).map_err(invalid("Ed25519 public key"))?;
        Ok(Self::of_family(key))
    }

    /// An Ed25519 public key as DER.
    pub fn ed25519_der(der: &[u8]) -> Self {
        Self::of_family(DecodingKey::from_ed_der(der))
    }

    /// The signing keys of a JWKS document (RFC 7517 §5), each with its
    /// `kid` and, when the key names one, its `alg` only. Keys marked for
    /// encryption (`"use": "enc"`) and keys of unknown types are skipped.
    ///
    /// # Errors
    /// When the document is not a JWKS, or holds no usable signing key.
    pub fn jwks(json: &str) -> Result<Vec<Self>, JwtKeyError> {
        let set: JwkSet =
            serde_json::from_str(json).map_err(|e| JwtKeyError(format!("JWKS: {e}")))?;
        let mut keys = Vec::new();
        for jwk in &set.keys {
            if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
                continue;
            }
            let Ok(key) = DecodingKey::from_jwk(jwk) else {
                continue;
            };
            let mut key = Self::of_family(key);
            if let Some(alg) = jwk.common.key_algorithm {
                match Algorithm::try_from(alg) {
                    Ok(alg) if key.algorithms.contains(&alg) => key.algorithms = vec![alg],
                    _ => continue,
                }
            }
            key.kid = jwk.common.key_id.as_deref().map(Into::into);
            keys.push(key);
        }
        if keys.is_empty() {
            return Err(JwtKeyError("JWKS: no usable signing key".into()));
        }
        Ok(keys)
    }

    /// The key id (`kid`): a token whose header names a `kid` is verified
    /// only with the keys of that id (or without one).
    #[must_use]
    pub fn kid(mut self, kid: &str) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// Allows only these algorithms for this key.
    ///
    /// # Panics
    /// When an algorithm is not of the key's family (an HMAC algorithm for
    /// a public key, say), or none is given.
    #[must_use]
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Algorithm>) -> Self {
        let family = self.key.family();
        let algorithms: Vec<Algorithm> = algorithms.into_iter().collect();
        assert!(
            !algorithms.is_empty(),
            "JwtKey::algorithms: expected at least one algorithm"
        );
        for alg in &algorithms {
            assert!(
                alg.family() == family,
                "JwtKey::algorithms: {alg:?} cannot be used with a {family:?} key"
            );
        }
        self.algorithms = algorithms;
        self
    }

    /// The algorithms this key may verify.
    pub fn allowed_algorithms(&self) -> &[Algorithm] {
        &self.algorithms
    }

    /// Whether this key may verify a JWT whose header names `alg` and
    /// `kid`: `alg` is among its algorithms, and the key ids agree when
    /// both have one (RFC 7515 §4.1.4).
    pub(crate) fn accepts(&self, alg: Algorithm, kid: Option<&str>) -> bool {
        self.algorithms.contains(&alg)
            && (kid.is_none() || self.kid.is_none() || self.kid.as_deref() == kid)
    }

    fn of_family(key: DecodingKey) -> Self {
        let algorithms = key.family().algorithms().to_vec();
        Self::of(key, algorithms)
    }

    fn of(key: DecodingKey, algorithms: Vec<Algorithm>) -> Self {
        Self {
            key,
            algorithms,
            kid: None,
        }
    }
}

/// Why [`signed_claims`] found no claims.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unsigned {
    /// No key accepts the header's `alg` and `kid`.
    NoKey,
    /// Keys were tried; none verifies the signature.
    BadSignature,
    /// A key verified, or the token could not be read: the claims are not
    /// a `T`, or the token is malformed.
    Malformed,
}

/// The claims of `token`, signed with `alg` under `kid`, when one of
/// `keys` verifies its signature; no claim is checked (`exp`, `aud` and
/// the rest are the caller's).
pub(crate) fn signed_claims<T: DeserializeOwned>(
    token: &str,
    alg: Algorithm,
    kid: Option<&str>,
    keys: &[JwtKey],
) -> Result<T, Unsigned> {
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let mut error = Unsigned::NoKey;
    for key in keys.iter().filter(|key| key.accepts(alg, kid)) {
        match decode::<T>(token, &key.key, &validation) {
            Ok(data) => return Ok(data.claims),
            Err(e) if matches!(e.kind(), ErrorKind::InvalidSignature) => {
                error = Unsigned::BadSignature;
            }
            Err(_) => return Err(Unsigned::Malformed),
        }
    }
    Err(error)
}

impl fmt::Debug for JwtKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtKey")
            .field("algorithms", &self.algorithms)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hmac_secrets_are_refused() {
        assert!(JwtKey::hs256(b"too short").is_err());
        let key = JwtKey::hs256(&[7; 32]).unwrap();
        assert_eq!(key.allowed_algorithms(), [Algorithm::HS256]);
        assert!(!format!("{key:?}").contains("7, 7"), "{key:?}");
    }

    #[test]
    #[should_panic(expected = "cannot be used with")]
    fn a_public_key_algorithm_on_a_secret_panics() {
        let _ = JwtKey::hs256(&[7; 32])
            .unwrap()
            .algorithms([Algorithm::RS256]);
    }

    #[test]
    fn jwks_keys_keep_their_kid_and_alg_and_skip_encryption_keys() {
        let jwks = r#"{"keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "alg": "EdDSA",
             "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "OKP", "crv": "Ed25519", "kid": "enc", "use": "enc",
             "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
            {"kty": "unknown", "kid": "odd"}
        ]}"#;
        let keys = JwtKey::jwks(jwks).unwrap();
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].kid.as_deref(), Some("ed"));
        assert_eq!(keys[0].allowed_algorithms(), [Algorithm::EdDSA]);
        assert!(JwtKey::jwks(r#"{"keys": []}"#).is_err());
        assert!(JwtKey::jwks("not json").is_err());
    }
}
