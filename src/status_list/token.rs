//! The Status List Token in JWT format (§5.1): signing one for a list, and
//! verifying one read from the network; and the `status` claim a
//! Referenced Token carries (§6.2).

use super::{Bits, StatusList, StatusListError};
use crate::jwt::{signed_claims, typ_is, JwtKey, Unsigned};
use jsonwebtoken::{decode_header, encode, Algorithm, EncodingKey, Header};
use serde::Deserialize;
use serde_json::json;
use std::fmt;

/// The media type of a Status List Token in JWT format (§8.1).
pub const MEDIA_TYPE: &str = "application/statuslist+jwt";

/// The `typ` header of a Status List Token in JWT format (§5.1).
pub const TYP: &str = "statuslist+jwt";

/// A Status List Token to sign (§5.1): the list, the `uri` it is published
/// at (its `sub`), and its times, in Unix seconds.
#[derive(Debug, Clone, Copy)]
pub struct StatusListToken<'a> {
    /// The list.
    pub list: &'a StatusList,
    /// `sub`: the URI the token is served at, which Referenced Tokens name
    /// in `status.status_list.uri`.
    pub uri: &'a str,
    /// `iat`.
    pub issued_at: u64,
    /// `exp`, RECOMMENDED.
    pub expires_at: Option<u64>,
    /// `ttl`: how long a consumer may cache the token, in seconds (> 0),
    /// RECOMMENDED.
    pub ttl: Option<u64>,
}

impl StatusListToken<'_> {
    /// The signed JWT, with header `typ` [`TYP`] and `kid` when given.
    ///
    /// # Errors
    /// When `key` cannot sign with `alg` (a key of another family).
    pub fn sign(
        &self,
        alg: Algorithm,
        key: &EncodingKey,
        kid: Option<&str>,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(alg);
        header.typ = Some(TYP.to_owned());
        header.kid = kid.map(str::to_owned);
        let mut claims = json!({
            "sub": self.uri,
            "iat": self.issued_at,
            "status_list": {"bits": self.list.bits().get(), "lst": self.list.to_lst()},
        });
        if let Some(exp) = self.expires_at {
            claims["exp"] = exp.into();
        }
        if let Some(ttl) = self.ttl {
            claims["ttl"] = ttl.into();
        }
        encode(&header, &claims, key)
    }
}

/// Verifies Status List Tokens read from the network (§8.3): `typ`, the
/// signature with one of the issuer's keys, `sub` equal to the URI the
/// Referenced Token named, `iat` present, `exp` not past (within the
/// leeway), `ttl` positive, and the list itself, decoded with a bound on
/// its size (§11.1).
#[derive(Debug, Clone)]
pub struct StatusListVerifier {
    keys: Vec<JwtKey>,
    leeway: u64,
    max_statuses: usize,
}

/// A verified Status List Token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedStatusList {
    /// The list.
    pub list: StatusList,
    /// `iat`, Unix seconds.
    pub issued_at: u64,
    /// `exp`, Unix seconds, if present.
    pub expires_at: Option<u64>,
    /// `ttl`, seconds, if present.
    pub ttl: Option<u64>,
}

/// Why a Status List Token was refused. `Display` names the check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusListTokenError {
    /// Not a JWT, or `typ` is not `statuslist+jwt`.
    NotAStatusList,
    /// No key of the issuer verifies the signature for its `alg`.
    InvalidSignature,
    /// `sub` is not the URI the token was fetched for.
    WrongUri,
    /// A required claim is missing or malformed (`iat`, `status_list`,
    /// `bits`, `ttl` not positive).
    InvalidClaims,
    /// `exp` is past.
    Expired,
    /// The list cannot be decoded, or is larger than allowed.
    List(StatusListError),
}

impl fmt::Display for StatusListTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAStatusList => f.write_str("not a statuslist+jwt"),
            Self::InvalidSignature => f.write_str("the signature does not verify"),
            Self::WrongUri => f.write_str("sub is not the status list's URI"),
            Self::InvalidClaims => f.write_str("a required claim is missing or malformed"),
            Self::Expired => f.write_str("the status list token has expired"),
            Self::List(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for StatusListTokenError {}

#[derive(Deserialize)]
struct Claims {
    sub: String,
    iat: u64,
    exp: Option<u64>,
    ttl: Option<u64>,
    status_list: ListClaim,
}

#[derive(Deserialize)]
struct ListClaim {
    bits: u64,
    lst: String,
}

impl StatusListVerifier {
    /// A verifier with the issuer's `keys`, a leeway of 30 s on `exp`, and
    /// lists of at most 2^24 statuses (16,777,216: 2 MiB at one bit).
    pub fn new(keys: impl IntoIterator<Item = JwtKey>) -> Self {
        Self {
            keys: keys.into_iter().collect(),
            leeway: 30,
            max_statuses: 1 << 24,
        }
    }

    /// How long past its `exp` a Status List Token is still accepted, for
    /// clocks that disagree (whole seconds; default 30 s). A cached list
    /// is used no longer than that either (see
    /// `StatusLists`, feature `status-list-fetch`).
    #[must_use]
    pub fn leeway(mut self, leeway: std::time::Duration) -> Self {
        self.leeway = leeway.as_secs();
        self
    }

    /// The leeway on `exp`, in seconds.
    pub fn leeway_secs(&self) -> u64 {
        self.leeway
    }

    /// The largest list accepted, in statuses.
    #[must_use]
    pub fn max_statuses(mut self, statuses: usize) -> Self {
        self.max_statuses = statuses;
        self
    }

    /// Verifies `token`, fetched from `uri`, at `now` (Unix seconds).
    ///
    /// # Errors
    /// The first check that fails, as a [`StatusListTokenError`].
    pub fn verify(
        &self,
        token: &str,
        uri: &str,
        now: u64,
    ) -> Result<VerifiedStatusList, StatusListTokenError> {
        let header = decode_header(token).map_err(|_| StatusListTokenError::NotAStatusList)?;
        if !header.typ.as_deref().is_some_and(|typ| typ_is(typ, TYP)) {
            return Err(StatusListTokenError::NotAStatusList);
        }
        let claims = self.signed_claims(token, header.alg, header.kid.as_deref())?;
        if claims.sub != uri {
            return Err(StatusListTokenError::WrongUri);
        }
        if claims
            .exp
            .is_some_and(|exp| exp.saturating_add(self.leeway) <= now)
        {
            return Err(StatusListTokenError::Expired);
        }
        let bits = Bits::from_value(claims.status_list.bits);
        let bits = bits.ok_or(StatusListTokenError::InvalidClaims)?;
        if claims.ttl == Some(0) {
            return Err(StatusListTokenError::InvalidClaims);
        }
        let list = StatusList::from_lst(bits, &claims.status_list.lst, self.max_statuses)
            .map_err(StatusListTokenError::List)?;
        Ok(VerifiedStatusList {
            list,
            issued_at: claims.iat,
            expires_at: claims.exp,
            ttl: claims.ttl,
        })
    }

    /// The claims, when a key of `alg` (and `kid`) verifies the signature.
    fn signed_claims(
        &self,
        token: &str,
        alg: Algorithm,
        kid: Option<&str>,
    ) -> Result<Claims, StatusListTokenError> {
        signed_claims(token, alg, kid, &self.keys).map_err(|unsigned| match unsigned {
            Unsigned::NoKey | Unsigned::BadSignature => StatusListTokenError::InvalidSignature,
            Unsigned::Malformed => StatusListTokenError::InvalidClaims,
        })
    }
}

/// The `status` claim of a Referenced Token (§6.2): where its status is,
/// `{"status_list": {"idx": 0, "uri": "https://..."}}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StatusReference {
    /// `idx`: the token's index in the list.
    pub idx: usize,
    /// `uri`: where the Status List Token is served.
    pub uri: String,
}

impl StatusReference {
    /// Reads the reference from a `status` claim's value; `None` when it
    /// has no well-formed `status_list` member.
    pub fn from_claim(status: &serde_json::Value) -> Option<Self> {
        serde_json::from_value(status.get("status_list")?.clone()).ok()
    }

    /// The `status` claim naming this reference.
    pub fn to_claim(&self) -> serde_json::Value {
        json!({"status_list": {"idx": self.idx, "uri": self.uri}})
    }
}

#[cfg(test)]
mod tests {
    use super::super::Status;
    use super::*;

    const URI: &str = "https://as.example/statuslists/1";
    const SECRET: &[u8] = b"a status list secret of 32 bytes at least";

    fn signed(list: &StatusList, exp: Option<u64>, typ: &str) -> String {
        let token = StatusListToken {
            list,
            uri: URI,
            issued_at: 1_000,
            expires_at: exp,
            ttl: Some(60),
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some(typ.into());
        let jwt = token
            .sign(
                Algorithm::HS256,
                &EncodingKey::from_secret(SECRET).unwrap(),
                None,
            )
            .unwrap();
        match typ == TYP {
            true => jwt,
            false => {
                let claims: serde_json::Value =
                    jsonwebtoken::dangerous::insecure_decode_claims(&jwt).unwrap();
                encode(&header, &claims, &EncodingKey::from_secret(SECRET).unwrap()).unwrap()
            }
        }
    }

    fn verifier() -> StatusListVerifier {
        StatusListVerifier::new([JwtKey::hs256(SECRET).unwrap()])
    }

    #[test]
    fn a_signed_list_verifies_with_its_claims() {
        let mut list = StatusList::new(Bits::One, 64);
        list.set(7, Status::INVALID).unwrap();
        let verified = verifier()
            .verify(&signed(&list, Some(2_000), TYP), URI, 1_500)
            .unwrap();
        assert_eq!(verified.list, list);
        assert_eq!(
            (verified.issued_at, verified.expires_at, verified.ttl),
            (1_000, Some(2_000), Some(60))
        );
        let header = decode_header(signed(&list, None, TYP)).unwrap();
        assert_eq!(header.typ.as_deref(), Some("statuslist+jwt"));
    }

    #[test]
    fn each_check_refuses_its_own_failure() {
        let list = StatusList::new(Bits::One, 64);
        let token = signed(&list, Some(2_000), TYP);
        let verify = |token: &str, uri: &str, now| verifier().verify(token, uri, now).map(drop);
        assert_eq!(
            verify(&token, "https://as.example/statuslists/2", 1_500),
            Err(StatusListTokenError::WrongUri)
        );
        assert_eq!(
            verify(&token, URI, 2_030),
            Err(StatusListTokenError::Expired)
        );
        assert_eq!(verify(&token, URI, 2_029), Ok(()));
        assert_eq!(
            verify(&signed(&list, None, "JWT"), URI, 0),
            Err(StatusListTokenError::NotAStatusList)
        );
        let other =
            StatusListVerifier::new([
                JwtKey::hs256(b"another secret of 32 bytes or more!!").unwrap()
            ]);
        assert_eq!(
            other.verify(&token, URI, 1_500).map(drop),
            Err(StatusListTokenError::InvalidSignature)
        );
        let small = verifier().max_statuses(8);
        assert_eq!(
            small.verify(&token, URI, 1_500).map(drop),
            Err(StatusListTokenError::List(StatusListError::TooLarge))
        );
    }

    #[test]
    fn the_status_claim_round_trips() {
        let reference = StatusReference {
            idx: 42,
            uri: URI.into(),
        };
        let claim = reference.to_claim();
        assert_eq!(claim, json!({"status_list": {"idx": 42, "uri": URI}}));
        assert_eq!(StatusReference::from_claim(&claim), Some(reference));
        assert_eq!(
            StatusReference::from_claim(&json!({"status_list": {"idx": -1, "uri": URI}})),
            None
        );
        assert_eq!(StatusReference::from_claim(&json!({"other": {}})), None);
    }
}
