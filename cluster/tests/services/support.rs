//! Connections and unique names for the service tests.

use botwot_cluster::{
    LeaseConfig, Membership, MembershipConfig, ShardLeases, ShardQueueConfig, ShardQueues,
};
use std::future::Future;
use std::time::Duration;

pub fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

pub fn amqp_url() -> String {
    std::env::var("BOTWOT_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".into())
}

/// A prefix no other test or run shares.
pub fn unique_prefix(kind: &str) -> String {
    format!("botwot-test-{kind}-{}", uuid::Uuid::new_v4().simple())
}

/// Awaits a connection, failing (never skipping) when the service does not answer.
async fn connected<T, E: std::fmt::Display>(
    service: &str,
    url: &str,
    connect: impl Future<Output = Result<T, E>>,
) -> T {
    match tokio::time::timeout(Duration::from_secs(10), connect).await {
        Ok(Ok(value)) => value,
        Ok(Err(e)) => panic!(
            "cannot reach {service} at {url} (run deploy/test-services.sh or set the URL): {e}"
        ),
        Err(_) => panic!("timed out connecting to {service} at {url}"),
    }
}

pub async fn membership(prefix: &str, ttl_ms: u64, interval_ms: u64) -> Membership {
    let config = MembershipConfig {
        prefix: format!("{prefix}:"),
        ttl: Duration::from_millis(ttl_ms),
        heartbeat_interval: Duration::from_millis(interval_ms),
    };
    let url = redis_url();
    connected("redis", &url, Membership::connect(&url, config)).await
}

pub async fn leases(prefix: &str, ttl_ms: u64) -> ShardLeases {
    let config = LeaseConfig {
        prefix: format!("{prefix}:"),
        ttl: Duration::from_millis(ttl_ms),
    };
    let url = redis_url();
    connected("redis", &url, ShardLeases::connect(&url, config)).await
}

pub fn queue_config(prefix: &str, shard_count: u32, max_deliveries: u32) -> ShardQueueConfig {
    ShardQueueConfig {
        prefix: prefix.to_owned(),
        shard_count,
        max_deliveries,
        prefetch: 1,
        retry_delay: Duration::from_millis(10),
    }
}

pub async fn queues(config: ShardQueueConfig) -> ShardQueues {
    let url = amqp_url();
    connected("rabbitmq", &url, ShardQueues::connect(&url, config)).await
}

/// Polls `check` every 20 ms until it holds, failing after `within`.
pub async fn eventually<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Deletes every Redis key under a prefix when dropped, even when the test panicked.
pub struct RedisCleanup(String);

impl RedisCleanup {
    pub fn new(prefix: &str) -> Self {
        Self(prefix.to_owned())
    }
}

impl Drop for RedisCleanup {
    fn drop(&mut self) {
        use redis::Commands;
        let Ok(client) = redis::Client::open(redis_url()) else {
            return;
        };
        let Ok(mut conn) = client.get_connection() else {
            return;
        };
        let keys: Vec<String> = match conn.scan_match(format!("{}:*", self.0)) {
            Ok(keys) => keys.filter_map(Result::ok).collect(),
            Err(_) => return,
        };
        if !keys.is_empty() {
            let _: Result<(), _> = conn.del(keys);
        }
    }
}

/// Deletes a test's queues and exchange when dropped, even when the test panicked (on a thread
/// of its own, since drop cannot await).
pub struct QueueCleanup(ShardQueueConfig);

impl QueueCleanup {
    pub fn new(config: &ShardQueueConfig) -> Self {
        Self(config.clone())
    }
}

impl Drop for QueueCleanup {
    fn drop(&mut self) {
        let config = self.0.clone();
        let cleanup = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async move {
                if let Ok(node) = ShardQueues::connect(&amqp_url(), config).await {
                    let _ = node.delete_topology().await;
                    let _ = node.close().await;
                }
            });
        });
        let _ = cleanup.join();
    }
}
