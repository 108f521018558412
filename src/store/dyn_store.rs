//! [`BoxStore`] and [`DynStore`]: the store traits with boxed futures, so an
//! app can choose its store at run time.

use super::{
    ActiveToken, AuthenticatedClient, IntrospectionStore, JwtDenyList, JwtRecord,
    RevocationOutcome, RevocationStore, StoreError, SubjectRevocationStore,
};
use crate::request::{ClientCredentials, RevocationRequest, Token};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A boxed, `Send` future borrowing the store for `'a`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Every store trait at once, dyn-compatible, behind [`BoxStore`]: each
/// method returns a boxed future (the methods carry a `dyn_` prefix, so that they never clash with
/// the store traits' own). Implemented for every store that implements
/// [`RevocationStore`], [`IntrospectionStore`], [`SubjectRevocationStore`]
/// and [`JwtDenyList`]; [`BoxStore`] holds one and implements all four in
/// turn, so it serves the revocation and introspection endpoints, the
/// Bearer guard, bulk revocation and `jwt::JwtStore`
/// like the store it holds.
///
/// The box costs one allocation per call, next to a database round trip;
/// [`introspect_now`](IntrospectionStore::introspect_now) is forwarded
/// without one.
///
pub trait DynStore: Send + Sync + 'static {
    /// [`RevocationStore::authenticate_client`], boxed.
    fn dyn_authenticate_client<'a>(
        &'a self,
        credentials: &'a ClientCredentials,
    ) -> BoxFuture<'a, Result<Option<AuthenticatedClient>, StoreError>>;

    /// [`RevocationStore::revoke`], boxed.
    fn dyn_revoke<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        request: &'a RevocationRequest,
    ) -> BoxFuture<'a, Result<RevocationOutcome, StoreError>>;

    /// [`IntrospectionStore::introspect`], boxed.
    fn dyn_introspect<'a>(
        &'a self,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<Option<ActiveToken>, StoreError>>;

    /// [`IntrospectionStore::introspect_now`], as it is.
    fn dyn_introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>>;

    /// [`SubjectRevocationStore::revoke_subject_tokens`], boxed.
    fn dyn_revoke_subject_tokens<'a>(
        &'a self,
        subject: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, Result<u64, StoreError>>;

    /// [`JwtDenyList::deny_jwt`], boxed.
    fn dyn_deny_jwt<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
        until: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// [`JwtDenyList::jwt_denied`], boxed.
    fn dyn_jwt_denied<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
    ) -> BoxFuture<'a, Result<bool, StoreError>>;

    /// [`JwtDenyList::jwt_denied_now`], as it is.
    fn dyn_jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>>;

    /// [`JwtDenyList::deny_subject_jwts`], boxed.
    fn dyn_deny_subject_jwts<'a>(
        &'a self,
        issuer: &'a str,
        subject: &'a str,
        cutoff: u64,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

impl<T> DynStore for T
where
    T: RevocationStore + IntrospectionStore + SubjectRevocationStore + JwtDenyList,
{
    fn dyn_authenticate_client<'a>(
        &'a self,
        credentials: &'a ClientCredentials,
    ) -> BoxFuture<'a, Result<Option<AuthenticatedClient>, StoreError>> {
        Box::pin(RevocationStore::authenticate_client(self, credentials))
    }

    fn dyn_revoke<'a>(
        &'a self,
        client: &'a AuthenticatedClient,
        request: &'a RevocationRequest,
    ) -> BoxFuture<'a, Result<RevocationOutcome, StoreError>> {
        Box::pin(RevocationStore::revoke(self, client, request))
    }

    fn dyn_introspect<'a>(
        &'a self,
        token: &'a Token,
    ) -> BoxFuture<'a, Result<Option<ActiveToken>, StoreError>> {
        Box::pin(IntrospectionStore::introspect(self, token))
    }

    fn dyn_introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        IntrospectionStore::introspect_now(self, token)
    }

    fn dyn_revoke_subject_tokens<'a>(
        &'a self,
        subject: &'a str,
        labels: &'a [(&'a str, &'a str)],
    ) -> BoxFuture<'a, Result<u64, StoreError>> {
        Box::pin(SubjectRevocationStore::revoke_subject_tokens(
            self, subject, labels,
        ))
    }

    fn dyn_deny_jwt<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
        until: u64,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(JwtDenyList::deny_jwt(self, jwt, until))
    }

    fn dyn_jwt_denied<'a>(
        &'a self,
        jwt: &'a JwtRecord<'a>,
    ) -> BoxFuture<'a, Result<bool, StoreError>> {
        Box::pin(JwtDenyList::jwt_denied(self, jwt))
    }

    fn dyn_jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        JwtDenyList::jwt_denied_now(self, jwt)
    }

    fn dyn_deny_subject_jwts<'a>(
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

/// A store chosen at run time: any store implementing the four store
/// traits behind one type, through [`DynStore`]'s boxed futures. Cheap to
/// clone (an `Arc`); it implements the four traits itself.
///
/// # Example
/// ```
/// use tower_revoke::{BearerAuthLayer, BoxStore, MemoryStore, RevocationEndpointLayer};
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

    /// The store behind the box.
    pub fn as_dyn(&self) -> &dyn DynStore {
        &*self.0
    }
}

impl std::fmt::Debug for BoxStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxStore(..)")
    }
}

// The futures own what they use (a clone of the box and copies of the
// arguments): a boxed future borrowing all three arguments would have to
// name their common lifetime, which an `impl Future` cannot.
impl RevocationStore for BoxStore {
    fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> impl Future<Output = Result<Option<AuthenticatedClient>, StoreError>> + Send {
        let (store, credentials) = (self.clone(), credentials.clone());
        async move { store.0.dyn_authenticate_client(&credentials).await }
    }

    fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send {
        let (store, client, request) = (self.clone(), client.clone(), request.clone());
        async move { store.0.dyn_revoke(&client, &request).await }
    }
}

impl IntrospectionStore for BoxStore {
    fn introspect(
        &self,
        token: &Token,
    ) -> impl Future<Output = Result<Option<ActiveToken>, StoreError>> + Send {
        let (store, token) = (self.clone(), token.clone());
        async move { store.0.dyn_introspect(&token).await }
    }

    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        self.0.dyn_introspect_now(token)
    }
}

impl SubjectRevocationStore for BoxStore {
    fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send {
        let (store, subject) = (self.clone(), subject.to_owned());
        let labels: Vec<(String, String)> = labels
            .iter()
            .map(|&(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        async move {
            let labels: Vec<(&str, &str)> = labels
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            store.0.dyn_revoke_subject_tokens(&subject, &labels).await
        }
    }
}

/// The record's strings are copied into the future, as the other methods'
/// arguments are.
impl JwtDenyList for BoxStore {
    fn deny_jwt(
        &self,
        jwt: &JwtRecord<'_>,
        until: u64,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let (store, owned) = (self.clone(), OwnedRecord::of(jwt));
        async move { store.0.dyn_deny_jwt(&owned.record(), until).await }
    }

    fn jwt_denied(
        &self,
        jwt: &JwtRecord<'_>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        let (store, owned) = (self.clone(), OwnedRecord::of(jwt));
        async move { store.0.dyn_jwt_denied(&owned.record()).await }
    }

    fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
        self.0.dyn_jwt_denied_now(jwt)
    }

    fn deny_subject_jwts(
        &self,
        issuer: &str,
        subject: &str,
        cutoff: u64,
    ) -> impl Future<Output = Result<(), StoreError>> + Send {
        let (store, issuer, subject) = (self.clone(), issuer.to_owned(), subject.to_owned());
        async move {
            store
                .0
                .dyn_deny_subject_jwts(&issuer, &subject, cutoff)
                .await
        }
    }
}

/// A [`JwtRecord`] whose strings the future owns.
struct OwnedRecord {
    issuer: String,
    jti: String,
    subject: String,
    issued_at: u64,
}

impl OwnedRecord {
    fn of(jwt: &JwtRecord<'_>) -> Self {
        Self {
            issuer: jwt.issuer.to_owned(),
            jti: jwt.jti.to_owned(),
            subject: jwt.subject.to_owned(),
            issued_at: jwt.issued_at,
        }
    }

    fn record(&self) -> JwtRecord<'_> {
        JwtRecord {
            issuer: &self.issuer,
            jti: &self.jti,
            subject: &self.subject,
            issued_at: self.issued_at,
        }
    }
}
