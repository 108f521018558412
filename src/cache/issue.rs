//! [`IssuanceStore`] for [`CachedStore`]: forwarded; a rotation forgets
//! what it ended.

use super::flushes::Scope;
use super::CachedStore;
use crate::store::{
    AuthenticatedClient, ClientEntry, IssuanceStore, Recording, Registration, Rotation,
    RotationOutcome, StoreError, TokenDigest, TokenEntry,
};

/// Registering and recording are forwarded: a token recorded now was never
/// cached as active. A rotation is forwarded, then the cache forgets the
/// presented refresh token (it is no longer active, or its grant ended),
/// and after a reuse, which revoked a whole grant, every "active" answer of
/// the client when [`flush_on_cascade`](CachedStore::flush_on_cascade) is
/// on (a store whose notices feed the cache names each token instead).
impl<St: IssuanceStore> IssuanceStore for CachedStore<St> {
    async fn register_client(&self, client: &ClientEntry) -> Result<Registration, StoreError> {
        self.get_ref().register_client(client).await
    }

    async fn record_token(&self, token: &TokenEntry) -> Result<Recording, StoreError> {
        self.get_ref().record_token(token).await
    }

    async fn rotate_refresh_token(
        &self,
        client: &AuthenticatedClient,
        rotation: &Rotation,
    ) -> Result<RotationOutcome, StoreError> {
        let outcome = self.get_ref().rotate_refresh_token(client, rotation).await;
        self.answers.forget(&[TokenDigest::of(&rotation.presented)]);
        let reused = matches!(outcome, Ok(RotationOutcome::Reused { .. }));
        if reused && self.answers.settings.flush_on_cascade {
            self.answers.flush(Scope::Client(client.client_id.as_str()));
        }
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{ClientId, ClientSecret};
    use crate::request::Token;
    use crate::store::{ClientEntry, ClientType, IntrospectionStore, MemoryStore, Seed, TokenKind};
    use std::time::Duration;

    fn block_on<F: std::future::Future>(future: F) -> F::Output {
        let runtime = tokio::runtime::Builder::new_current_thread().build();
        runtime.expect("a runtime").block_on(future)
    }

    #[test]
    fn rotation_and_reuse_reach_the_cached_answers() {
        let app1 = ClientId::new("app1").unwrap();
        let client = ClientEntry::new(app1.clone(), Some(ClientSecret::new("s").unwrap()));
        let rt = Token::new("RT").unwrap();
        let entry = TokenEntry::new(rt.clone(), TokenKind::RefreshToken, app1.clone());
        let seed = Seed::new([client], [entry.with_grant_id("G")]).unwrap();
        let store = MemoryStore::from_seed(&seed);
        let cached = CachedStore::new(store, Duration::from_secs(3600));
        let client = AuthenticatedClient {
            client_id: app1.clone(),
            client_type: ClientType::Confidential,
        };
        block_on(async {
            assert!(
                cached.introspect(&rt).await.unwrap().is_some(),
                "cached as active"
            );
            let next = Token::generate();
            let successor = TokenEntry::new(next.clone(), TokenKind::RefreshToken, app1.clone());
            let rotation = Rotation::new(rt.clone(), successor, None);
            let rotated = cached
                .rotate_refresh_token(&client, &rotation)
                .await
                .unwrap();
            assert_eq!(rotated, RotationOutcome::Rotated);
            assert!(cached.introspect(&rt).await.unwrap().is_none(), "forgotten");
            assert!(
                cached.introspect(&next).await.unwrap().is_some(),
                "cached as active"
            );
            let again = TokenEntry::new(Token::generate(), TokenKind::RefreshToken, app1);
            let reuse = Rotation::new(rt.clone(), again, None);
            let reused = cached.rotate_refresh_token(&client, &reuse).await.unwrap();
            assert!(
                matches!(reused, RotationOutcome::Reused { .. }),
                "{reused:?}"
            );
            assert!(cached.introspect(&next).await.unwrap().is_none(), "flushed");
        });
    }
}
