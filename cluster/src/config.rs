//! The `[cluster]` section of the node's configuration: whether the node joins a cluster, where
//! the cluster's Redis and RabbitMQ are, and the timings that decide how fast a dead node's
//! shards move on.

use crate::error::ClusterError;
use crate::lease::LeaseConfig;
use crate::membership::MembershipConfig;
use crate::shard::DEFAULT_SHARD_COUNT;
use crate::shard_queues::ShardQueueConfig;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterConfig {
    /// Join a cluster (`botwot serve --cluster` sets it). Needs the MongoDB storage backend and
    /// the Redis and RabbitMQ below; off, the node runs every session itself.
    pub enabled: bool,
    /// This node's member id. Empty: the host name and a random suffix, new for every process,
    /// so a restarted node joins as a new member.
    pub node_id: String,
    /// The HTTP address other nodes and operators reach this node at, shown by the admin
    /// endpoints. Empty: the address the node listens on.
    pub advertise_address: String,
    /// Membership, leases, presence and realtime fan-out.
    pub redis_url: String,
    /// The shard queues. A short `heartbeat` makes the broker notice a frozen node sooner (its
    /// single-active consumers move on only then).
    pub amqp_url: String,
    /// Prefix of every Redis key and RabbitMQ queue of this cluster, so clusters can share servers.
    pub prefix: String,
    /// How many shards sessions are divided into; the same on every node, fixed for the life of
    /// the cluster (changing it moves every session).
    pub shards: u32,
    /// How long a member stays listed without a heartbeat.
    pub member_ttl_ms: u64,
    /// How often a member heartbeats; shorter than `member_ttl_ms`.
    pub heartbeat_interval_ms: u64,
    /// How long a shard lease lives without a renew (renewed every third of it). A frozen node
    /// loses its shards after this long.
    pub lease_ttl_ms: u64,
    /// How often a node compares the shards it holds with the ones it should hold.
    pub rebalance_interval_ms: u64,
    /// How long a request waits for the owning node's answer before it fails with 503.
    pub reply_timeout_ms: u64,
    /// Deliveries of one event before it is dead-lettered (failovers count too).
    pub max_deliveries: u32,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            node_id: String::new(),
            advertise_address: String::new(),
            redis_url: "redis://127.0.0.1:6379".into(),
            amqp_url: "amqp://guest:guest@127.0.0.1:5672/%2f?heartbeat=5".into(),
            prefix: "botwot".into(),
            shards: DEFAULT_SHARD_COUNT,
            member_ttl_ms: 6_000,
            heartbeat_interval_ms: 2_000,
            lease_ttl_ms: 6_000,
            rebalance_interval_ms: 1_000,
            reply_timeout_ms: 10_000,
            max_deliveries: 8,
        }
    }
}

impl ClusterConfig {
    pub fn membership(&self) -> MembershipConfig {
        MembershipConfig {
            prefix: self.key_prefix(),
            ttl: Duration::from_millis(self.member_ttl_ms),
            heartbeat_interval: Duration::from_millis(self.heartbeat_interval_ms),
        }
    }

    pub fn leases(&self) -> LeaseConfig {
        LeaseConfig {
            prefix: self.key_prefix(),
            ttl: Duration::from_millis(self.lease_ttl_ms),
        }
    }

    pub fn queues(&self) -> ShardQueueConfig {
        ShardQueueConfig {
            prefix: self.prefix.clone(),
            shard_count: self.shards,
            max_deliveries: self.max_deliveries,
            ..ShardQueueConfig::default()
        }
    }

    pub fn rebalance_interval(&self) -> Duration {
        Duration::from_millis(self.rebalance_interval_ms.max(50))
    }

    pub fn reply_timeout(&self) -> Duration {
        Duration::from_millis(self.reply_timeout_ms.max(100))
    }

    /// The Redis key prefix: the cluster prefix and a colon.
    pub fn key_prefix(&self) -> String {
        format!("{}:", self.prefix)
    }

    /// The configured node id, or a fresh one for this process.
    pub fn node_id_or_generated(&self) -> String {
        if !self.node_id.is_empty() {
            return self.node_id.clone();
        }
        let host = std::env::var("HOSTNAME")
            .ok()
            .filter(|name| !name.is_empty())
            .unwrap_or_else(|| "node".into());
        let suffix = uuid::Uuid::new_v4().simple().to_string();
        format!("{host}-{}", &suffix[..8])
    }

    pub fn validate(&self) -> Result<(), ClusterError> {
        if self.shards == 0 {
            return Err(ClusterError::InvalidConfig("cluster.shards is zero".into()));
        }
        if self.prefix.is_empty() {
            return Err(ClusterError::InvalidConfig(
                "cluster.prefix is empty".into(),
            ));
        }
        self.membership().validate()?;
        self.queues().validate()?;
        if self.lease_ttl_ms < 300 {
            return Err(ClusterError::InvalidConfig(
                "cluster.lease_ttl_ms must be at least 300".into(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_fail_over_within_fifteen_seconds() {
        let config = ClusterConfig::default();
        config.validate().expect("valid");
        assert!(config.lease_ttl_ms + 5_000 <= 15_000);
        assert_eq!(config.key_prefix(), "botwot:");
    }

    #[test]
    fn generated_node_ids_differ_per_call() {
        let config = ClusterConfig::default();
        assert_ne!(config.node_id_or_generated(), config.node_id_or_generated());
        let named = ClusterConfig {
            node_id: "a".into(),
            ..ClusterConfig::default()
        };
        assert_eq!(named.node_id_or_generated(), "a");
    }

    #[test]
    fn zero_shards_are_refused() {
        let config = ClusterConfig {
            shards: 0,
            ..ClusterConfig::default()
        };
        assert!(config.validate().is_err());
    }
}
