//! The node's auto-assigner: when a session asks for an agent (`Effect::SeekAgent`), it asks the
//! [`AgentDirectory`] who is available, lets the engine's pure [`round_robin`] order them after
//! the organisation's last assignee, and offers the conversation to each in turn through the
//! session actor (`SessionEvent::AgentAssigned`), so the actor's one-owner rule decides. An agent
//! who is no longer available when their turn comes is passed over; when nobody is available
//! the conversation stays waiting (its SLA timer still runs and asks again when it fires).
//! Searches on one node run one at a time, so capacity and turns hold between them.

use crate::registry::LocalRegistry;
use crate::sessions::{Envelope, Outcome, Sessions};
use botwot_engine::handover::{AgentDirectory, AgentLoad, round_robin};
use botwot_engine::session::{SessionEvent, SessionKey};
use botwot_engine::{BotId, TenantId};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use tracing::{debug, info, warn};

/// Auto-assignment of one node: the directory of agents and each organisation's last assignee.
#[derive(Default)]
pub(crate) struct Assigner {
    directory: OnceLock<Arc<dyn AgentDirectory>>,
    last_assigned: Mutex<HashMap<TenantId, String>>,
    /// One search at a time on this node, so two conversations asking at once neither both go
    /// to the same agent past capacity nor both read the same turn.
    turn: tokio::sync::Mutex<()>,
}

impl Assigner {
    /// Sets who is available; without a directory nobody is auto-assigned. Set once.
    pub(crate) fn set_directory(&self, directory: Arc<dyn AgentDirectory>) -> bool {
        self.directory.set(directory).is_ok()
    }

    /// Looks for an agent for the waiting session `key` on a task of its own, so the session's
    /// mailbox never waits for it.
    pub(crate) fn seek(
        registry: &Arc<LocalRegistry>,
        key: SessionKey,
        bot_id: BotId,
        capacity: u32,
    ) {
        let Some(directory) = registry.deps().assigner.directory.get().cloned() else {
            return;
        };
        let registry = registry.clone();
        tokio::spawn(async move {
            let assigner = &registry.deps().assigner;
            let _turn = assigner.turn.lock().await;
            let sessions = Sessions::new(registry.clone());
            let tenant = key.tenant_id.clone();
            let agents = directory.available_agents(&tenant).await;
            let last = assigner.last_assigned.lock().get(&tenant).cloned();
            for agent_id in round_robin(&agents, capacity, last.as_deref()) {
                if !still_available(&*directory, &tenant, &agent_id, capacity).await {
                    debug!(session_key = %key, agent_id, "agent no longer available, trying the next");
                    continue;
                }
                let envelope = Envelope {
                    key: key.clone(),
                    bot_id: bot_id.clone(),
                    event: SessionEvent::AgentAssigned {
                        agent_id: agent_id.clone(),
                    },
                };
                match sessions.dispatch(envelope).await {
                    Ok(Outcome::Applied { .. }) => {
                        info!(session_key = %key, agent_id, "conversation auto-assigned");
                        assigner.last_assigned.lock().insert(tenant, agent_id);
                        return;
                    }
                    // Taken, closed or back with the bot meanwhile: nobody else is offered it.
                    Ok(Outcome::Rejected { rejection, .. }) => {
                        debug!(session_key = %key, %rejection, "no longer waiting, not assigned");
                        return;
                    }
                    Ok(Outcome::Duplicate { .. } | Outcome::Erased { .. }) => return,
                    Err(error) => {
                        warn!(session_key = %key, error = %error, "auto-assignment failed");
                        return;
                    }
                }
            }
            debug!(session_key = %key, "no agent available, the conversation keeps waiting");
        });
    }
}

/// Whether the agent is still at a console and below capacity (0: no limit) right now.
async fn still_available(
    directory: &dyn AgentDirectory,
    tenant: &TenantId,
    agent_id: &str,
    capacity: u32,
) -> bool {
    directory.available_agents(tenant).await.iter().any(
        |AgentLoad {
             agent_id: id,
             open_assignments,
         }| { id == agent_id && (capacity == 0 || *open_assignments < capacity) },
    )
}
