//! [`JwtStore`]: a store that also knows JWT access tokens, so that the
//! layers revoke and introspect them without a change.

use super::verifier::JwtVerifier;
use crate::client::ClientCredentials;
use crate::log::Bounded;
use crate::request::{RevocationRequest, Token};
use crate::store::{
    ActiveToken, AuthenticatedClient, ClientEntry, IntrospectionStore, IssuanceStore, JwtDenyList,
    Recording, Registration, RevocationOutcome, RevocationStore, Rotation, RotationOutcome,
    StoreError, SubjectRevocationStore, TokenEntry, TokenKind,
};
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A store `St` plus a [`JwtVerifier`]: JWT access tokens that verify are
/// answered from their claims and `St`'s [`JwtDenyList`]; every other
/// token is `St`'s to answer, as before.
///
/// | call | a JWT that verifies | any other token |
/// |---|---|---|
/// | [`revoke`](RevocationStore::revoke) | already denied: `NotFound`; another client's (`client_id` claim): `IssuedToAnotherClient`; otherwise its (`iss`, `jti`) is denied until its `exp` (plus the leeway): `Revoked` | `St` (a JWT that does not verify is unknown to it: `NotFound`, RFC 7009 §2.2) |
/// | [`introspect`](IntrospectionStore::introspect) | its claims (`client_id`, `sub`, `scope`, `exp`, `iat`, `iss`, `aud`, `jti`), unless denied | `St` |
/// | [`revoke_subject_tokens`](SubjectRevocationStore::revoke_subject_tokens) | without labels, the subject's JWTs issued at or before now are denied too (JWTs carry no labels) | `St` |
/// | [`authenticate_client`](RevocationStore::authenticate_client) | `St` | `St` |
///
/// So [`RevocationEndpointLayer`](crate::RevocationEndpointLayer),
/// [`IntrospectionEndpointLayer`](crate::IntrospectionEndpointLayer) and
/// [`BearerAuthLayer`](crate::BearerAuthLayer) over a `JwtStore` revoke,
/// introspect and admit JWT access tokens with no change. The token type
/// hint stays advice: a JWT is recognised by verifying it.
///
/// Round trips: verifying is local; a JWT's revocation costs two calls of
/// the deny-list (is it denied, deny it), its introspection one. With an
/// in-process deny-list ([`MemoryStore`](crate::MemoryStore)),
/// [`introspect_now`](IntrospectionStore::introspect_now) answers the
/// Bearer guard without a future; otherwise a JWT is verified in
/// `introspect_now` and again in `introspect`.
///
/// With the guard cache (feature `cache`), put the `JwtStore` outside it,
/// `JwtStore::new(CachedStore::new(store, staleness), verifier)`: the cache
/// forwards the deny-list uncached, so a JWT revoked on any instance is
/// refused at once, while opaque tokens are answered from the cache (see
/// the `cache` module docs).
///
/// # Example
/// ```
/// use tower_revoke::jwt::{JwtKey, JwtStore, JwtVerifier};
/// use tower_revoke::{BearerAuthLayer, IntrospectionEndpointLayer, MemoryStore, RevocationEndpointLayer};
///
/// let key = JwtKey::hs256(b"a shared secret of at least 32 bytes!").unwrap();
/// let store = JwtStore::new(MemoryStore::new(), JwtVerifier::new("https://as.example", [key]));
/// let revocation = RevocationEndpointLayer::new(store.clone());
/// let introspection = IntrospectionEndpointLayer::new(store.clone());
/// let guard = BearerAuthLayer::new(store);
/// # let _ = (revocation, introspection, guard);
/// ```
#[derive(Clone)]
pub struct JwtStore<St> {
    inner: St,
    verifier: Arc<JwtVerifier>,
}

impl<St> JwtStore<St> {
    /// `inner`, which keeps the deny-list and answers for every other
    /// token, with `verifier` for JWT access tokens.
    pub fn new(inner: St, verifier: JwtVerifier) -> Self {
        Self {
            inner,
            verifier: Arc::new(verifier),
        }
    }

    /// The wrapped store.
    pub fn get_ref(&self) -> &St {
        &self.inner
    }

    /// The wrapped store, unwrapped.
    pub fn into_inner(self) -> St {
        self.inner
    }

    /// The verifier.
    pub fn verifier(&self) -> &JwtVerifier {
        &self.verifier
    }

    /// The verified claims of `token` if it is a JWT access token of this
    /// issuer; logs why not (never the token) at TRACE.
    fn verified(&self, token: &str) -> Option<super::VerifiedJwt> {
        if !JwtVerifier::looks_like_jwt(token) {
            return None;
        }
        match self.verifier.verify(token) {
            Ok(jwt) => Some(jwt),
            Err(error) => {
                tracing::trace!(%error, "not a JWT access token of this issuer");
                None
            }
        }
    }
}

impl<St: fmt::Debug> fmt::Debug for JwtStore<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtStore")
            .field("inner", &self.inner)
            .field("verifier", &self.verifier)
            .finish()
    }
}

fn now() -> u64 {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH);
    elapsed.map_or(0, |elapsed| elapsed.as_secs())
}

impl<St: RevocationStore + JwtDenyList> RevocationStore for JwtStore<St> {
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.inner.authenticate_client(credentials).await
    }

    /// In the order of [`RevocationStore::revoke`]: a denied JWT is
    /// `NotFound`, another client's `IssuedToAnotherClient`; otherwise it
    /// is denied until it would be refused as expired anyway (`exp` plus
    /// the leeway), so the deny-list never outgrows the live tokens.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let Some(jwt) = self.verified(request.token().secret()) else {
            return self.inner.revoke(client, request).await;
        };
        let record = jwt.record();
        if self.inner.jwt_denied(&record).await? {
            return Ok(RevocationOutcome::NotFound);
        }
        if *jwt.client_id() != client.client_id {
            return Ok(RevocationOutcome::IssuedToAnotherClient);
        }
        let until = jwt
            .expires_at()
            .saturating_add(self.verifier.leeway_secs() + 1);
        let denied = self.inner.deny_jwt(&record, until).await?;
        tracing::debug!(
            client_id = %Bounded(client.client_id.as_str()),
            jti = %Bounded(jwt.jti()),
            denied,
            "JWT access token revoked"
        );
        Ok(match denied {
            true => RevocationOutcome::Revoked {
                kind: TokenKind::AccessToken,
                cascaded: 0,
            },
            // A concurrent revocation denied it first.
            false => RevocationOutcome::NotFound,
        })
    }
}

impl<St: IntrospectionStore + JwtDenyList> IntrospectionStore for JwtStore<St> {
    async fn introspect(&self, token: &Token) -> Result<Option<ActiveToken>, StoreError> {
        let Some(jwt) = self.verified(token.secret()) else {
            return self.inner.introspect(token).await;
        };
        let denied = self.inner.jwt_denied(&jwt.record()).await?;
        Ok((!denied).then(|| jwt.to_active_token()))
    }

    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        let Some(jwt) = self.verified(token) else {
            return self.inner.introspect_now(token);
        };
        let denied = self.inner.jwt_denied_now(&jwt.record())?;
        Some(denied.map(|denied| (!denied).then(|| jwt.to_active_token())))
    }
}

impl<St: SubjectRevocationStore + JwtDenyList> SubjectRevocationStore for JwtStore<St> {
    /// Without labels, also denies the subject's JWTs issued at or before
    /// this second (RFC 9068 tokens carry no labels, so a labelled bulk
    /// revocation leaves them alone). The count is `St`'s: how many JWTs
    /// the cutoff ends is not known.
    async fn revoke_subject_tokens(
        &self,
        subject: &str,
        labels: &[(&str, &str)],
    ) -> Result<u64, StoreError> {
        if labels.is_empty() {
            let issuer = self.verifier.issuer();
            self.inner.deny_subject_jwts(issuer, subject, now()).await?;
        }
        self.inner.revoke_subject_tokens(subject, labels).await
    }
}

/// Forwarded: the issuance of opaque tokens and refresh tokens goes to
/// `St` (JWT access tokens are verified from their claims, not recorded).
impl<St: IssuanceStore> IssuanceStore for JwtStore<St> {
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        self.inner.register_client(client).await
    }

    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        self.inner.record_token(token).await
    }

    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        self.inner.rotate_refresh_token(client, rotation).await
    }
}

forward_jwt_deny_list! {
    /// Forwards to `St`, so that a `JwtStore` fits in a
    /// [`BoxStore`](crate::store::BoxStore).
    JwtStore
}
