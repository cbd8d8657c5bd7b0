//! One change of a campaign at a time. A change reads the campaign, moves it through the
//! engine's lifecycle and writes it back; two changes at once would each write over the other
//! (a pause lost under a launch, an audience counted twice). Every change therefore holds the
//! campaign's lock from its read to its write: in this process, one of a fixed set of mutexes
//! chosen by the campaign's id, and across the nodes of a cluster, the coordination lock
//! `campaign:<id>` (always granted on a single node). A lock another node holds is waited for
//! a short while, then the request is answered `campaign_busy` with `Retry-After`.

use crate::errors::{AppError, ErrorCode};
use botwot_engine::coordination::{Coordination, HeldLock, SingleNode};
use botwot_engine::ids::CampaignId;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Mutex, MutexGuard};

/// Mutexes in this process; campaigns that share one wait for each other, which is rare and
/// harmless.
const STRIPES: usize = 64;
/// How often, and how long apart, a lock held by another node is tried.
const CLUSTER_TRIES: u32 = 20;
const CLUSTER_PAUSE: Duration = Duration::from_millis(50);

/// The campaign locks of a node.
#[derive(Clone)]
pub struct CampaignLocks {
    stripes: Arc<[Mutex<()>]>,
    hasher: std::collections::hash_map::RandomState,
    coordination: Arc<dyn Coordination>,
}

/// A campaign's lock, held until dropped.
pub struct CampaignGuard<'a> {
    _local: MutexGuard<'a, ()>,
    _cluster: Box<dyn HeldLock>,
}

impl Default for CampaignLocks {
    fn default() -> Self {
        Self::new(Arc::new(SingleNode))
    }
}

impl CampaignLocks {
    /// Locks shared with the other nodes through `coordination`.
    pub fn new(coordination: Arc<dyn Coordination>) -> Self {
        Self {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            hasher: Default::default(),
            coordination,
        }
    }

    /// Waits for the campaign's lock.
    pub async fn hold(&self, campaign: &CampaignId) -> Result<CampaignGuard<'_>, AppError> {
        let local = self.stripes[self.stripe(campaign)].lock().await;
        let name = format!("campaign:{campaign}");
        for _ in 0..CLUSTER_TRIES {
            let taken =
                self.coordination.try_lock(&name).await.map_err(|error| {
                    AppError::new(ErrorCode::StorageUnavailable, error.to_string())
                })?;
            if let Some(cluster) = taken {
                return Ok(CampaignGuard {
                    _local: local,
                    _cluster: cluster,
                });
            }
            tokio::time::sleep(CLUSTER_PAUSE).await;
        }
        let mut busy = AppError::new(
            ErrorCode::CampaignBusy,
            format!("campaign {campaign} is being changed by another request; try again"),
        );
        busy.retry_after_secs = Some(1);
        Err(busy)
    }

    fn stripe(&self, campaign: &CampaignId) -> usize {
        (self.hasher.hash_one(campaign.as_str()) % STRIPES as u64) as usize
    }
}
