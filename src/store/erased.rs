//! The store traits as trait objects, one by one: a dyn-compatible twin of
//! each trait, with boxed futures (see the `store` module docs).

use super::{
    ActiveToken, AuthenticatedClient, ClientEntry, IntrospectionStore, IssuanceStore, JwtDenyList,
    JwtRecord, Recording, Registration, RevocationOutcome, RevocationStore, Rotation,
    RotationOutcome, StoreError, SubjectRevocationStore, TokenEntry,
};
use crate::client::ClientCredentials;
use crate::request::{RevocationRequest, Token};
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, `Send` future borrowing what it was called with for `'a`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// [`RevocationStore`], dyn-compatible: `Arc<dyn DynRevocationStore>`
/// implements [`RevocationStore`]. Implemented for every
/// [`RevocationStore`].
pub trait DynRevocationStore: Send + Sync + 'static {
    /// [`RevocationStore::authenticate_client`], boxed.
    fn authenticate_client<'a>(
        &'a self,
        credentials: &'a ClientCredentials,
    ) -> BoxFuture<'a, Result<Option<AuthenticatedClient>, StoreError>>;

    /// [`RevocationStore::revoke`], boxed.
    fn revoke<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        request: &'a RevocationRequest,
    ) -> BoxFuture<'a, Result<RevocationOutcome, StoreError>>;
}

/// [`IntrospectionStore`], dyn-compatible: `Arc<dyn DynIntrospectionStore>`
/// implements [`IntrospectionStore`]. Implemented for every
/// [`IntrospectionStore`].
pub trait DynIntrospectionStore: Send + Sync + 'static {
    /// [`IntrospectionStore::introspect`], boxed.
    fn introspect<'a>(
        &'a self,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<Option<ActiveToken>, StoreError>>;

    /// [`IntrospectionStore::introspect_now`], as it is.
    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>>;
}

/// [`SubjectRevocationStore`], dyn-compatible:
/// `Arc<dyn DynSubjectRevocationStore>` implements
/// [`SubjectRevocationStore`]. Implemented for every
/// [`SubjectRevocationStore`].
pub trait DynSubjectRevocationStore: Send + Sync + 'static {
    /// [`SubjectRevocationStore::revoke_subject_tokens`], boxed.
    fn revoke_subject_tokens<'a>(
        &'a self,
        subject: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;
}

/// [`JwtDenyList`], dyn-compatible: `Arc<dyn DynJwtDenyList>` implements
/// [`JwtDenyList`]. Implemented for every [`JwtDenyList`].
pub trait DynJwtDenyList: Send + Sync + 'static {
    /// [`JwtDenyList::deny_jwt`], boxed.
    fn deny_jwt<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
        until: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// [`JwtDenyList::jwt_denied`], boxed.
    fn jwt_denied<'a>(&'a self, jwt: &'a JwtRecord<'a>) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// [`JwtDenyList::jwt_denied_now`], as it is.
    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>>;

    /// [`JwtDenyList::deny_subject_jwts`], boxed.
    fn deny_subject_jwts<'a>(
        &'a self,
        issuer: &'a str,
        subject: &'a str,
        cutoff: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// [`IssuanceStore`], dyn-compatible: `Arc<dyn DynIssuanceStore>`
/// implements [`IssuanceStore`]. Implemented for every [`IssuanceStore`].
pub trait DynIssuanceStore: Send + Sync + 'static {
    /// [`IssuanceStore::register_client`], boxed.
    fn register_client<'a>(
        &'a self,
        client: &'a ClientEntry,
    ) -> BoxFuture<'a, Result<Registration, StoreError>>;

    /// [`IssuanceStore::record_token`], boxed.
    fn record_token<'a>(
        &'a self,
        token: &'a TokenEntry,
    ) -> BoxFuture<'a, Result<Recording, StoreError>>;

    /// [`IssuanceStore::rotate_refresh_token`], boxed.
    fn rotate_refresh_token<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        rotation: &'a Rotation,
    ) -> BoxFuture<'a, Result<RotationOutcome, StoreError>>;
}

impl<T: IssuanceStore> DynIssuanceStore for T {
    fn register_client<'a>(
        &'a self,
        client: &'a ClientEntry,
    ) -> BoxFuture<'a, Result<Registration, StoreError>> {
        Box::pin(IssuanceStore::register_client(self, client))
    }

    fn record_token<'a>(
        &'a self,
        token: &'a TokenEntry,
    ) -> BoxFuture<'a, Result<Recording, StoreError>> {
        Box::pin(IssuanceStore::record_token(self, token))
    }

    fn rotate_refresh_token<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        rotation: &'a Rotation,
    ) -> BoxFuture<'a, Result<RotationOutcome, StoreError>> {
        Box::pin(IssuanceStore::rotate_refresh_token(self, client, rotation))
    }
}

/// The five twins at once: what [`BoxStore`] holds. Implemented for every
/// store implementing the five store traits.
pub trait DynStore:
    DynRevocationStore
    + DynIntrospectionStore
    + DynSubjectRevocationStore
    + DynJwtDenyList
    + DynIssuanceStore
{
}

impl<T> DynStore for T where
    T: DynRevocationStore
        + DynIntrospectionStore
        + DynSubjectRevocationStore
        + DynJwtDenyList
        + DynIssuanceStore
{
}

impl<T: RevocationStore> DynRevocationStore for T {
    fn authenticate_client<'a>(
        &'a self,
        credentials: &'a ClientCredentials,
    ) -> BoxFuture<'a, Result<Option<AuthenticatedClient>, StoreError>> {
        Box::pin(RevocationStore::authenticate_client(self, credentials))
    }

    fn revoke<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        request: &'a RevocationRequest,
    ) -> BoxFuture<'a, Result<RevocationOutcome, StoreError>> {
        Box::pin(RevocationStore::revoke(self, client, request))
    }
}

impl<T: IntrospectionStore> DynIntrospectionStore for T {
    fn introspect<'a>(
        &'a self,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<Option<ActiveToken>, StoreError>> {
        Box::pin(IntrospectionStore::introspect(self, token))
    }

    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        IntrospectionStore::introspect_now(self, token)
    }
}

impl<T: SubjectRevocationStore> DynSubjectRevocationStore for T {
    fn revoke_subject_tokens<'a>(
        &'a self,
        subject: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(SubjectRevocationStore::revoke_subject_tokens(
            self, subject, labels,
        ))
    }
}

impl<T: JwtDenyList> DynJwtDenyList for T {
    fn deny_jwt<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
        until: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(JwtDenyList::deny_jwt(self, jwt, until))
    }

    fn jwt_denied<'a>(&'a self, jwt: &'a JwtRecord<'a>) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(JwtDenyList::jwt_denied(self, jwt))
    }

    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        JwtDenyList::jwt_denied_now(self, jwt)
    }

    fn deny_subject_jwts<'a>(
        &'a self,
        issuer: &'a str,
        subject: &'a str,
        cutoff: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(JwtDenyList::deny_subject_jwts(
            self, issuer, subject, cutoff,
        ))
    }
}

// Each store trait for the trait objects that have its twin. The boxed
// future is awaited inside an `async` block: the block borrows each
// argument for its own lifetime, as the trait's `impl Future` does, where
// the box alone would name one lifetime for all of them.
macro_rules! store_traits_for_dyn {
    (RevocationStore for $($ty:ty),+) => {$(
        impl RevocationStore for $ty {
            fn authenticate_client(
                &self,
                credentials: &ClientCredentials,
            ) -> impl Future<Output = Result<Option<AuthenticatedClient>, StoreError>> + Send {
                async move { DynRevocationStore::authenticate_client(self, credentials).await }
            }

            fn revoke(
                &self,
                client: &AuthenticatedClient,
                request: &RevocationRequest,
            ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send {
                async move { DynRevocationStore::revoke(self, client, request).await }
            }
        }
    )+};
    (IntrospectionStore for $($ty:ty),+) => {$(
        impl IntrospectionStore for $ty {
            fn introspect(
                &self,
                token: &Token,
            ) -> impl Future<Output = Result<Option<ActiveToken>, StoreError>> + Send {
                async move { DynIntrospectionStore::introspect(self, token).await }
            }

            fn introspect_now(
                &self,
                token: &str,
            ) -> Option<Result<Option<ActiveToken>, StoreError>> {
                DynIntrospectionStore::introspect_now(self, token)
            }
        }
    )+};
    (SubjectRevocationStore for $($ty:ty),+) => {$(
        impl SubjectRevocationStore for $ty {
            fn revoke_subject_tokens(
                &self,
                subject: &str,
                labels: &[(&str, &str)],
            ) -> impl Future<Output = Result<u64, StoreError>> + Send {
                async move {
                    DynSubjectRevocationStore::revoke_subject_tokens(self, subject, labels).await
                }
            }
        }
    )+};
    (IssuanceStore for $($ty:ty),+) => {$(
        impl IssuanceStore for $ty {
            async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
                DynIssuanceStore::register_client(self, client).await
            }

            async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
                DynIssuanceStore::record_token(self, token).await
            }

            async fn rotate_refresh_token(
                &self,
                client: &AuthenticatedClient,
                rotation: &Rotation,
            ) -> Result<RotationOutcome, StoreError> {
                DynIssuanceStore::rotate_refresh_token(self, client, rotation).await
            }
        }
    )+};
    (JwtDenyList for $($ty:ty),+) => {$(
        impl JwtDenyList for $ty {
            fn deny_jwt(
                &self,
                jwt: &JwtRecord<'_>,
                until: u64,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                async move { DynJwtDenyList::deny_jwt(self, jwt, until).await }
            }

            fn jwt_denied(
                &self,
                jwt: &JwtRecord<'_>,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                async move { DynJwtDenyList::jwt_denied(self, jwt).await }
            }

            fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
                DynJwtDenyList::jwt_denied_now(self, jwt)
            }

            fn deny_subject_jwts(
                &self,
                issuer: &str,
                subject: &str,
                cutoff: u64,
            ) -> impl Future<Output = Result<(), StoreError>> + Send {
                async move {
                    DynJwtDenyList::deny_subject_jwts(self, issuer, subject, cutoff).await
                }
            }
        }
    )+};
}

store_traits_for_dyn!(IssuanceStore for dyn DynIssuanceStore, dyn DynStore);
store_traits_for_dyn!(RevocationStore for dyn DynRevocationStore, dyn DynStore);
store_traits_for_dyn!(IntrospectionStore for dyn DynIntrospectionStore, dyn DynStore);
store_traits_for_dyn!(SubjectRevocationStore for dyn DynSubjectRevocationStore, dyn DynStore);
store_traits_for_dyn!(JwtDenyList for dyn DynJwtDenyList, dyn DynStore);

/// A store chosen at run time with all five capabilities: any store
/// implementing the five store traits behind one type. Cheap to clone (an
/// `Arc<dyn DynStore>`); it implements the five traits itself. A store with
/// fewer capabilities is boxed by trait instead (see the
/// [module docs](crate::store#trait-objects)).
///
/// # Example
/// ```
/// use tower_revoke::store::BoxStore;
/// use tower_revoke::{BearerAuthLayer, MemoryStore, RevocationEndpointLayer};
///
/// // Chosen at run time, for example from an environment variable.
/// let store = BoxStore::new(MemoryStore::new());
/// let endpoint = RevocationEndpointLayer::new(store.clone());
/// let guard = BearerAuthLayer::new(store);
/// # let _ = (endpoint, guard);
/// ```
#[derive(Clone)]
pub struct BoxStore(Arc<dyn DynStore>);

impl BoxStore {
    /// Boxes `store`.
    pub fn new(store: impl DynStore) -> Self {
        Self(Arc::new(store))
    }
}

/// The store behind the box; through it, `BoxStore` implements the four
/// store traits.
impl Deref for BoxStore {
    type Target = dyn DynStore;

    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl std::fmt::Debug for BoxStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxStore(..)")
    }
}
