//! [`JwtDenyList`] for [`CachedStore`]: forwarded, never cached.

use super::CachedStore;

forward_jwt_deny_list! {
    /// Every call goes to the store: the cache keeps introspection answers
    /// only. So a `jwt::JwtStore` outside the cache
    /// (`JwtStore<CachedStore<St>>`) asks the store's deny-list on every JWT,
    /// and a JWT revoked anywhere is refused at once, while opaque tokens are
    /// still answered from the cache.
    CachedStore
}
