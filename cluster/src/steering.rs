//! What operators change about placement, kept in Redis so every node sees it: nodes being
//! drained (they get no shards) and shards pinned to a node (moved by hand).
//!
//! Keys under the cluster prefix: `draining` (a set of node ids) and `pins` (a hash from shard
//! number to node id). A pin to a node that is not live, or is draining, is ignored, so a pin
//! never leaves a shard without an owner.

use crate::{ClusterError, ShardId, ShardMap};
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone)]
pub struct Steering {
    conn: ConnectionManager,
    prefix: String,
}

/// The operators' wishes at one moment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SteeringView {
    pub draining: BTreeSet<String>,
    pub pins: BTreeMap<ShardId, String>,
}

impl Steering {
    pub fn with_connection(conn: ConnectionManager, prefix: impl Into<String>) -> Self {
        Self {
            conn,
            prefix: prefix.into(),
        }
    }

    fn draining_key(&self) -> String {
        format!("{}draining", self.prefix)
    }

    fn pins_key(&self) -> String {
        format!("{}pins", self.prefix)
    }

    pub async fn view(&self) -> Result<SteeringView, ClusterError> {
        let mut conn = self.conn.clone();
        let draining: BTreeSet<String> = conn.smembers(self.draining_key()).await?;
        let raw: BTreeMap<String, String> = conn.hgetall(self.pins_key()).await?;
        let pins = raw
            .into_iter()
            .filter_map(|(shard, node)| Some((ShardId(shard.parse().ok()?), node)))
            .collect();
        Ok(SteeringView { draining, pins })
    }

    /// Marks `node_id` as draining: every node stops counting it as an owner.
    pub async fn drain(&self, node_id: &str) -> Result<(), ClusterError> {
        let mut conn = self.conn.clone();
        let _: i64 = conn.sadd(self.draining_key(), node_id).await?;
        Ok(())
    }

    /// Forgets a drain (the node left, or the operator changed their mind).
    pub async fn undrain(&self, node_id: &str) -> Result<(), ClusterError> {
        let mut conn = self.conn.clone();
        let _: i64 = conn.srem(self.draining_key(), node_id).await?;
        Ok(())
    }

    /// Pins `shard` to `node_id` until [`Self::unpin`].
    pub async fn pin(&self, shard: ShardId, node_id: &str) -> Result<(), ClusterError> {
        let mut conn = self.conn.clone();
        let _: i64 = conn.hset(self.pins_key(), shard.0, node_id).await?;
        Ok(())
    }

    pub async fn unpin(&self, shard: ShardId) -> Result<bool, ClusterError> {
        let mut conn = self.conn.clone();
        let removed: i64 = conn.hdel(self.pins_key(), shard.0).await?;
        Ok(removed > 0)
    }
}

impl SteeringView {
    /// The placement for `members`: rendezvous hashing over the members not draining, then
    /// the pins whose node is one of them.
    pub fn placement<S: AsRef<str>>(&self, shard_count: u32, members: &[S]) -> ShardMap {
        let eligible: Vec<&str> = members
            .iter()
            .map(AsRef::as_ref)
            .filter(|id| !self.draining.contains(*id))
            .collect();
        let mut map = ShardMap::compute(shard_count, &eligible);
        for (shard, node) in &self.pins {
            if eligible.contains(&node.as_str()) {
                map.assign(*shard, node);
            }
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draining_members_own_nothing_and_pins_to_live_members_win() {
        let members = ["a", "b", "c"];
        let mut view = SteeringView::default();
        view.draining.insert("b".into());
        let map = view.placement(64, &members);
        assert!(map.shards_of("b").is_empty());
        assert_eq!(map.shards_of("a").len() + map.shards_of("c").len(), 64);

        let shard = map.shards_of("a")[0];
        view.pins.insert(shard, "c".into());
        view.pins.insert(ShardId(1), "gone".into());
        let pinned = view.placement(64, &members);
        assert_eq!(pinned.owner(shard), Some("c"));
        assert_eq!(pinned.owner(ShardId(1)), map.owner(ShardId(1)));
        view.pins.insert(ShardId(2), "b".into());
        assert_ne!(view.placement(64, &members).owner(ShardId(2)), Some("b"));
    }
}
