//! Token Status Lists (draft-ietf-oauth-status-list, feature
//! `status-list`): the compressed bit array an issuer publishes so that
//! resource servers it never talks to learn which of its JWTs are revoked.
//!
//! This module holds the list itself (§4), its token (§5.1:
//! [`StatusListToken`] to sign one, [`StatusListVerifier`] to check one
//! read from the network) and the `status` claim of a Referenced Token
//! (§6.2, [`StatusReference`]). The list is a [`StatusList`] of statuses of
//! [`Bits`] bits each, packed from the least significant bit of each byte
//! (§4.1 step 3), and its `lst` encoding, DEFLATE in the ZLIB format at the
//! highest compression level, then base64url without padding (§4.1 step 4,
//! §4.2). Decoding is bounded ([`StatusList::from_lst`]), as §11.1 asks of
//! a relying party reading a list from the network.
//!
//! # The resource server's side (feature `status-list-fetch`)
//! A resource server that knows only the issuer refuses a revoked JWT
//! access token by its status list, with no store and no introspection
//! call (§8.3):
//! - [`VerifiedJwt::status_reference`](crate::jwt::VerifiedJwt::status_reference)
//!   reads the token's `status` claim (§6.2) once the
//!   [`JwtVerifier`](crate::jwt::JwtVerifier) has verified it;
//! - a [`StatusListSource`] gets the Status List Token at its `uri`:
//!   [`StatusListFetcher`] over https with
//!   `Accept: application/statuslist+jwt` (§8.1), bounded, on the HTTP
//!   client of [`JwksFetcher`](crate::jwt::JwksFetcher), or your own;
//! - [`StatusLists`] asks the source only for URIs under the issuers you
//!   configured, verifies each token with that issuer's
//!   [`StatusListVerifier`], caches it for its `ttl` within its `exp`
//!   (§11.5, §13.7), single-flight, and keeps the last good list while
//!   refreshes fail, until its `exp`;
//! - [`StatusCheckedStore`] is the [`IntrospectionStore`](crate::IntrospectionStore)
//!   that puts these together for a
//!   [`BearerAuthLayer`](crate::BearerAuthLayer): a token is active when
//!   it verifies and its status is VALID; a revoked, suspended or
//!   out-of-range one is refused (401 `invalid_token`); an unknown status
//!   (no valid list) is a 503 with `Retry-After`.
//!
//! ```no_run
//! # #[cfg(feature = "status-list-fetch")]
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use tower_revoke::jwt::{JwtKey, JwtVerifier};
//! use tower_revoke::status_list::{StatusCheckedStore, StatusListFetcher, StatusLists, StatusListVerifier};
//! use tower_revoke::BearerAuthLayer;
//!
//! let issuer = "https://as.example";
//! let keys = JwtKey::jwks(&std::fs::read_to_string("issuer-jwks.json")?)?;
//! let lists = StatusLists::new(StatusListFetcher::new().timeout(Duration::from_secs(3)))
//!     .issuer(issuer, StatusListVerifier::new(keys.clone()))
//!     .min_ttl(Duration::from_secs(10));
//! let verifier = JwtVerifier::new(issuer, keys).audience("https://api.example");
//! let guard = BearerAuthLayer::new(StatusCheckedStore::new(verifier, lists));
//! # let _ = guard;
//! # Ok(())
//! # }
//! # #[cfg(not(feature = "status-list-fetch"))]
//! # fn main() {}
//! ```
//!
//! # Example
//! The draft's own example (§4.1): 16 statuses of one bit.
//! ```
//! use tower_revoke::status_list::{Bits, Status, StatusList};
//!
//! let mut list = StatusList::new(Bits::One, 16);
//! for idx in [0, 3, 4, 5, 7, 8, 9, 13, 15] {
//!     list.set(idx, Status::INVALID).unwrap();
//! }
//! assert_eq!(list.as_bytes(), [0xB9, 0xA3]);
//! let decoded = StatusList::from_lst(Bits::One, "eNrbuRgAAhcBXQ", 1 << 20).unwrap();
//! assert_eq!(decoded.as_bytes(), list.as_bytes());
//! assert_eq!(StatusList::from_lst(Bits::One, &list.to_lst(), 16).unwrap().get(3), Some(Status::INVALID));
//! ```

mod issuer;
#[cfg(feature = "status-list-fetch")]
mod lists;
mod publish;
#[cfg(feature = "status-list-fetch")]
mod source;
#[cfg(feature = "status-list-fetch")]
mod store;
mod token;
#[cfg(feature = "status-list-fetch")]
mod verified;

pub use issuer::{SignedStatusList, StatusClaimError, StatusIssuer};
#[cfg(feature = "status-list-fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "status-list-fetch")))]
pub use lists::{StatusLists, StatusLookupError, Unavailable};
pub use publish::{ResponseFuture, StatusListAggregationService, StatusListService};
#[cfg(feature = "status-list-fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "status-list-fetch")))]
pub use source::{BoxFuture, StatusListFetchError, StatusListFetcher, StatusListSource};
#[cfg(feature = "status-list-fetch")]
#[cfg_attr(docsrs, doc(cfg(feature = "status-list-fetch")))]
pub use store::StatusCheckedStore;
pub use token::{
    StatusListToken, StatusListTokenError, StatusListVerifier, StatusReference, VerifiedStatusList,
    MEDIA_TYPE, TYP,
};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use std::fmt;
use std::io::{Read, Write};

/// How many bits each status takes (§4.1 step 1): 1, 2, 4 or 8, so that
/// a status never spans two bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bits {
    /// 1 bit: VALID or INVALID.
    One = 1,
    /// 2 bits: up to 4 statuses (SUSPENDED among them).
    Two = 2,
    /// 4 bits: up to 16 statuses.
    Four = 4,
    /// 8 bits: up to 256 statuses.
    Eight = 8,
}

impl Bits {
    /// The `bits` member's value (§4.2).
    pub const fn get(self) -> u8 {
        self as u8
    }

    /// The `bits` of a list read from JSON; `None` unless 1, 2, 4 or 8.
    pub const fn from_value(bits: u64) -> Option<Self> {
        match bits {
            1 => Some(Self::One),
            2 => Some(Self::Two),
            4 => Some(Self::Four),
            8 => Some(Self::Eight),
            _ => None,
        }
    }

    /// The largest status value that fits.
    const fn max(self) -> u8 {
        (((1u16) << (self as u16)) - 1) as u8
    }
}

/// A status value (§7): 0 to 255, with the registered ones named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Status(pub u8);

impl Status {
    /// `0x00`: the token is valid.
    pub const VALID: Self = Self(0x00);
    /// `0x01`: the token is revoked.
    pub const INVALID: Self = Self(0x01);
    /// `0x02`: the token is temporarily invalid.
    pub const SUSPENDED: Self = Self(0x02);
}

/// A status list: one status per index, every status VALID at first.
#[derive(Clone, PartialEq, Eq)]
pub struct StatusList {
    bits: Bits,
    len: usize,
    bytes: Vec<u8>,
}

/// Why a status could not be set or a list not read. `Display` names the
/// problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StatusListError {
    /// The index is past the end of the list.
    OutOfRange,
    /// The status does not fit in the list's `bits`.
    TooWide,
    /// `lst` is not base64url, or not ZLIB-compressed data.
    Malformed,
    /// `lst` decompresses to more statuses than the limit given.
    TooLarge,
}

impl fmt::Display for StatusListError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::OutOfRange => "the index is past the end of the status list",
            Self::TooWide => "the status does not fit in the list's bits",
            Self::Malformed => "lst is not base64url-encoded ZLIB data",
            Self::TooLarge => "lst holds more statuses than allowed",
        })
    }
}

impl std::error::Error for StatusListError {}

impl StatusList {
    /// A list of `len` statuses of `bits` bits, all VALID: `len * bits / 8`
    /// bytes, rounded up (§4.1 step 2).
    pub fn new(bits: Bits, len: usize) -> Self {
        let bytes = vec![0; (len * usize::from(bits.get())).div_ceil(8)];
        Self { bits, len, bytes }
    }

    /// The bits per status.
    pub fn bits(&self) -> Bits {
        self.bits
    }

    /// How many statuses the list holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list holds no status.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The uncompressed byte array (§4.1 step 3).
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The status at `idx`; `None` past the end.
    pub fn get(&self, idx: usize) -> Option<Status> {
        if idx >= self.len {
            return None;
        }
        let (byte, shift) = self.position(idx);
        Some(Status((self.bytes[byte] >> shift) & self.bits.max()))
    }

    /// Sets the status at `idx`.
    ///
    /// # Errors
    /// [`StatusListError::OutOfRange`] past the end,
    /// [`StatusListError::TooWide`] for a status over `bits` bits.
    pub fn set(&mut self, idx: usize, status: Status) -> Result<(), StatusListError> {
        if idx >= self.len {
            return Err(StatusListError::OutOfRange);
        }
        if status.0 > self.bits.max() {
            return Err(StatusListError::TooWide);
        }
        let (byte, shift) = self.position(idx);
        let mask = self.bits.max() << shift;
        self.bytes[byte] = (self.bytes[byte] & !mask) | (status.0 << shift);
        Ok(())
    }

    /// The byte holding `idx`'s status and the shift of its lowest bit:
    /// statuses fill each byte from the least significant bit (§4.1).
    fn position(&self, idx: usize) -> (usize, u32) {
        let bits = usize::from(self.bits.get());
        let bit = idx * bits;
        (bit / 8, (bit % 8) as u32)
    }

    /// The `lst` member (§4.2): the byte array compressed with DEFLATE in
    /// the ZLIB format at the highest level (RFC 1950, RFC 1951, §4.1 step
    /// 4), base64url-encoded without padding.
    pub fn to_lst(&self) -> String {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
        // Writing to a Vec cannot fail.
        let compressed = encoder
            .write_all(&self.bytes)
            .and_then(|()| encoder.finish())
            .unwrap_or_default();
        URL_SAFE_NO_PAD.encode(compressed)
    }

    /// Reads an `lst` of `bits` bits per status, holding at most
    /// `max_len` statuses: decompression stops past that many bytes, so a
    /// small `lst` cannot expand into gigabytes (§11.1). The list's length
    /// is what the bytes hold: `bytes * 8 / bits`.
    ///
    /// # Errors
    /// [`StatusListError::Malformed`] for bad base64url or ZLIB data,
    /// [`StatusListError::TooLarge`] past `max_len` statuses.
    pub fn from_lst(bits: Bits, lst: &str, max_len: usize) -> Result<Self, StatusListError> {
        let compressed = URL_SAFE_NO_PAD
            .decode(lst.trim_end_matches('='))
            .map_err(|_| StatusListError::Malformed)?;
        let per_byte = 8 / usize::from(bits.get());
        let max_bytes = max_len.div_ceil(per_byte);
        let mut bytes = Vec::new();
        let read = ZlibDecoder::new(&compressed[..])
            .take(max_bytes as u64 + 1)
            .read_to_end(&mut bytes);
        read.map_err(|_| StatusListError::Malformed)?;
        if bytes.len() > max_bytes {
            return Err(StatusListError::TooLarge);
        }
        let len = bytes.len() * per_byte;
        Ok(Self { bits, len, bytes })
    }
}

/// Shows the bits, the length and how many statuses are not VALID, not
/// the list.
impl fmt::Debug for StatusList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let not_valid = (0..self.len)
            .filter(|&idx| self.get(idx) != Some(Status::VALID))
            .count();
        f.debug_struct("StatusList")
            .field("bits", &self.bits.get())
            .field("len", &self.len)
            .field("not_valid", &not_valid)
            .finish()
    }
}

#[cfg(test)]
mod tests;
