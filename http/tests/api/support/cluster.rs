//! A real cluster member for the administration tests: a `ClusterNode` on the Redis
//! (`BOTWOT_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`) and RabbitMQ
//! (`BOTWOT_TEST_AMQP_URL`, default `amqp://guest:guest@127.0.0.1:5672/%2f`) of this machine,
//! under a prefix of its own, whose shards run nothing. A missing service fails the test
//! (`bash deploy/test-services.sh` starts them).

use botwot_cluster::shard_queues::InboundEnvelope;
use botwot_cluster::{
    ClusterConfig, ClusterNode, HandlerFailure, HeldShards, Release, ShardHost, ShardId,
    ShardQueues,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A host that takes any shard and applies every event by doing nothing.
pub struct IdleHost;

impl ShardHost for IdleHost {
    async fn adopt(&self, _: Vec<ShardId>) -> Result<(), String> {
        Ok(())
    }

    async fn release(&self, _: Vec<ShardId>, _: Release) {}

    async fn handle(&self, _: InboundEnvelope) -> Result<Vec<u8>, HandlerFailure> {
        Ok(Vec::new())
    }

    fn load(&self) -> u64 {
        0
    }

    async fn accepted_epochs(&self) -> Result<BTreeMap<ShardId, u64>, String> {
        Ok(BTreeMap::new())
    }
}

/// A one-member cluster of `shards` shards with fast timings, and what it leaves behind is
/// removed when this is dropped.
pub struct TestCluster {
    pub node: Arc<ClusterNode>,
    config: ClusterConfig,
}

impl TestCluster {
    pub async fn start(shards: u32) -> Self {
        let prefix = format!("botwot-test-admin-{}", uuid::Uuid::new_v4().simple());
        let config = ClusterConfig {
            enabled: true,
            redis_url: std::env::var("BOTWOT_TEST_REDIS_URL")
                .unwrap_or_else(|_| "redis://127.0.0.1:6379".into()),
            amqp_url: std::env::var("BOTWOT_TEST_AMQP_URL")
                .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f?heartbeat=5".into()),
            prefix: prefix.clone(),
            shards,
            member_ttl_ms: 3_000,
            heartbeat_interval_ms: 500,
            lease_ttl_ms: 3_000,
            rebalance_interval_ms: 100,
            ..ClusterConfig::default()
        };
        let node_id = format!("{prefix}-node");
        let start = ClusterNode::start(
            config.clone(),
            node_id,
            "127.0.0.1:8080".into(),
            HeldShards::new(shards),
            Arc::new(IdleHost),
        );
        let node = match tokio::time::timeout(Duration::from_secs(20), start).await {
            Ok(Ok(node)) => node,
            Ok(Err(error)) => panic!(
                "cannot join a test cluster at {} and {} (run deploy/test-services.sh or set BOTWOT_TEST_REDIS_URL / BOTWOT_TEST_AMQP_URL): {error}",
                config.redis_url, config.amqp_url
            ),
            Err(_) => panic!("timed out joining a test cluster"),
        };
        Self {
            node: Arc::new(node),
            config,
        }
    }
}

impl Drop for TestCluster {
    /// Deletes the cluster's queues and Redis keys, on a thread of its own since drop cannot
    /// await (and may run while a test panics).
    fn drop(&mut self) {
        let config = self.config.clone();
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(queues) = ShardQueues::connect(&config.amqp_url, config.queues()).await {
                    let _ = queues.delete_topology().await;
                    let _ = queues.close().await;
                }
                let Ok(client) = redis::Client::open(config.redis_url.as_str()) else {
                    return;
                };
                let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
                    return;
                };
                let pattern = format!("{}*", config.key_prefix());
                let mut cursor = 0_u64;
                loop {
                    let scanned: Result<(u64, Vec<String>), _> = redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(&pattern)
                        .arg("COUNT")
                        .arg(1_000)
                        .query_async(&mut conn)
                        .await;
                    let Ok((next, keys)) = scanned else {
                        return;
                    };
                    if !keys.is_empty() {
                        let _: Result<(), _> =
                            redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
                    }
                    if next == 0 {
                        return;
                    }
                    cursor = next;
                }
            });
        });
        let _ = cleanup.join();
    }
}
