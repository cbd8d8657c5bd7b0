//! Sending session events through the cluster.

use super::SESSION_EVENT;
use super::host::Reply;
use crate::sessions::{Envelope, Outcome, SessionError, Sessions};
use botwot_cluster::shard_queues::InboundEnvelope;
use botwot_cluster::{ClusterError, ClusterNode};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Sends events to the node that runs their session. Cheap to clone.
#[derive(Clone)]
pub struct ClusteredSessions {
    cluster: Arc<ClusterNode>,
    local: Sessions,
}

impl ClusteredSessions {
    /// `local` is this node's own actor system (for its health).
    pub fn new(cluster: Arc<ClusterNode>, local: Sessions) -> Self {
        Self { cluster, local }
    }

    /// What keeps this node from working: its stopped background tasks and the cluster's
    /// problems (draining, broker connection down).
    pub fn stopped_tasks(&self) -> Vec<&'static str> {
        let mut stopped = self.local.stopped_tasks();
        stopped.extend(self.cluster.problems());
        stopped
    }

    /// Applies one event on the session's owner and returns its outcome, once committed there.
    pub async fn dispatch(&self, envelope: Envelope) -> Result<Outcome, SessionError> {
        let reply = self
            .cluster
            .request(wrap(&envelope)?)
            .await
            .map_err(unreachable)?;
        let reply: Reply = serde_json::from_slice(&reply)
            .map_err(|error| SessionError::Unreachable(format!("undecodable reply: {error}")))?;
        reply
    }

    /// Hands one event to the cluster and returns once the broker has stored it (it is then
    /// applied by the owner, whatever happens to this node); the outcome is not awaited.
    pub async fn accept(&self, envelope: Envelope) -> Result<(), SessionError> {
        self.cluster
            .publish(&wrap(&envelope)?)
            .await
            .map(|_| ())
            .map_err(unreachable)
    }
}

fn wrap(envelope: &Envelope) -> Result<InboundEnvelope, SessionError> {
    let body = serde_json::to_value(envelope)
        .map_err(|error| SessionError::Unreachable(format!("unencodable event: {error}")))?;
    let received_at = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Ok(InboundEnvelope {
        message_id: format!("ev_{}", uuid::Uuid::new_v4().simple()),
        key: envelope.key.clone(),
        kind: SESSION_EVENT.to_owned(),
        body,
        received_at,
        reply_to: None,
    })
}

fn unreachable(error: ClusterError) -> SessionError {
    SessionError::Unreachable(error.to_string())
}
