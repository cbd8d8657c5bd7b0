//! Who is at a console, as the roster sent to consoles and auto-assignment see it: this node's
//! [`PresenceRoster`] and, once the realtime surface is cross-node, the [`SharedPresence`] of
//! every node. This node writes its own agents to the shared presence after every change,
//! one write at a time, and reads fall back to this node's roster when Redis does not answer.

use crate::console::presence::PresenceRoster;
use crate::console::protocol::{Presence, PresenceNotice};
use crate::realtime::{PRESENCE_UNAVAILABLE, RealtimeError, SharedPresence};
use botwot_engine::TenantId;
use std::sync::{Arc, OnceLock};

/// This node's roster and, cross-node, everyone's. Cheap to clone.
#[derive(Clone, Default)]
pub struct PresenceBoard {
    local: PresenceRoster,
    shared: Arc<OnceLock<SharedPresence>>,
    /// Writes (and heartbeats) one at a time, each reading the local roster under the lock, so
    /// the last write of an agent is what this node's roster said last.
    writes: Arc<tokio::sync::Mutex<()>>,
}

fn unavailable(error: &redis::RedisError, what: &'static str) {
    ::metrics::counter!(PRESENCE_UNAVAILABLE).increment(1);
    tracing::warn!(%error, what, "shared presence unavailable");
}

impl PresenceBoard {
    /// This node's sockets and statuses.
    pub fn local(&self) -> &PresenceRoster {
        &self.local
    }

    /// Shares presence with the other nodes through `shared` and starts heartbeating this
    /// node's agents.
    pub fn share(&self, shared: SharedPresence) -> Result<(), RealtimeError> {
        let interval = shared.heartbeat_interval();
        self.shared
            .set(shared)
            .map_err(|_| RealtimeError::AlreadyConnected)?;
        tokio::spawn(heartbeat(self.clone(), interval));
        Ok(())
    }

    /// Writes this node's seat of the agent (or its absence) to the shared presence.
    async fn sync(&self, tenant: &TenantId, agent_id: &str) {
        let Some(shared) = self.shared.get() else {
            return;
        };
        let _one_at_a_time = self.writes.lock().await;
        let written = match self.local.status_of(tenant, agent_id) {
            Some(status) => shared.put(tenant, agent_id, status).await,
            None => shared.remove(tenant, agent_id).await,
        };
        if let Err(error) = written {
            unavailable(&error, "write");
        }
    }

    /// The agent's first socket on this node arrived: they keep the status they have on another
    /// node, else the one the roster gave them. Returns it, to be announced.
    pub async fn arrived(&self, tenant: &TenantId, agent_id: &str) -> Presence {
        if self.shared.get().is_some()
            && let Some(elsewhere) = self.status_of(tenant, agent_id).await
        {
            self.local.set(tenant, agent_id, elsewhere);
        }
        self.sync(tenant, agent_id).await;
        self.local
            .status_of(tenant, agent_id)
            .unwrap_or(Presence::Online)
    }

    /// The agent chose `status` on a socket of this node.
    pub async fn chose(&self, tenant: &TenantId, agent_id: &str, status: Presence) {
        self.local.set(tenant, agent_id, status);
        self.sync(tenant, agent_id).await;
    }

    /// The agent's last socket on this node left. Returns their status now: `offline`, or the
    /// one they have at a console of another node.
    pub async fn departed(&self, tenant: &TenantId, agent_id: &str) -> Presence {
        self.sync(tenant, agent_id).await;
        self.status_of(tenant, agent_id)
            .await
            .unwrap_or(Presence::Offline)
    }

    /// Everyone of the organisation at a console, by agent id.
    pub async fn agents(&self, tenant: &TenantId) -> Vec<PresenceNotice> {
        if let Some(shared) = self.shared.get() {
            match shared.agents(tenant).await {
                Ok(agents) => return agents,
                Err(error) => unavailable(&error, "read"),
            }
        }
        self.local.roster(tenant)
    }

    async fn status_of(&self, tenant: &TenantId, agent_id: &str) -> Option<Presence> {
        self.agents(tenant)
            .await
            .into_iter()
            .find(|notice| notice.agent_id == agent_id)
            .map(|notice| notice.status)
    }
}

/// Keeps this node's entries alive in the shared presence.
async fn heartbeat(board: PresenceBoard, interval: std::time::Duration) {
    let mut ticks = tokio::time::interval(interval);
    loop {
        ticks.tick().await;
        let Some(shared) = board.shared.get() else {
            return;
        };
        let _one_at_a_time = board.writes.lock().await;
        if let Err(error) = shared.refresh(board.local.everyone()).await {
            unavailable(&error, "heartbeat");
        }
    }
}
