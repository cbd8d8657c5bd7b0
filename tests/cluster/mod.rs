//! A cluster of real `botwot serve --cluster` processes for the cluster suite: one MongoDB
//! database (the test server), Redis and RabbitMQ (`deploy/test-services.sh` starts them), a
//! key and queue prefix of the test's own, and the operator token of the admin endpoints.
//! The cluster benchmark (`benches/cluster_webhooks.rs`) uses it too.

#![allow(dead_code)] // each user takes the part it needs

use crate::support::meta::{APP_SECRET, FakeGraph, SECRET_KEY, connect_whatsapp_closing_after};
use crate::support::{Backend, Server};
use botwot_cluster::shard_queues::{ShardQueueConfig, ShardQueues};
use serde_json::Value;
use std::time::Duration;
use tokio::time::Instant;

pub const ADMIN_TOKEN: &str = "cluster-e2e-operator-token";

/// Lease and membership timings short enough for a test, long enough for a loaded machine.
const TIMINGS: &[(&str, &str)] = &[
    ("BOTWOT__CLUSTER__MEMBER_TTL_MS", "4000"),
    ("BOTWOT__CLUSTER__HEARTBEAT_INTERVAL_MS", "1000"),
    ("BOTWOT__CLUSTER__LEASE_TTL_MS", "4000"),
    ("BOTWOT__CLUSTER__REBALANCE_INTERVAL_MS", "250"),
    ("BOTWOT__CLUSTER__REPLY_TIMEOUT_MS", "15000"),
];

/// Where the nodes reach Redis, RabbitMQ and MongoDB (the outage drills put a cuttable proxy in
/// between).
#[derive(Clone, Debug)]
pub struct Services {
    pub redis_url: String,
    pub amqp_url: String,
    /// The nodes' store; a fresh database of the test server when `None`.
    pub store: Option<Backend>,
}

impl Default for Services {
    fn default() -> Self {
        Self {
            redis_url: redis_url(),
            amqp_url: amqp_url(),
            store: None,
        }
    }
}

pub struct Cluster {
    pub name: String,
    pub prefix: String,
    pub shards: u32,
    pub backend: Backend,
    pub graph: FakeGraph,
    /// Node `i` has the id `node_id(i)`; a killed or exited node stays in place as `None`.
    pub nodes: Vec<Option<Server>>,
    services: Services,
    token: String,
    http: reqwest::Client,
}

pub fn amqp_url() -> String {
    std::env::var("BOTWOT_TEST_AMQP_URL")
        .unwrap_or_else(|_| "amqp://guest:guest@127.0.0.1:5672/%2f".to_owned())
}

pub fn redis_url() -> String {
    std::env::var("BOTWOT_TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379".to_owned())
}

impl Cluster {
    /// Starts `count` nodes on `shards` shards; the first signs the organisation up and
    /// connects a WhatsApp number to a bot closing idle conversations after `close_after_secs`.
    pub async fn start(name: &str, count: usize, shards: u32, close_after_secs: u64) -> Self {
        Self::start_with(name, count, shards, close_after_secs, Services::default()).await
    }

    /// [`Cluster::start`] with the nodes reaching their services through `services`.
    pub async fn start_with(
        name: &str,
        count: usize,
        shards: u32,
        close_after_secs: u64,
        services: Services,
    ) -> Self {
        // One prefix per test, not per run: a run that failed before its clean-up leaves its
        // quorum queues behind, and the next run of the test removes them first.
        let prefix = format!("e2e{name}");
        let mut cluster = Self {
            name: name.to_owned(),
            prefix,
            shards,
            backend: services
                .store
                .clone()
                .unwrap_or_else(|| Backend::fresh_mongo(name)),
            graph: FakeGraph::start().await,
            nodes: Vec::new(),
            services,
            token: String::new(),
            http: reqwest::Client::new(),
        };
        cluster.clean_up().await;
        cluster.remove_redis_keys();
        let env = cluster.env(0);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let first = Server::start_on(cluster.backend.clone(), &env).await;
        cluster.token = first.token();
        connect_whatsapp_closing_after(&first, close_after_secs).await;
        cluster.nodes.push(Some(first));
        for _ in 1..count {
            cluster.add_node().await;
        }
        cluster
    }

    pub fn node_id(&self, index: usize) -> String {
        format!("{}-n{}", self.name, index + 1)
    }

    fn env(&self, index: usize) -> Vec<(&'static str, String)> {
        let mut env = vec![
            ("BOTWOT__CLUSTER__ENABLED", "true".to_owned()),
            ("BOTWOT__CLUSTER__NODE_ID", self.node_id(index)),
            ("BOTWOT__CLUSTER__PREFIX", self.prefix.clone()),
            ("BOTWOT__CLUSTER__SHARDS", self.shards.to_string()),
            (
                "BOTWOT__CLUSTER__REDIS_URL",
                self.services.redis_url.clone(),
            ),
            (
                "BOTWOT__CLUSTER__AMQP_URL",
                format!("{}?heartbeat=2", self.services.amqp_url),
            ),
            ("BOTWOT__HTTP__ADMIN_TOKEN", ADMIN_TOKEN.to_owned()),
            ("BOTWOT__META__BASE_URL", self.graph.base_url.clone()),
            ("BOTWOT__HTTP__META_APP_SECRET", APP_SECRET.to_owned()),
            (
                "BOTWOT__HTTP__INTEGRATION_SECRET_KEY",
                SECRET_KEY.to_owned(),
            ),
            // Only the first node creates the demo bot, so the bot list stays predictable.
            ("BOTWOT__HTTP__DEMO_BOT", (index == 0).to_string()),
        ];
        env.extend(TIMINGS.iter().map(|(k, v)| (*k, (*v).to_owned())));
        env
    }

    /// Starts the next node (it joins and takes its share).
    pub async fn add_node(&mut self) -> usize {
        let index = self.nodes.len();
        let env = self.env(index);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let node = Server::start_signed_in(self.backend.clone(), &env, self.token.clone()).await;
        self.nodes.push(Some(node));
        index
    }

    pub fn node(&self, index: usize) -> &Server {
        self.nodes[index].as_ref().expect("node running")
    }

    pub fn node_mut(&mut self, index: usize) -> &mut Server {
        self.nodes[index].as_mut().expect("node running")
    }

    /// A running node to read through.
    pub fn any(&self) -> &Server {
        self.nodes.iter().flatten().next().expect("a running node")
    }

    pub fn bases(&self) -> Vec<String> {
        self.nodes
            .iter()
            .flatten()
            .map(|n| n.base.clone())
            .collect()
    }

    pub async fn admin(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.any().base))
            .bearer_auth(ADMIN_TOKEN);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("admin call");
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The lease holder of every shard (`None` while a shard is free).
    pub async fn holders(&self) -> Vec<Option<String>> {
        self.shard_map()
            .await
            .unwrap_or_else(|refused| panic!("the shard map: {refused}"))
            .into_iter()
            .map(|(_, held_by)| held_by)
            .collect()
    }

    /// Where placement puts every shard and who holds its lease now; the answer when the node
    /// could not say (a 503 while it reconnects to Redis, say).
    async fn shard_map(&self) -> Result<Vec<(Option<String>, Option<String>)>, Value> {
        let (status, shards) = self
            .admin(reqwest::Method::GET, "/v1/admin/cluster/shards", None)
            .await;
        if status == 503 {
            return Err(shards);
        }
        assert_eq!(status, 200, "{shards}");
        let owner = |shard: &Value, field: &str| shard[field].as_str().map(str::to_owned);
        Ok(shards
            .as_array()
            .expect("shard list")
            .iter()
            .map(|shard| (owner(shard, "placedOn"), owner(shard, "heldBy")))
            .collect())
    }

    /// Waits until placement divides the shards among exactly `nodes` (by index) and every
    /// shard is held where placement puts it; returns how long that took. A node that cannot
    /// tell for a moment (503) is asked again.
    pub async fn until_held_by(&self, nodes: &[usize]) -> Duration {
        let started = Instant::now();
        let wanted: Vec<String> = nodes.iter().map(|i| self.node_id(*i)).collect();
        loop {
            let map = match self.shard_map().await {
                Ok(map) => map,
                Err(refused) => {
                    assert!(
                        started.elapsed() < Duration::from_secs(90),
                        "the shard map stayed unavailable: {refused}"
                    );
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let settled = map.iter().all(|(placed, held)| {
                held.is_some()
                    && placed == held
                    && held.as_ref().is_some_and(|h| wanted.contains(h))
            });
            let everyone = wanted
                .iter()
                .all(|id| map.iter().any(|(_, h)| h.as_deref() == Some(id.as_str())));
            if settled && everyone {
                return started.elapsed();
            }
            let holders: Vec<_> = map.iter().map(|(_, held)| held.clone()).collect();
            assert!(
                started.elapsed() < Duration::from_secs(90),
                "shards not settled on {wanted:?}: {holders:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Where the session `session_id` runs now.
    pub async fn holder_of_session(&self, tenant: &str, session_id: &str) -> Option<String> {
        let location = self.session_location(tenant, session_id).await;
        location["heldBy"].as_str().map(str::to_owned)
    }

    /// The session's shard, where placement puts it and who holds it (the admin API's answer).
    pub async fn session_location(&self, tenant: &str, session_id: &str) -> Value {
        let (status, location) = self
            .admin(
                reqwest::Method::GET,
                &format!("/v1/admin/cluster/sessions/{session_id}/location?tenant={tenant}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{location}");
        location
    }

    /// Deletes the test's Redis keys: drains and pins of an earlier run would steer this one;
    /// while the nodes run, it is Redis restarting empty (leases, epochs, membership gone).
    pub fn remove_redis_keys(&self) {
        let url = redis_url();
        let listed = std::process::Command::new("redis-cli")
            .args([
                "-u",
                &url,
                "--scan",
                "--pattern",
                &format!("{}:*", self.prefix),
            ])
            .output()
            .expect("redis-cli runs");
        let keys: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .lines()
            .map(str::to_owned)
            .collect();
        for chunk in keys.chunks(500) {
            let status = std::process::Command::new("redis-cli")
                .args(["-u", &url, "del"])
                .args(chunk)
                .output()
                .expect("redis-cli runs");
            assert!(status.status.success(), "leftover keys deleted");
        }
    }

    /// Stops the nodes, then deletes the test's MongoDB database and queues (called when a
    /// test passes, and before a test starts).
    pub async fn clean_up(&mut self) {
        for node in self.nodes.iter_mut().flatten() {
            node.kill();
        }
        self.backend.drop_database().await;
        let config = ShardQueueConfig {
            prefix: self.prefix.clone(),
            shard_count: self.shards,
            ..ShardQueueConfig::default()
        };
        if let Ok(queues) = ShardQueues::connect(&amqp_url(), config).await {
            let _ = queues.delete_topology().await;
            let _ = queues.close().await;
        }
    }
}
