//! The token store behind the endpoint: the trait users implement, and
//! [`MemoryStore`], the embedded default.

mod memory;
mod seed;

pub use memory::MemoryStore;
pub use seed::{SeedError, TokenEntry, TokenKind};

use crate::bearer::BearerToken;
use crate::client::{ClientCredentials, ClientId};
use crate::token::RevocationRequest;
use std::future::Future;

/// Whether a client can keep a secret (RFC 6749 §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientType {
    /// Has a secret and authenticated with it.
    Confidential,
    /// Has no secret (`none` method, RFC 7591 §2).
    Public,
}

/// A client the store has authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthenticatedClient {
    /// The client's id.
    pub client_id: ClientId,
    /// Confidential or public; decides how a token of another client is
    /// answered (see [`OtherClientToken`](crate::OtherClientToken)).
    pub client_type: ClientType,
}

/// What a revocation did (RFC 7009 §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RevocationOutcome {
    /// The token, and whatever the store's policy ties to it (for example
    /// the other tokens of its authorization grant), is now invalid.
    Revoked,
    /// Unknown, expired or already revoked: nothing to do. RFC 7009 §2.2
    /// answers 200 all the same.
    NotFound,
    /// The token exists but was issued to another client; nothing changed.
    IssuedToAnotherClient,
    /// The store cannot revoke this token (for example a self-contained JWT);
    /// nothing changed. Answered `unsupported_token_type` (RFC 7009 §2.2.1).
    UnsupportedTokenType,
}

/// An active access token, as a protected resource sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveAccessToken {
    /// The client the token was issued to.
    pub client_id: ClientId,
    /// The resource owner (user) the token acts for, if any.
    pub subject: Option<String>,
}

/// The storage behind a revocation endpoint: implement it over your
/// database, cache or authorization server.
///
/// Every method returns a `Send` future, so the endpoint runs on a
/// multi-threaded runtime. `Err` means the store could not answer (down,
/// timed out); the endpoint answers 503 `temporarily_unavailable` and never
/// reports a token revoked that was not.
///
/// # Example
/// ```
/// use tower_revoke::{
///     ActiveAccessToken, AuthenticatedClient, BearerToken, ClientCredentials,
///     RevocationOutcome, RevocationRequest, RevocationStore,
/// };
///
/// /// A store that knows nothing and accepts no client.
/// struct Empty;
///
/// impl RevocationStore for Empty {
///     type Error = std::io::Error;
///
///     async fn authenticate_client(
///         &self,
///         _: &ClientCredentials,
///     ) -> Result<Option<AuthenticatedClient>, Self::Error> {
///         Ok(None)
///     }
///
///     async fn revoke(
///         &self,
///         _: &AuthenticatedClient,
///         _: &RevocationRequest,
///     ) -> Result<RevocationOutcome, Self::Error> {
///         Ok(RevocationOutcome::NotFound)
///     }
///
///     async fn active_access_token(
///         &self,
///         _: &BearerToken,
///     ) -> Result<Option<ActiveAccessToken>, Self::Error> {
///         Ok(None)
///     }
///
///     async fn revoke_subject_tokens(
///         &self,
///         _: &str,
///         _: &[(&str, &str)],
///     ) -> Result<u64, Self::Error> {
///         Ok(0)
///     }
/// }
/// ```
pub trait RevocationStore: Send + Sync + 'static {
    /// Why the store could not answer. Logged by the endpoint with
    /// `Display`: it must not contain tokens or secrets.
    type Error: std::error::Error + Send + Sync + 'static;

    /// Authenticates a client (RFC 6749 §2.3). `Ok(None)` for an unknown
    /// client, a wrong secret, a public client that sent a secret, or a
    /// confidential client that sent none; the endpoint answers all of them
    /// with the same 401 `invalid_client`.
    ///
    /// # Security
    /// Compare secrets in constant time ([`ClientSecret::verify`](crate::ClientSecret::verify)),
    /// and spend the same work on unknown clients.
    fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> impl Future<Output = Result<Option<AuthenticatedClient>, Self::Error>> + Send;

    /// Revokes `request.token()` for `client` (RFC 7009 §2.1). The hint is
    /// advice for the lookup order only: search every token type whatever
    /// it says (RFC 7009 §2.2). Revoking a refresh token should invalidate
    /// the access tokens of the same grant (RFC 7009 §2.1).
    fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> impl Future<Output = Result<RevocationOutcome, Self::Error>> + Send;

    /// The active (not expired, not revoked) access token `token`, if it is
    /// one (used by [`BearerAuthLayer`](crate::BearerAuthLayer)).
    fn active_access_token(
        &self,
        token: &BearerToken,
    ) -> impl Future<Output = Result<Option<ActiveAccessToken>, Self::Error>> + Send;

    /// Revokes every active token of `subject` whose labels include all of
    /// `labels` (key, value pairs; empty matches every token). Returns how
    /// many tokens it revoked; repeating the call revokes nothing more.
    fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> impl Future<Output = Result<u64, Self::Error>> + Send;
}
