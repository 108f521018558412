//! The checks of [`ClientAssertionStore`]: registered keys read back, and
//! single use of client assertions (RFC 7523 §3 item 7).

use crate::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use crate::clock::unix_now as now;
use crate::store::{
    AssertionDigest, AssertionUse, ClientAssertionStore, ClientEntry, ClientKeys, IssuanceStore,
    Registration, RevocationStore,
};
use std::sync::Arc;

/// An Ed25519 public key (RFC 8037 §A.2).
pub(super) const JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kid":"k1"}]}"#;

fn id(value: &str) -> ClientId {
    ClientId::new(value).expect("a client id")
}

/// Keys registered with a client are read back as registered, by value
/// or by reference; a client with keys and no secret is confidential and
/// authenticates with no secret and not with `none`; an unknown client and
/// one without keys have none.
pub(in crate::testkit) async fn client_keys<St>(store: &St)
where
    St: ClientAssertionStore + IssuanceStore + RevocationStore,
{
    let check = "client_keys";
    let jwks = ClientKeys::jwks(JWKS).expect("the kit's JWK Set");
    let uri = ClientKeys::jwks_uri("https://client.example/jwks.json").expect("a jwks_uri");
    for (client, keys) in [("keyed1", &jwks), ("keyed2", &uri)] {
        let entry = ClientEntry::new(id(client), None).with_keys(keys.clone());
        let registered = store.register_client(&entry).await;
        assert_eq!(
            registered.ok(),
            Some(Registration::Registered),
            "{check}: {client}"
        );
        let read = store.client_keys(&id(client)).await;
        assert_eq!(
            read.ok(),
            Some(Some(keys.clone())),
            "{check}: {client}'s keys"
        );
        let none = ClientCredentials::new(id(client), None, ClientAuthMethod::None);
        let found = store.authenticate_client(&none).await;
        assert_eq!(found.ok(), Some(None), "{check}: {client} is not public");
        let secret = ClientSecret::new("guess").expect("a secret");
        let post =
            ClientCredentials::new(id(client), Some(secret), ClientAuthMethod::ClientSecretPost);
        let found = store.authenticate_client(&post).await;
        assert_eq!(found.ok(), Some(None), "{check}: {client} has no secret");
    }
    let both = ClientEntry::new(
        id("keyed3"),
        Some(ClientSecret::new("k3y3d").expect("a secret")),
    )
    .with_keys(jwks.clone());
    assert_eq!(
        store.register_client(&both).await.ok(),
        Some(Registration::Registered)
    );
    let read = store.client_keys(&id("keyed3")).await;
    assert_eq!(read.ok(), Some(Some(jwks)), "{check}: keys beside a secret");
    for client in ["app1", "pub1", "nobody"] {
        let read = store.client_keys(&id(client)).await;
        assert_eq!(read.ok(), Some(None), "{check}: {client} has no keys");
    }
}

/// An assertion is used once until its record expires; the same `jti` of
/// another client is another assertion; an expired record is replaced.
pub(in crate::testkit) async fn assertion_single_use<St: ClientAssertionStore>(store: &St) {
    let check = "assertion_single_use";
    let (app1, app2) = (id("app1"), id("app2"));
    let live = now() + 300;
    let first = AssertionDigest::of(&app1, "jti-1");
    let used = |digest, until| async move { store.use_assertion(&digest, until).await.ok() };
    assert_eq!(
        used(first, live).await,
        Some(AssertionUse::First),
        "{check}"
    );
    assert_eq!(
        used(first, live).await,
        Some(AssertionUse::Replayed),
        "{check}: a replay"
    );
    let other = AssertionDigest::of(&app2, "jti-1");
    assert_eq!(
        used(other, live).await,
        Some(AssertionUse::First),
        "{check}: another client"
    );
    let lapsed = AssertionDigest::of(&app1, "jti-lapsed");
    assert_eq!(
        used(lapsed, now() - 1).await,
        Some(AssertionUse::First),
        "{check}"
    );
    assert_eq!(
        used(lapsed, live).await,
        Some(AssertionUse::First),
        "{check}: an expired record is no replay"
    );
    assert_eq!(
        used(lapsed, live).await,
        Some(AssertionUse::Replayed),
        "{check}"
    );
}

/// Of concurrent uses of one assertion, exactly one is the first.
pub(in crate::testkit) async fn concurrent_assertion_uses<St: ClientAssertionStore>(
    store: Arc<St>,
) {
    let digest = AssertionDigest::of(&id("app1"), "jti-raced");
    let until = now() + 300;
    let uses: Vec<_> = (0..16)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move { store.use_assertion(&digest, until).await })
        })
        .collect();
    let mut firsts = 0;
    for used in uses {
        let used = used.await.expect("a use task").expect("the store answers");
        firsts += usize::from(used == AssertionUse::First);
    }
    assert_eq!(
        firsts, 1,
        "concurrent_assertion_uses: exactly one first use"
    );
}
