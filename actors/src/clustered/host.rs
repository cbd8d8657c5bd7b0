//! The actor system behind a cluster node's shards.

use super::SESSION_EVENT;
use crate::node::Node;
use crate::sessions::{Envelope, Outcome, SessionError};
use botwot_cluster::shard_queues::InboundEnvelope;
use botwot_cluster::{HandlerFailure, Release, ShardHost, ShardId};
use std::collections::BTreeMap;
use std::sync::Arc;
use tracing::warn;

/// What the owner answers a request with: the outcome, or an error that retrying the same
/// request would not change.
pub(crate) type Reply = Result<Outcome, SessionError>;

pub struct ClusterHost {
    node: Arc<Node>,
}

impl ClusterHost {
    pub fn new(node: Arc<Node>) -> Self {
        Self { node }
    }
}

impl ShardHost for ClusterHost {
    async fn adopt(&self, shards: Vec<ShardId>) -> Result<(), String> {
        self.node
            .adopt_shards(&shards)
            .await
            .map_err(|error| error.to_string())
    }

    async fn release(&self, shards: Vec<ShardId>, why: Release) {
        self.node.release_shards(&shards, why).await;
    }

    async fn handle(&self, envelope: InboundEnvelope) -> Result<Vec<u8>, HandlerFailure> {
        if envelope.kind != SESSION_EVENT {
            // Nothing else travels on shard queues yet; acked so it does not loop.
            warn!(kind = %envelope.kind, message_id = %envelope.message_id, "unknown event kind dropped");
            return Ok(Vec::new());
        }
        let event: Envelope = serde_json::from_value(envelope.body).map_err(|error| {
            HandlerFailure::Failed(format!("undecodable session event: {error}"))
        })?;
        let reply: Reply = match self.node.sessions().dispatch(event).await {
            Ok(outcome) => Ok(outcome),
            Err(error @ (SessionError::BotUnavailable | SessionError::PlanLimit(_))) => Err(error),
            Err(error) => return Err(failure_of(error)),
        };
        serde_json::to_vec(&reply).map_err(|error| HandlerFailure::Failed(error.to_string()))
    }

    fn load(&self) -> u64 {
        self.node.live_sessions() as u64
    }

    async fn accepted_epochs(&self) -> Result<BTreeMap<ShardId, u64>, String> {
        self.node
            .accepted_epochs()
            .await
            .map_err(|error| error.to_string())
    }
}

/// Whether an event the sessions could not take waits for something to come back (storage, a
/// free slot, the shard's new owner) or failed in handling and should count toward the queue's
/// delivery limit.
fn failure_of(error: SessionError) -> HandlerFailure {
    if error.is_passing() {
        HandlerFailure::Unavailable(error.to_string())
    } else {
        HandlerFailure::Failed(error.to_string())
    }
}
