//! Fenced shard ownership: a lease per shard in Redis, with an epoch that grows on every acquire.
//!
//! Layout under the configured prefix (default `botwot:`):
//! - `lease:<shard>`: a hash `{holder, epoch}` with a `PX` expiry, present while someone holds it;
//! - `epoch:<shard>`: the last epoch issued for the shard (`INCR`, never expires, never shrinks).
//!
//! Acquire succeeds only when the lease key is absent (free, released or expired) and then issues
//! the next epoch, above a floor the caller gives (the store's highest accepted epoch for the
//! shard, so epochs keep growing even when Redis lost `epoch:<shard>`); renew and release
//! succeed only for the exact holder and epoch. Each operation is one Lua script, so check and
//! set are atomic. The [`FencingToken`] a holder gets carries the
//! epoch so writes can be tagged with it. [`ShardLeases::check_epoch`] lets a writer ask whether
//! its token is still the live one, but a check followed by a write in another store is not
//! atomic: the durable fence is the store refusing writes whose epoch is lower than the highest it
//! has seen for that shard (see ADR 0006). Expiry uses the Redis server's clock only.

use crate::{ClusterError, ShardId};
use redis::Script;
use redis::aio::ConnectionManager;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Issues the next epoch, above the floor `ARGV[3]`, and takes the lease when nobody holds it.
/// Returns `{1, holder, epoch}` on success, `{0, holder, epoch}` naming the current holder
/// otherwise.
const ACQUIRE_LUA: &str = r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  local current = redis.call('HMGET', KEYS[1], 'holder', 'epoch')
  return {0, current[1] or '', tonumber(current[2] or '0') or 0}
end
local epoch = redis.call('INCR', KEYS[2])
local floor = tonumber(ARGV[3]) or 0
if epoch <= floor then
  epoch = floor + 1
  redis.call('SET', KEYS[2], epoch)
end
redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'epoch', epoch)
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, ARGV[1], epoch}
";

/// Extends the lease when it is still held by this holder at this epoch.
const RENEW_LUA: &str = r"
local current = redis.call('HMGET', KEYS[1], 'holder', 'epoch')
if current[1] == ARGV[1] and current[2] == ARGV[2] then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0
";

/// Frees the lease when it is still held by this holder at this epoch.
const RELEASE_LUA: &str = r"
local current = redis.call('HMGET', KEYS[1], 'holder', 'epoch')
if current[1] == ARGV[1] and current[2] == ARGV[2] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
";

/// Reads the live lease's epoch (0 when free) and the last epoch issued.
const EPOCHS_LUA: &str = r"
local live = tonumber(redis.call('HGET', KEYS[1], 'epoch') or '0') or 0
local latest = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
return {live, latest}
";

/// What a write carries to prove it comes from the current owner of a shard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct FencingToken {
    pub shard: ShardId,
    /// Grows by one on every acquire of this shard, across all nodes.
    pub epoch: u64,
}

/// A lease this node holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShardLease {
    pub token: FencingToken,
    pub holder: String,
}

/// The answer to an acquire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaseGrant {
    /// The lease is ours with a new epoch.
    Acquired(ShardLease),
    /// Someone holds it (possibly this very holder, which should renew instead).
    HeldBy { holder: String, epoch: u64 },
}

/// Who holds a shard now, for the admin shard map.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeaseHolder {
    pub holder: String,
    pub epoch: u64,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct LeaseConfig {
    /// Prefix of every key this module writes.
    pub prefix: String,
    /// How long a lease lives without a renew. Holders should renew every third of it and stop
    /// work on a shard they failed to renew before it ran out.
    #[serde(with = "crate::duration_ms")]
    pub ttl: Duration,
}

impl Default for LeaseConfig {
    fn default() -> Self {
        Self {
            prefix: "botwot:".into(),
            ttl: Duration::from_secs(15),
        }
    }
}

/// Acquire, renew, release and check shard leases over one Redis connection manager.
#[derive(Clone)]
pub struct ShardLeases {
    conn: ConnectionManager,
    config: LeaseConfig,
    acquire_script: Script,
    renew_script: Script,
    release_script: Script,
    epochs_script: Script,
}

impl ShardLeases {
    /// Connects to `url` (`redis://host:port/db`).
    pub async fn connect(url: &str, config: LeaseConfig) -> Result<Self, ClusterError> {
        let conn = botwot_storage::redis_link::connect(url).await?;
        Self::with_connection(conn, config)
    }

    /// Uses an existing connection manager (it reconnects by itself and may be shared).
    pub fn with_connection(
        conn: ConnectionManager,
        config: LeaseConfig,
    ) -> Result<Self, ClusterError> {
        if config.ttl.as_millis() < 1 {
            return Err(ClusterError::InvalidConfig("lease ttl is zero".into()));
        }
        Ok(Self {
            conn,
            config,
            acquire_script: Script::new(ACQUIRE_LUA),
            renew_script: Script::new(RENEW_LUA),
            release_script: Script::new(RELEASE_LUA),
            epochs_script: Script::new(EPOCHS_LUA),
        })
    }

    pub fn config(&self) -> &LeaseConfig {
        &self.config
    }

    fn lease_key(&self, shard: ShardId) -> String {
        format!("{}lease:{}", self.config.prefix, shard.0)
    }

    fn epoch_key(&self, shard: ShardId) -> String {
        format!("{}epoch:{}", self.config.prefix, shard.0)
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.config.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    /// Takes the lease of `shard` for `holder` if nobody holds it, with the next epoch.
    pub async fn acquire(&self, shard: ShardId, holder: &str) -> Result<LeaseGrant, ClusterError> {
        self.acquire_above(shard, holder, 0).await
    }

    /// [`Self::acquire`], with an epoch above `floor` whatever Redis last issued: the highest
    /// epoch the store has accepted for the shard, so that a Redis that lost its counters
    /// (restarted empty, failed over to a replica that had not seen them) cannot issue an epoch
    /// the store refuses.
    pub async fn acquire_above(
        &self,
        shard: ShardId,
        holder: &str,
        floor: u64,
    ) -> Result<LeaseGrant, ClusterError> {
        if holder.is_empty() {
            return Err(ClusterError::InvalidConfig("empty lease holder".into()));
        }
        let mut conn = self.conn.clone();
        let (won, current, epoch): (i64, String, u64) = self
            .acquire_script
            .key(self.lease_key(shard))
            .key(self.epoch_key(shard))
            .arg(holder)
            .arg(self.ttl_ms())
            .arg(floor)
            .invoke_async(&mut conn)
            .await?;
        Ok(if won == 1 {
            LeaseGrant::Acquired(ShardLease {
                token: FencingToken { shard, epoch },
                holder: current,
            })
        } else {
            LeaseGrant::HeldBy {
                holder: current,
                epoch,
            }
        })
    }

    /// Extends `lease` by one TTL from now. Fails with [`ClusterError::LeaseLost`] when it
    /// expired or another holder (a newer epoch) has it: the caller must stop running the shard.
    pub async fn renew(&self, lease: &ShardLease) -> Result<(), ClusterError> {
        let mut conn = self.conn.clone();
        let renewed: i64 = self
            .renew_script
            .key(self.lease_key(lease.token.shard))
            .arg(&lease.holder)
            .arg(lease.token.epoch)
            .arg(self.ttl_ms())
            .invoke_async(&mut conn)
            .await?;
        if renewed == 1 {
            Ok(())
        } else {
            Err(ClusterError::LeaseLost {
                shard: lease.token.shard,
                epoch: lease.token.epoch,
            })
        }
    }

    /// Frees `lease` so another node may acquire the shard at once. Returns whether it was still
    /// held (false: it had expired or been taken, nothing was changed).
    pub async fn release(&self, lease: &ShardLease) -> Result<bool, ClusterError> {
        let mut conn = self.conn.clone();
        let released: i64 = self
            .release_script
            .key(self.lease_key(lease.token.shard))
            .arg(&lease.holder)
            .arg(lease.token.epoch)
            .invoke_async(&mut conn)
            .await?;
        Ok(released == 1)
    }

    /// Succeeds when `token` is the epoch of the live lease of its shard; otherwise
    /// [`ClusterError::StaleEpoch`] (a newer epoch was issued, or the lease expired unrenewed).
    pub async fn check_epoch(&self, token: FencingToken) -> Result<(), ClusterError> {
        let (live, latest) = self.epochs(token.shard).await?;
        if live != 0 && live == token.epoch {
            Ok(())
        } else {
            Err(ClusterError::StaleEpoch {
                shard: token.shard,
                presented: token.epoch,
                latest,
            })
        }
    }

    /// The current holder of `shard`, if any.
    pub async fn holder_of(&self, shard: ShardId) -> Result<Option<LeaseHolder>, ClusterError> {
        let mut conn = self.conn.clone();
        let (holder, epoch): (Option<String>, Option<u64>) = redis::cmd("HMGET")
            .arg(self.lease_key(shard))
            .arg("holder")
            .arg("epoch")
            .query_async(&mut conn)
            .await?;
        Ok(match (holder, epoch) {
            (Some(holder), Some(epoch)) => Some(LeaseHolder { holder, epoch }),
            _ => None,
        })
    }

    /// The last epoch issued for `shard` (0 if it was never leased).
    pub async fn latest_epoch(&self, shard: ShardId) -> Result<u64, ClusterError> {
        Ok(self.epochs(shard).await?.1)
    }

    async fn epochs(&self, shard: ShardId) -> Result<(u64, u64), ClusterError> {
        let mut conn = self.conn.clone();
        let epochs: (u64, u64) = self
            .epochs_script
            .key(self.lease_key(shard))
            .key(self.epoch_key(shard))
            .invoke_async(&mut conn)
            .await?;
        Ok(epochs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_order_by_shard_then_epoch() {
        let older = FencingToken {
            shard: ShardId(3),
            epoch: 7,
        };
        let newer = FencingToken {
            shard: ShardId(3),
            epoch: 8,
        };
        assert!(older < newer);
        assert_eq!(
            serde_json::to_value(newer).unwrap(),
            serde_json::json!({"shard": 3, "epoch": 8})
        );
    }

    #[test]
    fn lease_config_reads_milliseconds() {
        let config: LeaseConfig = serde_json::from_str(r#"{"ttl": 1500}"#).unwrap();
        assert_eq!(config.ttl, Duration::from_millis(1500));
        assert_eq!(config.prefix, "botwot:");
    }
}
