//! Named locks that hold across the nodes of a cluster: in this process one of a fixed set of
//! mutexes chosen by the name, and across nodes the coordination lock of the same name (always
//! granted on a single node). Whoever reads a record, changes it and writes it back holds the
//! record's lock, so two changes never write over each other. A lock another node holds is
//! tried for a short while, then refused as busy. Never hold two at once: two names may share
//! a mutex.

use botwot_engine::coordination::{Coordination, CoordinationError, HeldLock, SingleNode};
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;
use tokio::sync::{Mutex, MutexGuard};

/// Mutexes in this process; names that share one wait for each other, which is rare and
/// harmless.
const STRIPES: usize = 64;
/// How often, and how far apart, a lock held by another node is tried.
const CLUSTER_TRIES: u32 = 20;
const CLUSTER_PAUSE: Duration = Duration::from_millis(50);

/// Why a lock was not taken.
#[derive(Debug, Error)]
pub enum LockError {
    /// Another node held it all the while it was tried.
    #[error("{0} is being changed elsewhere; try again")]
    Busy(String),
    /// The coordination store could not be reached.
    #[error(transparent)]
    Unavailable(#[from] CoordinationError),
}

/// The named locks of a node.
#[derive(Clone)]
pub struct NamedLocks {
    stripes: Arc<[Mutex<()>]>,
    hasher: std::collections::hash_map::RandomState,
    coordination: Arc<dyn Coordination>,
}

/// A held lock, released when dropped.
pub struct NamedGuard<'a> {
    _local: MutexGuard<'a, ()>,
    _cluster: Box<dyn HeldLock>,
}

impl Default for NamedLocks {
    fn default() -> Self {
        Self::new(Arc::new(SingleNode))
    }
}

impl NamedLocks {
    /// Locks shared with the other nodes through `coordination`.
    pub fn new(coordination: Arc<dyn Coordination>) -> Self {
        Self {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            hasher: Default::default(),
            coordination,
        }
    }

    /// Waits for the lock `name`.
    pub async fn hold(&self, name: &str) -> Result<NamedGuard<'_>, LockError> {
        let stripe = (self.hasher.hash_one(name) % STRIPES as u64) as usize;
        let local = self.stripes[stripe].lock().await;
        for _ in 0..CLUSTER_TRIES {
            if let Some(cluster) = self.coordination.try_lock(name).await? {
                return Ok(NamedGuard {
                    _local: local,
                    _cluster: cluster,
                });
            }
            tokio::time::sleep(CLUSTER_PAUSE).await;
        }
        Err(LockError::Busy(name.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;

    /// A cluster where another node holds every lock.
    struct HeldElsewhere;

    #[async_trait]
    impl Coordination for HeldElsewhere {
        async fn try_lock(&self, _: &str) -> Result<Option<Box<dyn HeldLock>>, CoordinationError> {
            Ok(None)
        }
        async fn stamp(&self, _: &str) -> Result<Option<String>, CoordinationError> {
            Ok(None)
        }
        async fn new_stamp(&self, _: &str) -> Result<Option<String>, CoordinationError> {
            Ok(None)
        }
    }

    #[tokio::test]
    async fn a_name_is_held_by_one_task_at_a_time() {
        let locks = NamedLocks::default();
        let first = locks.hold("campaign:cmp_1").await.expect("free");
        let second = tokio::time::timeout(Duration::from_millis(50), locks.hold("campaign:cmp_1"));
        assert!(second.await.is_err(), "waits while the first holds it");
        drop(first);
        locks.hold("campaign:cmp_1").await.expect("free again");
    }

    #[tokio::test(start_paused = true)]
    async fn a_lock_another_node_holds_is_busy_after_a_while() {
        let locks = NamedLocks::new(Arc::new(HeldElsewhere));
        let refused = locks.hold("campaign:cmp_1").await;
        assert!(matches!(refused, Err(LockError::Busy(name)) if name == "campaign:cmp_1"));
    }
}
