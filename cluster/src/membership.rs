//! Who is in the cluster: each node announces itself with a heartbeat in Redis that expires by
//! itself, so a node that stops heartbeating (crash, partition, pause) drops out after the TTL.
//!
//! Layout under the configured prefix (default `botwot:`):
//! - `members:<node_id>`: the member's record as JSON ([`MemberInfo`]), written with `PX ttl`;
//! - `members`: a sorted set of node ids scored by the Redis-clock time their record expires.
//!
//! [`Membership::live_members`] runs one Lua script that drops expired index entries and reads
//! the records of the rest. The index is a sorted set rather than a `SCAN` over `members:*`
//! because SCAN walks the whole keyspace (shared with rate limits, locks and caches), costs one
//! round trip per cursor page and can miss or repeat keys while it runs; the sorted set is read
//! atomically in one call and costs O(members). Expiry times come from the Redis server's clock
//! (`TIME` inside the scripts), so a skewed node clock neither keeps a dead member alive nor drops
//! a live one. A record is only listed while its key still exists, so the per-key TTL stays the
//! source of truth and the index is only a way to find the keys. The listing script builds key
//! names itself, so on a Redis Cluster the prefix needs a hash tag (`{botwot}:`) to keep every key
//! in one slot.

use crate::ClusterError;
use redis::Script;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tracing::{debug, warn};

/// Writes a member's record with its TTL and indexes it at the Redis-clock expiry time.
const HEARTBEAT_LUA: &str = r"
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], now_ms + tonumber(ARGV[3]), ARGV[1])
return now_ms
";

/// Drops expired index entries and returns the records of the live members.
const LIVE_MEMBERS_LUA: &str = r"
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local records = {}
for _, id in ipairs(ids) do
  local record = redis.call('GET', ARGV[1] .. id)
  if record then table.insert(records, record) end
end
return records
";

/// Removes a member's record and index entry.
const LEAVE_LUA: &str = r"
redis.call('DEL', KEYS[1])
return redis.call('ZREM', KEYS[2], ARGV[1])
";

/// How a node heartbeats. Defaults: a 10 s TTL refreshed every 3 s, so two heartbeats may be lost
/// before the member drops out.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct MembershipConfig {
    /// Prefix of every key this module writes.
    pub prefix: String,
    /// How long a record lives without a new heartbeat.
    #[serde(with = "crate::duration_ms")]
    pub ttl: Duration,
    /// How often the background task refreshes the record. Must be shorter than `ttl`.
    #[serde(with = "crate::duration_ms")]
    pub heartbeat_interval: Duration,
}

impl Default for MembershipConfig {
    fn default() -> Self {
        Self {
            prefix: "botwot:".into(),
            ttl: Duration::from_secs(10),
            heartbeat_interval: Duration::from_secs(3),
        }
    }
}

impl MembershipConfig {
    pub fn validate(&self) -> Result<(), ClusterError> {
        if self.ttl.as_millis() < 1 {
            return Err(ClusterError::InvalidConfig("membership ttl is zero".into()));
        }
        if self.heartbeat_interval.is_zero() || self.heartbeat_interval >= self.ttl {
            return Err(ClusterError::InvalidConfig(format!(
                "heartbeat interval {:?} must be positive and shorter than the ttl {:?}",
                self.heartbeat_interval, self.ttl
            )));
        }
        Ok(())
    }
}

/// What a member says about itself, stored as JSON in its heartbeat key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberInfo {
    /// Unique per process incarnation (a restarted node should take a new id, so its old
    /// leases and heartbeats are never mistaken for the new process's).
    pub node_id: String,
    /// Where other nodes and operators reach this node (`host:port`).
    pub address: String,
    /// When the process started, in milliseconds since the Unix epoch.
    pub started_at: u64,
    /// A load figure the node reports (for example live actors); refreshed on every heartbeat.
    pub load: u64,
    /// How many shard leases the node holds; refreshed on every heartbeat.
    #[serde(default)]
    pub shards: u64,
}

impl MemberInfo {
    /// A record for a node starting now, with no load yet.
    pub fn starting_now(node_id: impl Into<String>, address: impl Into<String>) -> Self {
        let started_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        Self {
            node_id: node_id.into(),
            address: address.into(),
            started_at,
            load: 0,
            shards: 0,
        }
    }
}

/// Heartbeats, member listing and leaving, over one Redis connection manager.
#[derive(Clone)]
pub struct Membership {
    conn: ConnectionManager,
    config: MembershipConfig,
    heartbeat_script: Script,
    live_script: Script,
    leave_script: Script,
}

impl Membership {
    /// Connects to `url` (`redis://host:port/db`).
    pub async fn connect(url: &str, config: MembershipConfig) -> Result<Self, ClusterError> {
        config.validate()?;
        let conn = botwot_storage::redis_link::connect(url).await?;
        Self::with_connection(conn, config)
    }

    /// Uses an existing connection manager (it reconnects by itself and may be shared).
    pub fn with_connection(
        conn: ConnectionManager,
        config: MembershipConfig,
    ) -> Result<Self, ClusterError> {
        config.validate()?;
        Ok(Self {
            conn,
            config,
            heartbeat_script: Script::new(HEARTBEAT_LUA),
            live_script: Script::new(LIVE_MEMBERS_LUA),
            leave_script: Script::new(LEAVE_LUA),
        })
    }

    pub fn config(&self) -> &MembershipConfig {
        &self.config
    }

    fn record_key_prefix(&self) -> String {
        format!("{}members:", self.config.prefix)
    }

    fn record_key(&self, node_id: &str) -> String {
        format!("{}{}", self.record_key_prefix(), node_id)
    }

    fn index_key(&self) -> String {
        format!("{}members", self.config.prefix)
    }

    /// Writes `member`'s record once, alive for one TTL from now.
    pub async fn heartbeat(&self, member: &MemberInfo) -> Result<(), ClusterError> {
        if member.node_id.is_empty() {
            return Err(ClusterError::InvalidConfig("empty node id".into()));
        }
        let record = serde_json::to_string(member)
            .map_err(|e| ClusterError::Malformed(format!("member record: {e}")))?;
        let ttl_ms = u64::try_from(self.config.ttl.as_millis()).unwrap_or(u64::MAX);
        let mut conn = self.conn.clone();
        let _now_ms: i64 = self
            .heartbeat_script
            .key(self.record_key(&member.node_id))
            .key(self.index_key())
            .arg(&member.node_id)
            .arg(record)
            .arg(ttl_ms)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    /// The members whose heartbeat has not expired, ordered by node id. A record that does not
    /// parse is skipped with a warning rather than hiding every other member.
    pub async fn live_members(&self) -> Result<Vec<MemberInfo>, ClusterError> {
        let mut conn = self.conn.clone();
        let records: Vec<String> = self
            .live_script
            .key(self.index_key())
            .arg(self.record_key_prefix())
            .invoke_async(&mut conn)
            .await?;
        let mut members: Vec<MemberInfo> = records
            .iter()
            .filter_map(|r| match serde_json::from_str(r) {
                Ok(member) => Some(member),
                Err(e) => {
                    warn!(error = %e, "malformed member record skipped");
                    None
                }
            })
            .collect();
        members.sort_by(|a, b| a.node_id.cmp(&b.node_id));
        Ok(members)
    }

    /// Removes `node_id`'s record at once (a clean leave), rather than waiting for the TTL.
    pub async fn leave(&self, node_id: &str) -> Result<(), ClusterError> {
        let mut conn = self.conn.clone();
        let _removed: i64 = self
            .leave_script
            .key(self.record_key(node_id))
            .key(self.index_key())
            .arg(node_id)
            .invoke_async(&mut conn)
            .await?;
        Ok(())
    }

    /// Writes the first heartbeat, then keeps refreshing it in a background task every
    /// `heartbeat_interval` until the returned handle leaves or is dropped. A failed heartbeat
    /// is logged and counted, and the next tick tries again.
    pub async fn join(&self, member: MemberInfo) -> Result<Heartbeat, ClusterError> {
        self.heartbeat(&member).await?;
        let load = Arc::new(AtomicU64::new(member.load));
        let shards = Arc::new(AtomicU64::new(member.shards));
        let failures = Arc::new(AtomicU32::new(0));
        let (stop_tx, stop_rx) = watch::channel(false);
        let task = tokio::spawn(heartbeat_loop(
            self.clone(),
            member.clone(),
            Arc::clone(&load),
            Arc::clone(&shards),
            Arc::clone(&failures),
            stop_rx,
        ));
        Ok(Heartbeat {
            membership: self.clone(),
            node_id: member.node_id,
            load,
            shards,
            failures,
            stop: stop_tx,
            task: Some(task),
        })
    }
}

async fn heartbeat_loop(
    membership: Membership,
    mut member: MemberInfo,
    load: Arc<AtomicU64>,
    shards: Arc<AtomicU64>,
    failures: Arc<AtomicU32>,
    mut stop: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(membership.config.heartbeat_interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await; // the first tick is immediate; join already wrote the first heartbeat
    loop {
        tokio::select! {
            _ = ticks.tick() => {}
            _ = stop.changed() => return,
        }
        member.load = load.load(Ordering::Relaxed);
        member.shards = shards.load(Ordering::Relaxed);
        match membership.heartbeat(&member).await {
            Ok(()) => {
                failures.store(0, Ordering::Relaxed);
                debug!(node_id = %member.node_id, load = member.load, "heartbeat written");
            }
            Err(e) => {
                let failed = failures.fetch_add(1, Ordering::Relaxed) + 1;
                warn!(node_id = %member.node_id, failed, error = %e, "heartbeat failed");
            }
        }
    }
}

/// A running heartbeat. [`Heartbeat::leave`] stops it and removes the record; dropping it stops
/// the refreshes and lets the record expire after the TTL, as a crash would.
pub struct Heartbeat {
    membership: Membership,
    node_id: String,
    load: Arc<AtomicU64>,
    shards: Arc<AtomicU64>,
    failures: Arc<AtomicU32>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

impl Heartbeat {
    pub fn node_id(&self) -> &str {
        &self.node_id
    }

    /// Sets the load figure the next heartbeats report.
    pub fn set_load(&self, load: u64) {
        self.load.store(load, Ordering::Relaxed);
    }

    /// Sets the shard count the next heartbeats report.
    pub fn set_shards(&self, shards: u64) {
        self.shards.store(shards, Ordering::Relaxed);
    }

    /// Heartbeats failed in a row since the last one that succeeded. A node should report itself
    /// not ready well before `failures * interval` reaches the TTL.
    pub fn consecutive_failures(&self) -> u32 {
        self.failures.load(Ordering::Relaxed)
    }

    /// Stops heartbeating and removes the record now (a clean leave).
    pub async fn leave(mut self) -> Result<(), ClusterError> {
        self.stop_refreshing().await;
        self.membership.leave(&self.node_id).await
    }

    /// Stops heartbeating without removing the record, which then expires after the TTL.
    pub async fn stop(mut self) {
        self.stop_refreshing().await;
    }

    async fn stop_refreshing(&mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_slower_than_its_ttl_is_refused() {
        let config = MembershipConfig {
            ttl: Duration::from_secs(1),
            heartbeat_interval: Duration::from_secs(1),
            ..MembershipConfig::default()
        };
        assert_eq!(
            config.validate().map_err(|e| e.code()),
            Err("cluster.invalid_config")
        );
        assert!(MembershipConfig::default().validate().is_ok());
    }

    #[test]
    fn member_records_are_plain_json() {
        let member = MemberInfo {
            node_id: "n1".into(),
            address: "10.0.0.1:8080".into(),
            started_at: 5,
            load: 3,
            shards: 2,
        };
        let json = serde_json::to_value(&member).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"node_id": "n1", "address": "10.0.0.1:8080", "started_at": 5, "load": 3, "shards": 2})
        );
    }

    #[test]
    fn config_reads_durations_in_milliseconds() {
        let config: MembershipConfig =
            serde_json::from_str(r#"{"ttl": 2000, "heartbeat_interval": 500}"#).unwrap();
        assert_eq!(config.ttl, Duration::from_secs(2));
        assert_eq!(config.prefix, "botwot:");
    }
}
