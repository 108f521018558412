//! The store traits: one per capability, each asked for only where it is
//! used, with blanket impls for `&T`, `Box<T>` and `Arc<T>`.

use super::{
    ActiveToken, AuthenticatedClient, ClientEntry, Recording, Registration, RevocationOutcome,
    Rotation, RotationOutcome, Seed, SeedReport, StoreError, TokenEntry,
};
use crate::client::ClientCredentials;
use crate::request::{RevocationRequest, Token};
use std::future::Future;
use std::ops::Deref;
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
/// The future may be dropped at any `.await`: hyper drops a request's
/// future when its client hangs up. A store whose revocation takes several
/// steps (a transaction on a pooled connection, a cascade of scripts) runs
/// them to completion on a task of its own, as the shipped ones do with
/// `store::run_to_completion` (feature `rt`), so that no grant is ever left
/// half ended.
///
/// A store that only implements this trait serves
/// [`RevocationEndpointLayer`](crate::RevocationEndpointLayer); the Bearer
/// guard asks for [`IntrospectionStore`], bulk revocation for
/// [`SubjectRevocationStore`].
///
/// # Example
/// ```
/// use tower_revoke::{AuthenticatedClient, RevocationOutcome, RevocationStore, StoreError};
/// use tower_revoke::client::ClientCredentials;
/// use tower_revoke::request::RevocationRequest;
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
    /// [`StoredClient::authenticate`](crate::store::StoredClient::authenticate): it
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
/// use tower_revoke::{ActiveToken, IntrospectionStore, StoreError};
/// use tower_revoke::request::Token;
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

/// What an app's own token endpoint needs from the store: register
/// clients, record the tokens it issues (RFC 6749 §4, §5.1), and rotate
/// refresh tokens with reuse detection (RFC 6749 §6, RFC 9700 §4.14.2), so
/// that the revocation endpoint, the guard and introspection know every
/// token the app mints. Tokens and secrets are kept as digests, as by the
/// other traits.
///
/// Every shipped store implements it with the same semantics, which the
/// conformance kit checks (`testkit`, `Conformance::run_with_issuance`).
pub trait IssuanceStore: Send + Sync + 'static {
    /// Registers `client`: confidential with its secret, or public.
    /// Registering an id that exists changes nothing and answers
    /// [`Registration::AlreadyRegistered`](crate::store::Registration::AlreadyRegistered):
    /// a secret is never silently replaced.
    fn register_client(
        &self,
        client: &ClientEntry,
    ) -> impl Future<Output = Result<Registration, StoreError>> + Send;

    /// Records a token the app issued, for a client that must be
    /// registered. Idempotent for the same token, client, kind and grant;
    /// refuses a token that would move to another client or grant, and a
    /// token of a grant that has been revoked (see [`Recording`]).
    fn record_token(
        &self,
        token: &TokenEntry,
    ) -> impl Future<Output = Result<Recording, StoreError>> + Send;

    /// Rotates the refresh token `rotation.presented` of `client`, in one
    /// atomic step: marks it rotated and records its successors in its
    /// grant ([`RotationOutcome::Rotated`]). A token rotated before, past
    /// `rotation.grace`, was reused: revoke every token of its grant and
    /// answer [`RotationOutcome::Reused`]. Of concurrent rotations of one
    /// token without a grace period, exactly one is `Rotated` and the
    /// others are `Reused`.
    fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> impl Future<Output = Result<RotationOutcome, StoreError>> + Send;

    /// Loads `seed` through [`register_client`](Self::register_client) and
    /// [`record_token`](Self::record_token), clients first, each entry in
    /// order: a seed obeys exactly the rules of issuance, on every store.
    /// Safe to run on every start with the same seed: what the store holds
    /// stays as it is (a client's secret is not replaced, a revoked token
    /// stays revoked, a token of a revoked grant is not recorded); the
    /// [`SeedReport`] counts what was new, already there or refused.
    ///
    /// One call per entry, not one transaction: an error leaves the entries
    /// before it loaded, and running the seed again completes it.
    ///
    /// # Errors
    /// The first [`StoreError`] of the store.
    ///
    /// # Example
    /// ```
    /// use tower_revoke::{IssuanceStore, MemoryStore};
    /// use tower_revoke::store::Seed;
    ///
    /// # tokio_test::block_on(async {
    /// let seed = Seed::from_json(r#"{
    ///     "clients": [{"client_id": "app1", "client_secret": "s3cr3t"}],
    ///     "tokens": [{"token": "AT1", "type": "access_token", "client_id": "app1"}]
    /// }"#).unwrap();
    /// let store = MemoryStore::new();
    /// let first = store.seed(&seed).await.unwrap();
    /// assert_eq!((first.registered, first.recorded), (1, 1));
    /// let again = store.seed(&seed).await.unwrap();
    /// assert_eq!((again.already_registered, again.already_recorded), (1, 1));
    /// # });
    /// ```
    fn seed(&self, seed: &Seed) -> impl Future<Output = Result<SeedReport, StoreError>> + Send {
        async move {
            let mut report = SeedReport::default();
            for client in seed.clients() {
                report.count_registration(self.register_client(client).await?);
            }
            for token in seed.tokens() {
                report.count_recording(self.record_token(token).await?);
            }
            Ok(report)
        }
    }
}

/// Deleting expired tokens, for stores that keep them until told to (as
/// tower-sessions' `ExpiredDeletion` does for sessions): `PostgresStore`
/// and `SqliteStore` of `tower-revoke-sqlx`. Stores whose entries lapse on
/// their own (Redis keys with a time to live) do not need it.
///
/// Call it from a periodic task beside the app:
/// ```
/// use std::time::Duration;
/// use tower_revoke::ExpiredDeletion;
///
/// async fn purge_hourly(store: impl ExpiredDeletion) {
///     let mut every = tokio::time::interval(Duration::from_secs(3600));
///     every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
///     loop {
///         every.tick().await;
///         if let Err(error) = store.delete_expired(1_000).await {
///             eprintln!("purge failed, retrying next hour: {error}");
///         }
///     }
/// }
/// ```
pub trait ExpiredDeletion: Send + Sync + 'static {
    /// Deletes the tokens past their expiry (`expires_at <= now`, revoked
    /// or not) and whatever only they kept (lapsed deny-list entries,
    /// grants no token refers to), in batches of `batch` rows (at least 1)
    /// so that other requests are never blocked for long. Returns how many
    /// tokens it deleted.
    ///
    /// What must outlive expiry stays: revoked or rotated tokens that never
    /// expire (seeding again must find them revoked; reuse must still be
    /// detected).
    ///
    /// # Errors
    /// The store's [`StoreError`]; the batches deleted before it stay
    /// deleted.
    fn delete_expired(&self, batch: u32) -> impl Future<Output = Result<u64, StoreError>> + Send;
}

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

/// Implements every store trait for a pointer type by deref.
macro_rules! forward_store_traits {
    ($(impl<$($t:ident)?> for $ptr:ty;)+) => {$(
        impl<$($t: ?Sized)?> RevocationStore for $ptr
        where
            <$ptr as Deref>::Target: RevocationStore,
        {
            fn authenticate_client(
                &self,
                credentials: &ClientCredentials,
            ) -> impl Future<Output = Result<Option<AuthenticatedClient>, StoreError>> + Send {
                RevocationStore::authenticate_client(&**self, credentials)
            }

            fn revoke(
                &self,
                client: &AuthenticatedClient,
                request: &RevocationRequest,
            ) -> impl Future<Output = Result<RevocationOutcome, StoreError>> + Send {
                RevocationStore::revoke(&**self, client, request)
            }
        }

        impl<$($t: ?Sized)?> IntrospectionStore for $ptr
        where
            <$ptr as Deref>::Target: IntrospectionStore,
        {
            fn introspect(
                &self,
                token: &Token,
            ) -> impl Future<Output = Result<Option<ActiveToken>, StoreError>> + Send {
                IntrospectionStore::introspect(&**self, token)
            }

            fn introspect_now(
                &self,
                token: &str,
            ) -> Option<Result<Option<ActiveToken>, StoreError>> {
                IntrospectionStore::introspect_now(&**self, token)
            }
        }

        impl<$($t: ?Sized)?> SubjectRevocationStore for $ptr
        where
            <$ptr as Deref>::Target: SubjectRevocationStore,
        {
            fn revoke_subject_tokens(
                &self,
                subject: &str,
                labels: &[(&str, &str)],
            ) -> impl Future<Output = Result<u64, StoreError>> + Send {
                SubjectRevocationStore::revoke_subject_tokens(&**self, subject, labels)
            }
        }

        impl<$($t: ?Sized)?> JwtDenyList for $ptr
        where
            <$ptr as Deref>::Target: JwtDenyList,
        {
            fn deny_jwt(
                &self,
                jwt: &JwtRecord<'_>,
                until: u64,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                JwtDenyList::deny_jwt(&**self, jwt, until)
            }

            fn jwt_denied(
                &self,
                jwt: &JwtRecord<'_>,
            ) -> impl Future<Output = Result<bool, StoreError>> + Send {
                JwtDenyList::jwt_denied(&**self, jwt)
            }

            fn jwt_denied_now(&self, jwt: &JwtRecord<'_>) -> Option<Result<bool, StoreError>> {
                JwtDenyList::jwt_denied_now(&**self, jwt)
            }

            fn deny_subject_jwts(
                &self,
                issuer: &str,
                subject: &str,
                cutoff: u64,
            ) -> impl Future<Output = Result<(), StoreError>> + Send {
                JwtDenyList::deny_subject_jwts(&**self, issuer, subject, cutoff)
            }
        }
        impl<$($t: ?Sized)?> IssuanceStore for $ptr
        where
            <$ptr as Deref>::Target: IssuanceStore,
        {
            fn register_client(
                &self,
                client: &ClientEntry,
            ) -> impl Future<Output = Result<Registration, StoreError>> + Send {
                IssuanceStore::register_client(&**self, client)
            }

            fn record_token(
                &self,
                token: &TokenEntry,
            ) -> impl Future<Output = Result<Recording, StoreError>> + Send {
                IssuanceStore::record_token(&**self, token)
            }

            fn rotate_refresh_token(
                &self,
                client: &AuthenticatedClient,
                rotation: &Rotation,
            ) -> impl Future<Output = Result<RotationOutcome, StoreError>> + Send {
                IssuanceStore::rotate_refresh_token(&**self, client, rotation)
            }

            fn seed(
                &self,
                seed: &Seed,
            ) -> impl Future<Output = Result<SeedReport, StoreError>> + Send {
                IssuanceStore::seed(&**self, seed)
            }
        }
    )+};
}

forward_store_traits! {
    impl<T> for Arc<T>;
    impl<T> for Box<T>;
    impl<T> for &'static T;
    impl<> for super::BoxStore;
}

/// Implements [`ExpiredDeletion`] (which [`BoxStore`](super::BoxStore)
/// does not hold) for a pointer type by deref.
macro_rules! forward_expired_deletion {
    ($($ptr:ty),+) => {$(
        impl<T: ?Sized + ExpiredDeletion> ExpiredDeletion for $ptr {
            fn delete_expired(
                &self,
                batch: u32,
            ) -> impl Future<Output = Result<u64, StoreError>> + Send {
                ExpiredDeletion::delete_expired(&**self, batch)
            }
        }
    )+};
}

forward_expired_deletion!(Arc<T>, Box<T>, &'static T);
