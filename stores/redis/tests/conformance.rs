//! `tower_revoke`'s conformance kit against a real Redis, with a dump of
//! every key and value for the no-raw-secrets check.

mod common;

use std::sync::{Arc, Mutex};
use tower_revoke::testkit::Conformance;
use tower_revoke_redis::RedisStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_conforms() {
    let Some(url) = common::redis_url("redis_store_conforms") else {
        return;
    };
    let manager = common::manager(&url).await;
    let prefixes = Arc::new(Mutex::new(Vec::new()));
    let made = Arc::clone(&prefixes);
    Conformance::new(move |seed| {
        let (manager, made) = (manager.clone(), Arc::clone(&made));
        async move {
            let prefix = common::unique_prefix("conformance");
            made.lock().unwrap().push(prefix.clone());
            let store = RedisStore::new(manager)
                .channel(format!("{prefix}:revocations"))
                .prefix(prefix);
            store.seed(&seed).await.expect("seeding");
            store
        }
    })
    .dump(|store: Arc<RedisStore>| async move {
        let mut conn = store.connection().clone();
        let dump = common::dump(&mut conn, store.key_prefix()).await;
        assert!(dump.contains(":t:{"), "the dump holds the tokens: {dump}");
        dump
    })
    .run()
    .await;
    let mut conn = common::manager(&url).await;
    let made = prefixes.lock().unwrap().clone();
    for prefix in made {
        common::clean(&mut conn, &prefix).await;
    }
}
