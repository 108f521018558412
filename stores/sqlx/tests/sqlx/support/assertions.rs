//! The behaviours of `ClientAssertionStore` (RFC 7523 §2.2, §3) beyond
//! the conformance kit, written once and run on both databases: replays
//! seen across a restart and across instances, the table of used
//! assertions bounded, keys-only clients from a seed never public, and no
//! `jti` at rest.

use super::scenarios::Durable;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tower_revoke::client::{ClientAuthMethod, ClientCredentials, ClientId, ClientSecret};
use tower_revoke::store::{
    AssertionDigest, AssertionUse, ClientEntry, ClientKeys, Registration, Seed,
};
use tower_revoke::{ClientAssertionStore, ClientType, RevocationStore};

const TABLE: &str = "tower_revoke_assertions";

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_secs()
}

fn assertion(client: &str, jti: &str) -> AssertionDigest {
    AssertionDigest::of(&ClientId::new(client).unwrap(), jti)
}

async fn used(
    store: &impl ClientAssertionStore,
    digest: AssertionDigest,
    until: u64,
) -> AssertionUse {
    store
        .use_assertion(&digest, until)
        .await
        .expect("use an assertion")
}

/// An assertion used through `first` is a replay through the store that
/// `reopen(first)` makes on the same database (a restart, or another
/// instance); an expired record is still no replay there, and another
/// client's equal `jti` is another assertion.
pub async fn replays_outlive_the_store<D, R, Fut>(first: D, reopen: R)
where
    D: Durable,
    R: FnOnce(D) -> Fut,
    Fut: Future<Output = D>,
{
    let live = now() + 300;
    let once = assertion("app1", "jti-durable");
    let lapsed = assertion("app1", "jti-lapsed");
    assert_eq!(used(&first, once, live).await, AssertionUse::First);
    assert_eq!(used(&first, lapsed, now() - 1).await, AssertionUse::First);
    let second = reopen(first).await;
    assert_eq!(
        used(&second, once, live).await,
        AssertionUse::Replayed,
        "a replay through the other store"
    );
    assert_eq!(
        used(&second, lapsed, live).await,
        AssertionUse::First,
        "an expired record is no replay"
    );
    assert_eq!(used(&second, lapsed, live).await, AssertionUse::Replayed);
    let other = assertion("app2", "jti-durable");
    assert_eq!(used(&second, other, live).await, AssertionUse::First);
}

/// Of concurrent uses of one assertion through two stores on one
/// database, exactly one is the first.
pub async fn one_first_use_across_stores<D: Durable>(first: D, second: D) {
    let stores = [Arc::new(first), Arc::new(second)];
    let raced = assertion("app1", "jti-raced-across");
    let until = now() + 300;
    let uses: Vec<_> = (0..32)
        .map(|i| {
            let store = Arc::clone(&stores[i % 2]);
            tokio::spawn(async move { used(&*store, raced, until).await })
        })
        .collect();
    let mut firsts = 0;
    for each in uses {
        firsts += usize::from(each.await.expect("a use task") == AssertionUse::First);
    }
    assert_eq!(firsts, 1, "exactly one first use across the stores");
}

/// Uses whose records expire leave the table bounded: each use deletes a
/// few expired records, so a burst that has expired is drained by the
/// uses after it, and records already expired when used do not pile up;
/// live records are never deleted; `delete_expired` takes the rest.
pub async fn used_assertions_stay_bounded<D: Durable>(store: D) {
    let live = now() + 300;
    for i in 0..20 {
        let digest = assertion("app1", &format!("live-{i}"));
        assert_eq!(used(&store, digest, live).await, AssertionUse::First);
    }
    // A burst that expires in two or three seconds.
    let soon = now() + 2;
    for i in 0..64 {
        let digest = assertion("app1", &format!("burst-{i}"));
        assert_eq!(used(&store, digest, soon).await, AssertionUse::First);
    }
    let rows = store.rows(TABLE).await;
    if now() < soon {
        assert_eq!(rows, 20 + 64, "no live record is deleted");
    }
    while now() <= soon {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Then many uses of assertions already expired.
    for i in 0..300 {
        let digest = assertion("app1", &format!("lapsed-{i}"));
        assert_eq!(used(&store, digest, now() - 1).await, AssertionUse::First);
    }
    let rows = store.rows(TABLE).await;
    assert!(
        rows <= 20 + 1,
        "the live records and the last expired one: {rows} rows"
    );
    for i in 0..20 {
        let digest = assertion("app1", &format!("live-{i}"));
        let again = used(&store, digest, live).await;
        assert_eq!(again, AssertionUse::Replayed, "live-{i} is kept");
    }
    store.delete_expired(7).await.expect("delete expired");
    assert_eq!(store.rows(TABLE).await, 20, "delete_expired takes the rest");
}

/// A seed document's client with `jwks` (or `jwks_uri`) and no secret is
/// confidential: `none` and any secret fail, and its keys read back; a
/// client with neither is public as before.
pub async fn keys_only_seed_clients_are_not_public<D: Durable>(store: D) {
    let jwks = r#"{"keys": [{"kty": "OKP", "crv": "Ed25519", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
    let seed = Seed::from_json(&format!(
        r#"{{"clients": [
            {{"client_id": "signer", "jwks": {jwks}}},
            {{"client_id": "fetcher", "jwks_uri": "https://fetcher.example/jwks.json"}},
            {{"client_id": "keyed", "client_secret": "k3y3d", "jwks": {jwks}}},
            {{"client_id": "pub9"}}
        ]}}"#
    ))
    .expect("a seed with keys");
    let report = store.seed(&seed).await.expect("seed");
    assert_eq!(report.registered, 4);
    let reserialized: serde_json::Value = serde_json::from_str(jwks).unwrap();
    let set = ClientKeys::jwks(&reserialized.to_string()).unwrap();
    let uri = ClientKeys::jwks_uri("https://fetcher.example/jwks.json").unwrap();
    for (client, keys) in [("signer", &set), ("fetcher", &uri), ("keyed", &set)] {
        let id = ClientId::new(client).unwrap();
        let read = store.client_keys(&id).await.expect("client keys");
        assert_eq!(read.as_ref(), Some(keys), "{client}'s keys");
        let none = authenticate(&store, client, None).await;
        assert_eq!(none, None, "{client} is not public");
        let guess = authenticate(&store, client, Some("guess")).await;
        assert_eq!(guess, None, "{client}: a wrong secret");
    }
    let keyed = authenticate(&store, "keyed", Some("k3y3d")).await;
    assert_eq!(
        keyed,
        Some(ClientType::Confidential),
        "keys beside a secret"
    );
    let public = authenticate(&store, "pub9", None).await;
    assert_eq!(public, Some(ClientType::Public), "no secret, no keys");
    let none = store.client_keys(&ClientId::new("pub9").unwrap()).await;
    assert_eq!(none.expect("client keys"), None);
}

/// A database holding the kit's seed, just upgraded to version 5 (client
/// keys): its clients kept their types (`pub1` public, `app1` with its
/// secret), a client registered with keys only is not public, and
/// assertions are used once.
pub async fn keys_after_an_upgrade<D: Durable>(store: &D) {
    let public = authenticate(store, "pub1", None).await;
    assert_eq!(public, Some(ClientType::Public), "pub1 stays public");
    let app1 = authenticate(store, "app1", Some("s3cr3t")).await;
    assert_eq!(
        app1,
        Some(ClientType::Confidential),
        "app1 keeps its secret"
    );
    let keys = ClientKeys::jwks_uri("https://signer.example/jwks").unwrap();
    let signer = ClientEntry::new(ClientId::new("signer").unwrap(), None).with_keys(keys);
    let registered = store.register_client(&signer).await.expect("register");
    assert_eq!(registered, Registration::Registered);
    assert_eq!(
        authenticate(store, "signer", None).await,
        None,
        "not public"
    );
    let digest = assertion("signer", "jti-upgraded");
    assert_eq!(used(store, digest, now() + 300).await, AssertionUse::First);
    assert_eq!(
        used(store, digest, now() + 300).await,
        AssertionUse::Replayed
    );
}

/// The client type `client` authenticates as with `secret` (`none`
/// without one), if it does.
async fn authenticate(
    store: &impl RevocationStore,
    client: &str,
    secret: Option<&str>,
) -> Option<ClientType> {
    let method = match secret {
        Some(_) => ClientAuthMethod::ClientSecretPost,
        None => ClientAuthMethod::None,
    };
    let secret = secret.map(|s| ClientSecret::new(s).unwrap());
    let credentials = ClientCredentials::new(ClientId::new(client).unwrap(), secret, method);
    let found = store.authenticate_client(&credentials).await;
    found.expect("authenticate").map(|c| c.client_type)
}

/// A used assertion's `jti` is nowhere in the database: only its digest.
pub async fn no_jti_at_rest<D: Durable>(store: D) {
    let jti = "jti-7f3a9c-never-stored";
    let live = now() + 300;
    assert_eq!(
        used(&store, assertion("app1", jti), live).await,
        AssertionUse::First
    );
    assert_eq!(store.rows(TABLE).await, 1);
    let dump = store.dump().await;
    assert!(dump.contains(TABLE), "the dump has the table");
    assert!(!dump.contains(jti), "the jti is kept: {dump}");
}
