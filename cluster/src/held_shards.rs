//! The shards this node holds a lease on, with the lease's epoch: what the node's session
//! actors consult before they run a session and stamp on every commit as its fence.

use crate::{ShardId, shard_of};
use botwot_engine::SessionKey;
use botwot_engine::ports::Fence;
use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

/// Shared, cheap to clone. Written by the cluster node as it takes and gives up leases.
#[derive(Clone, Debug)]
pub struct HeldShards {
    shard_count: u32,
    epochs: Arc<RwLock<HashMap<ShardId, u64>>>,
}

impl HeldShards {
    pub fn new(shard_count: u32) -> Self {
        Self {
            shard_count,
            epochs: Arc::default(),
        }
    }

    /// Shards already held at `epoch`s, as a cluster node's leases would set them: for running
    /// session actors under fences without a cluster node (tests, tools).
    pub fn holding(shard_count: u32, held: &[(ShardId, u64)]) -> Self {
        let shards = Self::new(shard_count);
        for (shard, epoch) in held {
            shards.insert(*shard, *epoch);
        }
        shards
    }

    pub fn shard_count(&self) -> u32 {
        self.shard_count
    }

    /// The shard of `key`.
    pub fn shard_of(&self, key: &SessionKey) -> ShardId {
        shard_of(key, self.shard_count)
    }

    /// The fence of `key`'s shard while this node holds it; `None` when it does not, and the
    /// session must not run here.
    pub fn fence_for(&self, key: &SessionKey) -> Option<Fence> {
        let shard = self.shard_of(key);
        self.epochs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&shard)
            .map(|epoch| Fence {
                shard: shard.0,
                epoch: *epoch,
            })
    }

    pub fn holds(&self, shard: ShardId) -> bool {
        self.epochs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains_key(&shard)
    }

    pub fn len(&self) -> usize {
        self.epochs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn insert(&self, shard: ShardId, epoch: u64) {
        self.epochs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(shard, epoch);
    }

    pub(crate) fn remove(&self, shard: ShardId) {
        self.epochs
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&shard);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::{Channel, TenantId};

    #[test]
    fn a_key_is_fenced_only_while_its_shard_is_held() {
        let held = HeldShards::new(8);
        let key = SessionKey::new(TenantId::from("t"), Channel::Web, "b", "v");
        let shard = held.shard_of(&key);
        assert_eq!(held.fence_for(&key), None);
        held.insert(shard, 7);
        assert_eq!(
            held.fence_for(&key),
            Some(Fence {
                shard: shard.0,
                epoch: 7
            })
        );
        held.remove(shard);
        assert_eq!(held.fence_for(&key), None);
        assert!(held.is_empty());
    }
}
