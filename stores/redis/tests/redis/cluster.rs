//! The store on a Redis Cluster of three primaries started by the test: the
//! conformance kit (no script may touch two slots) and notices across
//! nodes.

use crate::common;
use crate::support::services::free_port;
use tower_revoke::IssuanceStore;

use redis::cluster::ClusterClient;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tower_revoke::testkit::Conformance;
use tower_revoke_redis::{RedisStore, RevocationListener};

/// How long the nodes may take to form the cluster.
const WAIT_FOR_NODES: Duration = Duration::from_secs(30);

/// Three cluster primaries of this test's own, stopped by PID when dropped.
struct Cluster {
    dir: PathBuf,
    ports: Vec<u16>,
    children: Vec<Child>,
}

impl Cluster {
    fn start() -> Self {
        let ports: Vec<u16> = (0..3).map(|_| free_port()).collect();
        let dir = std::env::temp_dir().join(format!(
            "trv-redis-cluster-{}-{}",
            std::process::id(),
            ports[0]
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let mut cluster = Self {
            dir,
            ports: ports.clone(),
            children: Vec::new(),
        };
        for port in &ports {
            let config = format!("nodes-{port}.conf");
            let cluster_args = ["--cluster-enabled", "yes", "--cluster-config-file", &config];
            let child = common::redis_server(*port, &cluster.dir, &cluster_args);
            cluster.children.push(child);
        }
        let nodes: Vec<String> = ports.iter().map(|p| format!("127.0.0.1:{p}")).collect();
        let created = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&nodes)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .stdout(Stdio::null())
            .status()
            .expect("redis-cli");
        assert!(created.success(), "redis-cli --cluster create failed");
        for port in &ports {
            common::wait_until("the cluster to be ok", WAIT_FOR_NODES, || {
                let info = Command::new("redis-cli")
                    .args(["-p", &port.to_string(), "cluster", "info"])
                    .output()
                    .expect("redis-cli");
                String::from_utf8_lossy(&info.stdout).contains("cluster_state:ok")
            });
        }
        cluster
    }

    fn urls(&self) -> Vec<String> {
        self.ports
            .iter()
            .map(|p| format!("redis://127.0.0.1:{p}/"))
            .collect()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn redis_store_conforms_on_a_cluster() {
    if common::redis_url("redis_store_conforms_on_a_cluster").is_none() {
        return;
    }
    let cluster = Cluster::start();
    let urls = cluster.urls();
    let client = ClusterClient::new(urls.clone()).unwrap();
    let conn = client.get_async_connection().await.unwrap();
    let nodes = Arc::new(urls.clone());
    Conformance::new(move |seed| {
        let conn = conn.clone();
        async move {
            let prefix = common::unique_prefix("cluster");
            let store = RedisStore::new(conn)
                .channel(format!("{prefix}:revocations"))
                .key_prefix(prefix);
            store.seed(&seed).await.expect("seeding");
            store
        }
    })
    .dump(
        move |store: Arc<RedisStore<redis::cluster_async::ClusterConnection>>| {
            let nodes = Arc::clone(&nodes);
            async move {
                let mut dump = String::new();
                for url in nodes.iter() {
                    let node = redis::Client::open(url.as_str()).unwrap();
                    let mut conn = node.get_multiplexed_async_connection().await.unwrap();
                    dump.push_str(&common::dump(&mut conn, store.get_key_prefix()).await);
                }
                assert!(dump.contains(":t:{"), "the dump holds the tokens: {dump}");
                dump
            }
        },
    )
    .run_with_status_lists()
    .await;

    // A notice published through the cluster reaches a listener on any node.
    let conn = client.get_async_connection().await.unwrap();
    let store = RedisStore::new(conn).key_prefix(common::unique_prefix("cluster-notices"));
    store.seed(&common::seed(common::SEED)).await.unwrap();
    let recorder = common::Recorder::default();
    let wait = Duration::from_secs(5);
    let listeners: Vec<_> = urls
        .iter()
        .map(|url| {
            let node = redis::Client::open(url.as_str()).unwrap();
            let listener = RevocationListener::new(node, recorder.clone());
            tokio::spawn(listener.channel(store.get_channel()).run())
        })
        .collect();
    recorder
        .wait("three flushes", wait, |r| r.flushes() == 3)
        .await;
    let outcome = common::revoke(&store, "RT1").await;
    assert!(matches!(
        outcome,
        tower_revoke::RevocationOutcome::Revoked { cascaded: 1, .. }
    ));
    recorder
        .wait("the notice on every node", wait, |r| r.events().len() == 6)
        .await;
    let grant = [common::digest("AT1"), common::digest("RT1")].into();
    assert_eq!(recorder.digests(), grant);
    for listener in listeners {
        listener.abort();
    }
}
