//! Keeping a shard lease: a background task renews it every third of its TTL and reports when it
//! is lost, so the node stops running the shard before another node can take it over.
//!
//! The lease counts as valid until one TTL after the start of the last renew that succeeded,
//! measured on this process's monotonic clock. Since Redis started its TTL after that moment, the
//! local deadline never outlives the one in Redis (clock drift over one TTL aside). A renew that
//! Redis refuses ends the lease at once; a renew that fails for lack of Redis is retried until the
//! local deadline passes.

use crate::{ClusterError, FencingToken, ShardLease, ShardLeases};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::{debug, warn};

/// Why a kept lease ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LeaseEnd {
    /// Redis says another holder or no holder has it now.
    Lost,
    /// Renews could not reach Redis before the lease ran out.
    Expired,
}

/// A lease renewed in the background. Dropping it stops the renewals (the lease then expires in
/// Redis); [`KeptLease::release`] frees it at once.
pub struct KeptLease {
    leases: ShardLeases,
    lease: ShardLease,
    valid_until: Arc<Mutex<Instant>>,
    ended: watch::Receiver<Option<LeaseEnd>>,
    task: Option<JoinHandle<()>>,
}

impl ShardLeases {
    /// Starts renewing `lease`, just acquired (or renewed) by the caller.
    pub fn keep(&self, lease: ShardLease) -> KeptLease {
        let ttl = self.config().ttl;
        let valid_until = Arc::new(Mutex::new(Instant::now() + ttl));
        let (ended_tx, ended_rx) = watch::channel(None);
        let task = tokio::spawn(renew_loop(
            self.clone(),
            lease.clone(),
            Arc::clone(&valid_until),
            ended_tx,
        ));
        KeptLease {
            leases: self.clone(),
            lease,
            valid_until,
            ended: ended_rx,
            task: Some(task),
        }
    }
}

async fn renew_loop(
    leases: ShardLeases,
    lease: ShardLease,
    valid_until: Arc<Mutex<Instant>>,
    ended: watch::Sender<Option<LeaseEnd>>,
) {
    let ttl = leases.config().ttl;
    let period = (ttl / 3).max(Duration::from_millis(1));
    let shard = lease.token.shard.0;
    let epoch = lease.token.epoch;
    loop {
        let deadline = *valid_until.lock().unwrap_or_else(PoisonError::into_inner);
        let next = (Instant::now() + period).min(deadline);
        tokio::time::sleep_until(next).await;
        if Instant::now() >= deadline {
            warn!(shard, epoch, "lease expired before a renew got through");
            let _ = ended.send(Some(LeaseEnd::Expired));
            return;
        }
        let started = Instant::now();
        match leases.renew(&lease).await {
            Ok(()) => {
                *valid_until.lock().unwrap_or_else(PoisonError::into_inner) = started + ttl;
                debug!(shard, epoch, "lease renewed");
            }
            Err(ClusterError::LeaseLost { .. }) => {
                warn!(shard, epoch, "lease lost");
                let _ = ended.send(Some(LeaseEnd::Lost));
                return;
            }
            Err(e) => warn!(shard, epoch, error = %e, "lease renew failed, will retry"),
        }
    }
}

impl KeptLease {
    pub fn token(&self) -> FencingToken {
        self.lease.token
    }

    pub fn lease(&self) -> &ShardLease {
        &self.lease
    }

    /// Whether the shard may still be run: not lost, and within the locally measured deadline.
    pub fn is_valid(&self) -> bool {
        self.ended.borrow().is_none()
            && Instant::now()
                < *self
                    .valid_until
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until the lease ends and says why.
    pub async fn ended(&mut self) -> LeaseEnd {
        match self.ended.wait_for(Option::is_some).await {
            Ok(end) => end.unwrap_or(LeaseEnd::Lost),
            // The renewing task is gone without a verdict (aborted): treat as lost.
            Err(_) => LeaseEnd::Lost,
        }
    }

    /// Stops renewing and frees the lease in Redis. Returns whether it was still held.
    pub async fn release(mut self) -> Result<bool, ClusterError> {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        self.leases.release(&self.lease).await
    }
}

impl Drop for KeptLease {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
