//! [`JwtDenyList`]: what a store keeps to revoke JWT access tokens
//! (RFC 9068), which resource servers otherwise accept until they expire.

use super::StoreError;
use std::future::Future;
use std::sync::Arc;

/// What a deny-list knows of a verified JWT access token: the claims that
/// identify it (RFC 9068 §2.2). Not a secret: a JWT's `jti` cannot be used
/// as the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwtRecord<'a> {
    /// `iss`: the issuer; a `jti` is unique only within its issuer.
    pub issuer: &'a str,
    /// `jti`: the issuer's identifier of the token (RFC 7519 §4.1.7).
    pub jti: &'a str,
    /// `sub`: the resource owner the token acts for.
    pub subject: &'a str,
    /// `iat`: when the token was issued, in Unix seconds.
    pub issued_at: u64,
}

/// A deny-list of JWT access tokens revoked before their expiry, and of
/// subjects whose earlier JWTs were all revoked at once.
///
/// A JWT access token is checked by signature, not looked up, so revoking
/// one means remembering its (`iss`, `jti`) until it would have expired
/// anyway: the list never holds more than the live tokens. Bulk revocation
/// of a subject records a cutoff instead: every JWT of that subject issued
/// at or before it is refused, however many there are.
///
/// `jwt::JwtStore` (feature `jwt`) puts verified JWTs on
/// the list of the store it wraps, and checks it on every introspection.
/// Every store of this workspace implements it; the conformance kit
/// (`testkit`) checks it. Times are Unix seconds by the store's clock.
pub trait JwtDenyList: Send + Sync + 'static {
    /// Denies `jwt` until `until` (Unix seconds; after that, the entry may
    /// be forgotten). Returns `true` when the JWT was not denied before this
    /// call, `false` when it already was (of concurrent calls for one JWT,
    /// exactly one returns `true`). An earlier entry that has lapsed counts
    /// as absent.
    fn deny_jwt(
        &self,
        jwt: &JwtRecord<'_>,
        until: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Whether `jwt` is refused: its (`issuer`, `jti`) is denied and the
    /// entry has not lapsed, or its subject's cutoff (for its issuer) is at
    /// or after its `issued_at`.
    fn jwt_denied(
        &self,
        jwt: &JwtRecord<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The answer of [`jwt_denied`](Self::jwt_denied) when the store has it
    /// at hand (an in-process map), or `None` to wait for `jwt_denied`. The
    /// Bearer guard's fast path. The default is `None`.
    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        let _ = jwt;
        None
    }

    /// Refuses every JWT of `subject` from `issuer` issued at or before
    /// `cutoff` (Unix seconds): "log this user out everywhere" for JWT
    /// access tokens. A later cutoff replaces an earlier one; an earlier
    /// one changes nothing. Cutoffs are kept: one entry per subject.
    fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Implements [`JwtDenyList`] for a pointer type by deref.
macro_rules! forward_deny_list {
    ($($ptr:ty),+) => {$(
        impl<T: JwtDenyList> JwtDenyList for $ptr {
            fn deny_jwt(
                &self,
                jwt: &JwtRecord<'_>,
                until: u64,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                (**self).deny_jwt(jwt, until)
            }

            fn jwt_denied(
                &self,
                jwt: &JwtRecord<'_>,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                (**self).jwt_denied(jwt)
            }

            fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
                (**self).jwt_denied_now(jwt)
            }

            fn deny_subject_jwts(
                &self,
                issuer: &str,
                subject: &str,
                cutoff: u64,
            ) -> impl Future<Output = Result<(), StoreError>> + Send {
                (**self).deny_subject_jwts(issuer, subject, cutoff)
            }
        }
    )+};
}

forward_deny_list!(Arc<T>, Box<T>, &'static T);
