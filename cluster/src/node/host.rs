//! What a cluster node asks of the process it runs in: the actor system that owns sessions.

use crate::ShardId;
use crate::shard_queues::{HandlerFailure, InboundEnvelope};
use std::collections::BTreeMap;
use std::future::Future;

/// Why a node stops running some shards.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Release {
    /// Given up while the lease was still held: handed over, drained, or its queue consumer
    /// stopped. Nothing of theirs is stale yet.
    HandedOver,
    /// Their lease ended while the node held them (it was paused, or lost Redis): another node
    /// may already run them, so whatever this node still had for them is stale.
    LeaseEnded,
}

/// The local side of the shards a node holds. The cluster node calls `adopt` after it took the
/// leases of some shards (their fences are already set in [`crate::HeldShards`]) and before their
/// queues are consumed; `release` after their consumers stopped and their fences were removed.
pub trait ShardHost: Send + Sync + 'static {
    /// Loads what the sessions of `shards` had pending: durable timers, unsent messages.
    fn adopt(&self, shards: Vec<ShardId>) -> impl Future<Output = Result<(), String>> + Send;

    /// Stops the sessions of `shards` (their state is committed) and forgets their timers and
    /// queued sends; the next owner loads them again.
    fn release(&self, shards: Vec<ShardId>, why: Release) -> impl Future<Output = ()> + Send;

    /// Applies one event and returns the reply for its sender once it is durably applied;
    /// [`HandlerFailure::Unavailable`] when it cannot be applied for now (the event is kept and
    /// tried again), [`HandlerFailure::Failed`] when applying it failed (it counts against the
    /// queue's delivery limit).
    fn handle(
        &self,
        envelope: InboundEnvelope,
    ) -> impl Future<Output = Result<Vec<u8>, HandlerFailure>> + Send;

    /// A load figure for the heartbeat (live session actors).
    fn load(&self) -> u64;

    /// The highest epoch the store has accepted for each shard it has a fence of: leases are
    /// acquired above these (see [`crate::ShardLeases::acquire_above`]).
    fn accepted_epochs(
        &self,
    ) -> impl Future<Output = Result<BTreeMap<ShardId, u64>, String>> + Send;
}
