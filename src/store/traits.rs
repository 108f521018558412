//! The store traits: one per capability, each asked for only where it is
//! used, with blanket impls for `&T`, `Box<T>` and `Arc<T>`.

use super::{ActiveToken, AuthenticatedClient, RevocationOutcome, StoreError};
use crate::request::{ClientCredentials, RevocationRequest, Token};
use std::future::Future;
use std::sync::Arc;

/// What the revocation endpoint needs: authenticate a client, revoke a
/// token (RFC 7009 §2.1).
///
/// Every method returns a `Send` future, so the endpoint runs on a
/// multi-threaded runtime. `Err` means the store could not answer; the
/// endpoint answers 503 `temporarily_unavailable` and never reports a
/// token revoked that was not. `Ok` from [`revoke`](Self::revoke) means the
/// change is committed: the endpoint's 200 follows it.
///
/// A store that only implements this trait serves
/// [`RevocationEndpointLayer`](crate::RevocationEndpointLayer); the Bearer
/// guard asks for [`IntrospectionStore`], bulk revocation for
/// [`SubjectRevocationStore`].
///
/// # Example
/// ```
/// use tower_revoke::{
///     AuthenticatedClient, ClientCredentials, RevocationOutcome, RevocationRequest,
///     RevocationStore, StoreError,
/// };
///
/// /// A store that knows nothing and accepts no client.
/// struct Empty;
///
/// impl RevocationStore for Empty {
///     async fn authenticate_client(
///         &self,
///         _: &ClientCredentials,
///     ) -> Result<Option<AuthenticatedClient>, StoreError> {
///         Ok(None)
///     }
///
///     async fn revoke(
///         &self,
///         _: &AuthenticatedClient,
///         _: &RevocationRequest,
///     ) -> Result<RevocationOutcome, StoreError> {
///         Ok(RevocationOutcome::NotFound)
///     }
/// }
/// ```
pub trait RevocationStore: Send + Sync + 'static {
    /// Authenticates a client (RFC 6749 §2.3). `Ok(None)` for an unknown
    /// client, a wrong secret, a public client that sent a secret, or a
    /// confidential client that sent none; the endpoint answers all of them
    /// with the same 401 `invalid_client`.
    ///
    /// # Security
    /// Keep secrets as digests and decide with
    /// [`StoredClient::authenticate`](crate::StoredClient::authenticate): it
    /// compares fixed-length digests in constant time and spends the same
    /// work on an unknown client as on a known one.
    fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> impl Future<Output = Result<Option<AuthenticatedClient>, StoreError>> + Send;

    /// Revokes `request.token()` for `client` (RFC 7009 §2.1).
    ///
    /// Decide the outcome in this order:
    /// 1. Unknown, expired or already revoked: [`RevocationOutcome::NotFound`].
    ///    An expired refresh token of `client` still ends the other tokens
    ///    of its grant (RFC 7009 §2.1: the server "SHOULD also invalidate"
    ///    them), and is still `NotFound`.
    /// 2. Issued to another client: [`RevocationOutcome::IssuedToAnotherClient`],
    ///    nothing changes.
    /// 3. A token the store cannot revoke: [`RevocationOutcome::UnsupportedTokenType`],
    ///    nothing changes.
    /// 4. Otherwise revoke it and, for a refresh token, every token of its
    ///    authorization grant, scoped to `client` (two clients' grants never
    ///    mix, even under the same grant id), in one atomic step:
    ///    [`RevocationOutcome::Revoked`].
    ///
    /// The hint (`request.token_type_hint()`) is lookup advice only: search
    /// every token type whatever it says (RFC 7009 §2.2). Of concurrent
    /// revocations of one token, exactly one is `Revoked`.
    fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send;
}

/// What the Bearer guard and an RFC 7662 introspection endpoint need: is a
/// presented token active, and what is known of it.
///
/// # Example
/// ```
/// use tower_revoke::{ActiveToken, IntrospectionStore, StoreError, Token};
///
/// /// No token is ever active.
/// struct Nothing;
///
/// impl IntrospectionStore for Nothing {
///     async fn introspect(&self, _: &Token) -> Result<Option<ActiveToken>, StoreError> {
///         Ok(None)
///     }
/// }
/// ```
pub trait IntrospectionStore: Send + Sync + 'static {
    /// The facts of `token` if it is active: stored, not revoked (neither
    /// itself nor its grant), not expired (RFC 7662 §2.2). `Ok(None)`
    /// otherwise; the caller cannot tell why, and must not need to.
    fn introspect(
        &self,
        token: &Token,
    ) -> impl Future<Output = Result<Option<ActiveToken>, StoreError>> + Send;

    /// The answer of [`introspect`](Self::introspect) for `token` (the token
    /// itself, borrowed from the request) when the store has it at hand (an
    /// in-process map, a warm cache), or `None` to wait for `introspect`.
    /// The Bearer guard calls this first, so an in-process answer costs no
    /// future and no allocation. The default is `None`.
    ///
    /// # Security
    /// `token` is the credential: do not log it or keep it.
    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        let _ = token;
        None
    }
}

/// Bulk revocation of a resource owner's tokens ("log this user out
/// everywhere"), optionally narrowed by labels.
pub trait SubjectRevocationStore: Send + Sync + 'static {
    /// Revokes every active, revocable token of `subject` whose labels
    /// include all of `labels` (name, value pairs; empty matches every
    /// token). Returns how many tokens it revoked; repeating the call
    /// revokes nothing more.
    fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

/// Implements the three traits for a pointer type `$ptr<T>` by deref.
macro_rules! forward_store_traits {
    ($(impl<$t:ident> for $ptr:ty;)+) => {$(
        impl<$t: RevocationStore> RevocationStore for $ptr {
            fn authenticate_client(
                &self,
                credentials: &ClientCredentials,
            ) -> impl Future<Output = Result<Option<AuthenticatedClient>, StoreError>> + Send {
                (**self).authenticate_client(credentials)
            }

            fn revoke(
                &self,
                client: &AuthenticatedClient,
                request: &RevocationRequest,
            ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send {
                (**self).revoke(client, request)
            }
        }

        impl<$t: IntrospectionStore> IntrospectionStore for $ptr {
            fn introspect(
                &self,
                token: &Token,
            ) -> impl Future<Output = Result<Option<ActiveToken>, StoreError>> + Send {
                (**self).introspect(token)
            }

            fn introspect_now(
                &self,
                token: &str,
            ) -> Option<Result<Option<ActiveToken>, StoreError>> {
                (**self).introspect_now(token)
            }
        }

        impl<$t: SubjectRevocationStore> SubjectRevocationStore for $ptr {
            fn revoke_subject_tokens(
                &self,
                subject: &str,
                labels: &[(&str, &str)],
            ) -> impl Future<Output = Result<u64, StoreError>> + Send {
                (**self).revoke_subject_tokens(subject, labels)
            }
        }
    )+};
}

forward_store_traits! {
    impl<T> for Arc<T>;
    impl<T> for Box<T>;
    impl<T> for &'static T;
}
