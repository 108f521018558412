//! [`JwtStore`]: a store that also knows JWT access tokens, so that the
//! layers revoke and introspect them without a change.

use super::claims::VerifiedJwt;
use super::verifier::JwtVerifier;
use crate::client::ClientCredentials;
use crate::clock::unix_now as now;
use crate::log::Bounded;
use crate::request::{RevocationRequest, Token};
use crate::store::{
    ActiveToken, AuthenticatedClient, ClientEntry, IntrospectionStore, IssuanceStore, JwtDenyList,
    Recording, Registration, RevocationOutcome, RevocationStore, Rotation, RotationOutcome,
    StoreError, SubjectRevocationStore, TokenEntry, TokenKind,
};
use std::fmt;
use std::sync::Arc;

/// A store `St` plus a [`JwtVerifier`]: JWT access tokens that verify are
/// answered from their claims and `St`'s [`JwtDenyList`] (and, when
/// [recorded](Self::recorded), from `St`'s record of them too); every other
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
/// # Recorded JWTs: grants that end
/// The table above is for a resource server that only verifies: a JWT
/// lives until it expires or is denied. An authorization server that also
/// records every JWT it mints in `St`
/// ([`IssuanceStore::record_token`], or as the access token of a
/// [`Rotation`]), in the JWT's grant, turns on
/// [`recorded(true)`](Self::recorded), and `St`'s record decides as well:
///
/// | call | a JWT that verifies, recorded |
/// |---|---|
/// | [`revoke`](RevocationStore::revoke) | already denied: `NotFound`; otherwise `St`'s outcome for the token (unknown to `St`: `NotFound`; another client's: `IssuedToAnotherClient`), and when `St` revoked it, its (`iss`, `jti`) is denied too |
/// | [`introspect`](IntrospectionStore::introspect) | active only if not denied **and** `St` answers the token active: `St`'s facts, with the claims' `iss`, `aud` and `jti`, and their `iat` and `scope` where `St` has none |
/// | any other token that looks like a JWT (three dot-separated parts) but does not verify, at [`introspect`](IntrospectionStore::introspect) | not active, whatever `St` holds: a recorded JWT of another audience, or past its `exp` plus the leeway, never passes as an opaque token |
///
/// So every rule of `St` reaches its JWTs as it reaches its opaque tokens:
/// revoking a refresh token ends the JWTs of its grant (RFC 7009 §2.1), a
/// reused refresh token ends them with its grant (RFC 9700 §4.14.2), and
/// bulk revocation of a subject ends them by their record as well as by
/// the cutoff. A JWT that verifies but was never recorded is not active.
/// A recorded JWT ends when its record expires (record its `exp`: the
/// leeway does not extend it). Each
/// answer costs `St`'s round trip on top of the deny-list's; behind a
/// guard cache a JWT's answer is then as fresh as an opaque token's.
/// Resource servers that verify without recording over the same `St` see a
/// JWT's own revocation and its subject's cutoff through the deny-list,
/// but not the end of its grant: point them at introspection.
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
    recorded: bool,
}

impl<St> JwtStore<St> {
    /// `inner`, which keeps the deny-list and answers for every other
    /// token, with `verifier` for JWT access tokens.
    pub fn new(inner: St, verifier: JwtVerifier) -> Self {
        Self {
            inner,
            verifier: Arc::new(verifier),
            recorded: false,
        }
    }

    /// Whether the issuer records every JWT it mints in the wrapped store
    /// (see [Recorded JWTs](Self#recorded-jwts-grants-that-end)): then a
    /// JWT is active only while the store answers it active too, so the
    /// end of its grant (a revoked or reused refresh token) ends it. Turn
    /// it on only where every JWT of the issuer is recorded: one that is
    /// not is never active. Default `false`: JWTs are answered from their
    /// claims and the deny-list alone, for resource servers that only
    /// verify.
    #[must_use]
    pub fn recorded(mut self, recorded: bool) -> Self {
        self.recorded = recorded;
        self
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
    fn verified(&self, token: &str) -> Option<VerifiedJwt> {
        self.verifier.access_token(token)
    }
}

impl<St: JwtDenyList> JwtStore<St> {
    /// Whether `St` answers the introspection of `token`, which did not
    /// verify: always, unless JWTs are recorded and it looks like one (a
    /// JWT of this issuer's that fails a check, such as the audience, is
    /// then refused whatever `St` holds of it).
    fn inner_introspects(&self, token: &str) -> bool {
        !(self.recorded && JwtVerifier::looks_like_jwt(token))
    }

    /// Denies `jwt`, revoked by `client`, until it would be refused as
    /// expired anyway (`exp` plus the leeway), so the deny-list never
    /// outgrows the live tokens. `true` when this call denied it, `false`
    /// when a concurrent revocation did first.
    async fn deny(
        &self,
        client: &AuthenticatedClient,
        jwt: &VerifiedJwt,
    ) -> Result<bool, StoreError> {
        let until = jwt
            .expires_at()
            .saturating_add(self.verifier.leeway_secs() + 1);
        let denied = self.inner.deny_jwt(&jwt.record(), until).await?;
        tracing::debug!(
            client_id = %Bounded(client.client_id.as_str()),
            jti = %Bounded(jwt.jti()),
            denied,
            "JWT access token revoked"
        );
        Ok(denied)
    }
}

impl<St: fmt::Debug> fmt::Debug for JwtStore<St> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtStore")
            .field("inner", &self.inner)
            .field("verifier", &self.verifier)
            .field("recorded", &self.recorded)
            .finish()
    }
}

impl<St: RevocationStore + JwtDenyList> RevocationStore for JwtStore<St> {
    async fn authenticate_client(
        &self,
        credentials: &ClientCredentials,
    ) -> Result<Option<AuthenticatedClient>, StoreError> {
        self.inner.authenticate_client(credentials).await
    }

    /// In the order of [`RevocationStore::revoke`]: a denied JWT is
    /// `NotFound`; when [recorded](Self::recorded), `St` decides the rest
    /// (and a JWT it revoked is denied too); otherwise another client's JWT
    /// is `IssuedToAnotherClient`, and any other is denied.
    async fn revoke(
        &self,
        client: &AuthenticatedClient,
        request: &RevocationRequest,
    ) -> Result<RevocationOutcome, StoreError> {
        let Some(jwt) = self.verified(request.token().secret()) else {
            return self.inner.revoke(client, request).await;
        };
        if self.inner.jwt_denied(&jwt.record()).await? {
            return Ok(RevocationOutcome::NotFound);
        }
        if self.recorded {
            let outcome = self.inner.revoke(client, request).await?;
            if let RevocationOutcome::Revoked { .. } = outcome {
                // For resource servers that verify without recording.
                self.deny(client, &jwt).await?;
            }
            return Ok(outcome);
        }
        if *jwt.client_id() != client.client_id {
            return Ok(RevocationOutcome::IssuedToAnotherClient);
        }
        Ok(match self.deny(client, &jwt).await? {
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
            return match self.inner_introspects(token.secret()) {
                true => self.inner.introspect(token).await,
                false => Ok(None),
            };
        };
        if self.inner.jwt_denied(&jwt.record()).await? {
            return Ok(None);
        }
        if !self.recorded {
            return Ok(Some(jwt.to_active_token()));
        }
        let facts = self.inner.introspect(token).await?;
        Ok(facts.map(|facts| jwt.merged_into(facts)))
    }

    fn introspect_now(&self, token: &str) -> Option<Result<Option<ActiveToken>, StoreError>> {
        let Some(jwt) = self.verified(token) else {
            return match self.inner_introspects(token) {
                true => self.inner.introspect_now(token),
                false => Some(Ok(None)),
            };
        };
        match self.inner.jwt_denied_now(&jwt.record())? {
            Ok(false) => {}
            denied => return Some(denied.map(|_| None)),
        }
        if !self.recorded {
            return Some(Ok(Some(jwt.to_active_token())));
        }
        let facts = self.inner.introspect_now(token)?;
        Some(facts.map(|facts| facts.map(|facts| jwt.merged_into(facts))))
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

/// Forwarded to `St`: opaque tokens, refresh tokens and, for a
/// [recorded](JwtStore::recorded) `JwtStore`, the JWT access tokens the
/// issuer mints (as the token, kept as its digest like any other).
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::ClientId;
    use crate::jwt::JwtKey;
    use crate::store::ClientType;
    use crate::MemoryStore;
    use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};

    const SECRET: &[u8] = b"a shared secret of at least 32 bytes!";
    const ISSUER: &str = "https://as.example";
    const AUDIENCE: &str = "https://api.example";

    type Store = JwtStore<MemoryStore>;

    fn memory() -> MemoryStore {
        MemoryStore::from_seed_json(
            r#"{"clients": [{"client_id": "app1", "client_secret": "s3cr3t"},
                            {"client_id": "app2", "client_secret": "0th3r"}],
                "tokens": [{"token": "RT1", "type": "refresh_token", "client_id": "app1",
                            "grant_id": "G1", "subject": "alice"}]}"#,
        )
        .unwrap()
    }

    /// A `JwtStore` over `memory`, recorded or not, requiring `AUDIENCE`.
    fn jwt_store(memory: &MemoryStore, recorded: bool) -> Store {
        let verifier = JwtVerifier::new(ISSUER, [JwtKey::hs256(SECRET).unwrap()]);
        JwtStore::new(memory.clone(), verifier.audience(AUDIENCE)).recorded(recorded)
    }

    /// A JWT access token of app1 for alice, `jti` as given, for `audience`.
    fn jwt(jti: &str, audience: &str) -> Token {
        let now = jsonwebtoken::get_current_timestamp();
        let claims = serde_json::json!({
            "iss": ISSUER, "sub": "alice", "client_id": "app1", "jti": jti, "aud": audience,
            "iat": now, "exp": now + 600, "scope": "read",
        });
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("at+jwt".into());
        let key = EncodingKey::from_secret(SECRET).unwrap();
        Token::new(encode(&header, &claims, &key).unwrap()).unwrap()
    }

    /// `token` as an access token of app1 for alice in grant G1.
    fn entry(token: &Token) -> TokenEntry {
        let app1 = ClientId::new("app1").unwrap();
        TokenEntry::new(token.clone(), TokenKind::AccessToken, app1)
            .with_grant_id("G1")
            .with_subject("alice")
            .with_expires_at(jsonwebtoken::get_current_timestamp() + 600)
    }

    /// A fresh store holding a JWT of app1 for alice, recorded in grant G1
    /// with RT1: the store, a recorded `JwtStore` and a verify-only one over
    /// it, and the JWT.
    async fn recorded_jwt() -> (MemoryStore, Store, Store, Token) {
        let memory = memory();
        let (store, verifying) = (jwt_store(&memory, true), jwt_store(&memory, false));
        let token = jwt("j1", AUDIENCE);
        let recorded = store.record_token(&entry(&token)).await.unwrap();
        assert_eq!(recorded, Recording::Recorded);
        (memory, store, verifying, token)
    }

    /// `client`'s revocation of `token` through `store`.
    async fn revoke(store: &Store, client: &str, token: &Token) -> RevocationOutcome {
        let client = AuthenticatedClient {
            client_id: ClientId::new(client).unwrap(),
            client_type: ClientType::Confidential,
        };
        let request = RevocationRequest::new(token.clone(), None);
        store.revoke(&client, &request).await.unwrap()
    }

    /// Both introspections of `token`, which must agree.
    async fn active(store: &Store, token: &Token) -> Option<ActiveToken> {
        let later = store.introspect(token).await.unwrap();
        let now = store.introspect_now(token.secret()).expect("in process");
        assert_eq!(now.unwrap(), later);
        later
    }

    #[tokio::test]
    async fn a_recorded_jwt_answers_with_the_store_facts_and_its_claims() {
        let (memory, store, _, token) = recorded_jwt().await;
        let facts = active(&store, &token).await.expect("active");
        assert_eq!(facts.client_id().as_str(), "app1");
        assert_eq!(facts.kind(), TokenKind::AccessToken);
        assert_eq!(facts.sub(), Some("alice"));
        assert_eq!(facts.iss(), Some(ISSUER));
        assert_eq!(facts.jti(), Some("j1"));
        assert_eq!(facts.aud().map(|aud| &*aud[0]), Some(AUDIENCE));
        assert_eq!(facts.scope(), Some("read"), "the claim, the store has none");
        assert!(facts.iat().is_some());
        assert_eq!(
            facts.exp(),
            memory.introspect(&token).await.unwrap().unwrap().exp()
        );
    }

    #[tokio::test]
    async fn revoking_its_refresh_token_ends_a_recorded_jwt_of_the_grant() {
        let (_, store, verifying, token) = recorded_jwt().await;
        let refresh = Token::new("RT1").unwrap();
        let outcome = revoke(&store, "app1", &refresh).await;
        let cascaded = RevocationOutcome::Revoked {
            kind: TokenKind::RefreshToken,
            cascaded: 1,
        };
        assert_eq!(outcome, cascaded);
        assert_eq!(active(&store, &token).await, None);
        let again = revoke(&store, "app1", &token).await;
        assert_eq!(again, RevocationOutcome::NotFound);
        // Without `recorded`, the claims alone speak: the grant is not seen.
        assert!(active(&verifying, &token).await.is_some());
    }

    #[tokio::test]
    async fn a_reused_refresh_token_ends_the_recorded_jwt_it_was_rotated_to() {
        let store = jwt_store(&memory(), true);
        let token = jwt("j1", AUDIENCE);
        assert_eq!(rotate_rt1(&store, &token).await, RotationOutcome::Rotated);
        assert!(active(&store, &token).await.is_some());
        let reused = rotate_rt1(&store, &jwt("j2", AUDIENCE)).await;
        assert!(
            matches!(reused, RotationOutcome::Reused { .. }),
            "{reused:?}"
        );
        assert_eq!(active(&store, &token).await, None);
    }

    /// app1 presents RT1, rotated to a new refresh token and `access`.
    async fn rotate_rt1(store: &Store, access: &Token) -> RotationOutcome {
        let app1 = AuthenticatedClient {
            client_id: ClientId::new("app1").unwrap(),
            client_type: ClientType::Confidential,
        };
        let refresh = Token::generate();
        let refresh = TokenEntry::new(refresh, TokenKind::RefreshToken, app1.client_id.clone());
        let rotation = Rotation::new(Token::new("RT1").unwrap(), refresh, Some(entry(access)));
        store.rotate_refresh_token(&app1, &rotation).await.unwrap()
    }

    #[tokio::test]
    async fn revoking_a_recorded_jwt_revokes_its_record_and_denies_it() {
        let (memory, store, verifying, token) = recorded_jwt().await;
        let other = revoke(&store, "app2", &token).await;
        assert_eq!(other, RevocationOutcome::IssuedToAnotherClient);
        assert!(active(&store, &token).await.is_some(), "nothing changed");
        let revoked = revoke(&store, "app1", &token).await;
        let access = RevocationOutcome::Revoked {
            kind: TokenKind::AccessToken,
            cascaded: 0,
        };
        assert_eq!(revoked, access);
        assert!(!memory.is_active(token.secret()), "the record is revoked");
        assert_eq!(active(&verifying, &token).await, None, "and denied");
        let again = revoke(&store, "app1", &token).await;
        assert_eq!(again, RevocationOutcome::NotFound);
    }

    #[tokio::test]
    async fn a_jwt_not_recorded_is_not_active_when_jwts_are_recorded() {
        let memory = memory();
        let (store, verifying) = (jwt_store(&memory, true), jwt_store(&memory, false));
        let token = jwt("j1", AUDIENCE);
        assert_eq!(active(&store, &token).await, None);
        let revoked = revoke(&store, "app1", &token).await;
        assert_eq!(revoked, RevocationOutcome::NotFound);
        assert!(active(&verifying, &token).await.is_some(), "as before");
    }

    #[tokio::test]
    async fn a_recorded_jwt_that_fails_verification_is_never_answered_by_the_store() {
        let memory = memory();
        let store = jwt_store(&memory, true);
        let elsewhere = jwt("j2", "https://other.example");
        store.record_token(&entry(&elsewhere)).await.unwrap();
        assert!(memory.is_active(elsewhere.secret()));
        assert_eq!(active(&store, &elsewhere).await, None);
        // Opaque tokens are the store's, as before.
        let refresh = Token::new("RT1").unwrap();
        assert!(active(&store, &refresh).await.is_some());
    }

    #[tokio::test]
    async fn a_labelled_bulk_revocation_ends_a_recorded_jwt_by_its_record() {
        let memory = memory();
        let (store, verifying) = (jwt_store(&memory, true), jwt_store(&memory, false));
        let token = jwt("j1", AUDIENCE);
        let labelled = entry(&token).with_label("provider", "github");
        store.record_token(&labelled).await.unwrap();
        let labels = [("provider", "github")];
        let revoked = store.revoke_subject_tokens("alice", &labels).await;
        assert_eq!(revoked.unwrap(), 1);
        assert_eq!(active(&store, &token).await, None);
        // JWTs carry no labels: without the record, no cutoff reaches it.
        assert!(active(&verifying, &token).await.is_some());
    }

    #[test]
    fn debug_says_whether_jwts_are_recorded() {
        let debug = format!("{:?}", jwt_store(&memory(), true));
        assert!(debug.contains("recorded: true"), "{debug}");
        assert!(!debug.contains("shared secret"), "{debug}");
    }
}
