//! What a store keeps for `private_key_jwt` client authentication (RFC 7523
//! §2.2, §3): a client's registered public keys, and the assertions already
//! used.

use crate::client::ClientId;
use sha2::{Digest, Sha256};
use std::fmt;
use std::sync::Arc;

/// The public keys a client registered to sign its client assertions with
/// (RFC 7591 §2): a JWK Set by value (`jwks`) or by reference
/// (`jwks_uri`), never both ("MUST NOT both be present").
///
/// A JWK Set is kept as the JSON text it was registered with, checked to be
/// an object whose `keys` are public asymmetric keys (`kty` `RSA`, `EC` or
/// `OKP`, RFC 7518 §6, RFC 8037 §2) without private members: a symmetric
/// (`oct`) key is refused, as `client_secret_jwt` is not supported (a store
/// keeps only digests of client secrets, so an HMAC could never be checked).
///
/// # Example
/// ```
/// use tower_revoke::store::{ClientKeys, InvalidKeys};
///
/// let jwks = r#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
/// assert!(ClientKeys::jwks(jwks).is_ok());
/// assert_eq!(
///     ClientKeys::jwks(r#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#),
///     Err(InvalidKeys::NotAPublicKey)
/// );
/// assert!(ClientKeys::jwks_uri("https://client.example/jwks.json").is_ok());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub enum ClientKeys {
    /// A JWK Set (RFC 7517 §5), as JSON text.
    Jwks(Arc<str>),
    /// The URL of the client's JWK Set document, `https` or `http`.
    JwksUri(Arc<str>),
}

/// The names of private key members (RFC 7518 §6.2.2, §6.3.2, §6.4.1;
/// RFC 8037 §2) that a registered public key must not carry.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

impl ClientKeys {
    /// A JWK Set given as JSON text.
    ///
    /// # Errors
    /// [`InvalidKeys`] when it is not a JSON object with a non-empty `keys`
    /// list of public `RSA`, `EC` or `OKP` keys.
    pub fn jwks(json: &str) -> Result<Self, InvalidKeys> {
        let set: serde_json::Value =
            serde_json::from_str(json).map_err(|_| InvalidKeys::NotJson)?;
        let keys = set.get("keys").and_then(|keys| keys.as_array());
        let keys = keys
            .filter(|keys| !keys.is_empty())
            .ok_or(InvalidKeys::NoKeys)?;
        for key in keys {
            let key = key.as_object().ok_or(InvalidKeys::NotAPublicKey)?;
            let kty = key.get("kty").and_then(|kty| kty.as_str());
            let asymmetric = matches!(kty, Some("RSA" | "EC" | "OKP"));
            if !asymmetric || PRIVATE_MEMBERS.iter().any(|m| key.contains_key(*m)) {
                return Err(InvalidKeys::NotAPublicKey);
            }
        }
        Ok(Self::Jwks(json.into()))
    }

    /// A `jwks_uri`: an absolute `https` URL, or `http` (which only a
    /// verifier switched to allow loopback http will fetch).
    ///
    /// # Errors
    /// [`InvalidKeys::NotAUrl`] for anything else.
    pub fn jwks_uri(uri: &str) -> Result<Self, InvalidKeys> {
        let rest = uri
            .strip_prefix("https://")
            .or_else(|| uri.strip_prefix("http://"));
        let host = rest.and_then(|rest| rest.split(['/', '?', '#']).next());
        let printable = uri.bytes().all(|b| b.is_ascii_graphic());
        match host {
            Some(host) if !host.is_empty() && printable => Ok(Self::JwksUri(uri.into())),
            _ => Err(InvalidKeys::NotAUrl),
        }
    }
}

/// Shows which form the keys take and the `jwks_uri`, not the key set.
impl fmt::Debug for ClientKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Jwks(_) => f.write_str("Jwks(..)"),
            Self::JwksUri(uri) => f.debug_tuple("JwksUri").field(uri).finish(),
        }
    }
}

/// Why client keys were refused. `Display` describes the problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum InvalidKeys {
    /// The JWK Set is not JSON.
    NotJson,
    /// The JWK Set has no `keys` list, or an empty one.
    NoKeys,
    /// A key is not a public `RSA`, `EC` or `OKP` key.
    NotAPublicKey,
    /// The `jwks_uri` is not an `https` or `http` URL.
    NotAUrl,
    /// Both `jwks` and `jwks_uri` were given (RFC 7591 §2).
    Both,
}

impl fmt::Display for InvalidKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotJson => "expected a JWK Set (a JSON object)",
            Self::NoKeys => "expected a JWK Set with a non-empty \"keys\" list",
            Self::NotAPublicKey => {
                "expected public keys only (kty RSA, EC or OKP, no private members)"
            }
            Self::NotAUrl => "expected an https (or http) URL",
            Self::Both => "jwks and jwks_uri must not both be present (RFC 7591 §2)",
        })
    }
}

impl std::error::Error for InvalidKeys {}

/// The key a store files a used client assertion under: the SHA-256 of the
/// client id and the assertion's `jti` (RFC 7519 §4.1.7), so that stores
/// keep 32 bytes, never the `jti` itself, and two clients' `jti`s never
/// collide (RFC 7523 §3 item 7: "unique ... for the issuer").
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AssertionDigest([u8; 32]);

impl AssertionDigest {
    /// The digest of `client_id`'s assertion `jti`: SHA-256 over the
    /// client id's length (8 bytes, big-endian), the client id, then the
    /// `jti`, so no two pairs share an input.
    pub fn of(client_id: &ClientId, jti: &str) -> Self {
        let id = client_id.as_str().as_bytes();
        let mut hash = Sha256::new();
        hash.update((id.len() as u64).to_be_bytes());
        hash.update(id);
        hash.update(jti.as_bytes());
        Self(hash.finalize().into())
    }

    /// The 32 digest bytes, to store.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for AssertionDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d, ..] = self.0;
        write!(f, "AssertionDigest({a:02x}{b:02x}{c:02x}{d:02x}…)")
    }
}

/// Whether a client assertion's `jti` was used before (see
/// [`ClientAssertionStore::use_assertion`](crate::ClientAssertionStore::use_assertion)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum AssertionUse {
    /// The first use: now recorded until the assertion's expiry.
    First,
    /// Used before, and the record has not expired: a replay (RFC 7523 §3
    /// item 7), refused as `invalid_client`.
    Replayed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_symmetric_keys_are_refused() {
        let rsa_private = r#"{"keys": [{"kty": "RSA", "n": "AQAB", "e": "AQAB", "d": "AQAB"}]}"#;
        assert_eq!(
            ClientKeys::jwks(rsa_private),
            Err(InvalidKeys::NotAPublicKey)
        );
        assert_eq!(
            ClientKeys::jwks(r#"{"keys": []}"#),
            Err(InvalidKeys::NoKeys)
        );
        assert_eq!(ClientKeys::jwks("[1]"), Err(InvalidKeys::NoKeys));
        assert_eq!(ClientKeys::jwks("{"), Err(InvalidKeys::NotJson));
        let ec = r#"{"keys": [{"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"}]}"#;
        assert!(ClientKeys::jwks(ec).is_ok());
    }

    #[test]
    fn a_jwks_uri_is_an_http_url_with_a_host() {
        for bad in ["", "https://", "ftp://x/jwks", "https://a b/", "/jwks"] {
            assert_eq!(
                ClientKeys::jwks_uri(bad),
                Err(InvalidKeys::NotAUrl),
                "{bad}"
            );
        }
        assert!(ClientKeys::jwks_uri("http://127.0.0.1:8080/jwks").is_ok());
    }

    #[test]
    fn assertion_digests_separate_clients() {
        let (ab, a) = (ClientId::new("ab").unwrap(), ClientId::new("a").unwrap());
        assert_ne!(AssertionDigest::of(&ab, "c"), AssertionDigest::of(&a, "bc"));
        assert_eq!(AssertionDigest::of(&a, "x"), AssertionDigest::of(&a, "x"));
    }
}
