//! [`JwtDenyList`] for [`CachedStore`]: forwarded, never cached.

use super::CachedStore;
use crate::store::{JwtDenyList, JwtRecord, StoreError};

/// Every call goes to the store: the cache keeps introspection answers
/// only. So a `jwt::JwtStore` outside the cache
/// (`JwtStore<CachedStore<St>>`) asks the store's deny-list on every JWT,
/// and a JWT revoked anywhere is refused at once, while opaque tokens are
/// still answered from the cache.
impl<St: JwtDenyList> JwtDenyList for CachedStore<St> {
    async fn deny_jwt(&self, jwt: &JwtRecord<'_>, until: u64) -> Result<bool, StoreError> {
        self.get_ref().deny_jwt(jwt, until).await
    }

    async fn jwt_denied(&self, jwt: &JwtRecord<'_>) -> Result<bool, StoreError> {
        self.get_ref().jwt_denied(jwt).await
    }

    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        self.get_ref().jwt_denied_now(jwt)
    }

    async fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> Result<(), StoreError> {
        self.get_ref()
            .deny_subject_jwts(issuer, subject, cutoff)
            .await
    }
}
