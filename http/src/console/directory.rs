//! The node's [`AgentDirectory`] for auto-assignment: the agents of an organisation who are
//! online at a console (from the [`PresenceBoard`]: on this node, or on any node when the
//! realtime surface is cross-node; away and offline agents are skipped), each with the number
//! of open conversations they own (from the stored sessions).

use crate::console::board::PresenceBoard;
use crate::console::protocol::Presence;
use async_trait::async_trait;
use botwot_engine::TenantId;
use botwot_engine::handover::{AgentDirectory, AgentLoad};
use botwot_engine::ports::{PageRequest, SessionFilter, Storage};
use botwot_engine::session::SessionQueue;
use std::sync::Arc;

/// Open assignments are counted up to this many; no capacity goes beyond it.
const MAX_COUNTED: u32 = 1_000;

/// Online agents and their load, for the node's assigner.
pub struct ConsoleAgentDirectory {
    board: PresenceBoard,
    store: Arc<dyn Storage>,
}

impl ConsoleAgentDirectory {
    pub fn new(board: PresenceBoard, store: Arc<dyn Storage>) -> Self {
        Self { board, store }
    }

    /// How many open conversations `agent_id` owns, counted up to [`MAX_COUNTED`]. When storage
    /// fails the agent counts as full, so nobody is overloaded by an unknown load.
    async fn open_assignments(&self, tenant: &TenantId, agent_id: &str) -> u32 {
        let filter = SessionFilter {
            queue: Some(SessionQueue::Agent),
            assigned_agent: Some(agent_id.to_owned()),
            ..SessionFilter::default()
        };
        let mut page = PageRequest::default();
        let mut count: u32 = 0;
        loop {
            let Ok(found) = self.store.list_sessions(tenant, &filter, &page).await else {
                tracing::warn!(agent_id, "open assignments could not be counted");
                return MAX_COUNTED;
            };
            count = count.saturating_add(u32::try_from(found.items.len()).unwrap_or(MAX_COUNTED));
            match found.next_cursor {
                Some(cursor) if count < MAX_COUNTED => page.cursor = Some(cursor),
                _ => return count.min(MAX_COUNTED),
            }
        }
    }
}

#[async_trait]
impl AgentDirectory for ConsoleAgentDirectory {
    async fn available_agents(&self, tenant: &TenantId) -> Vec<AgentLoad> {
        let mut agents = Vec::new();
        for seat in self.board.agents(tenant).await {
            if seat.status != Presence::Online {
                continue;
            }
            let open_assignments = self.open_assignments(tenant, &seat.agent_id).await;
            agents.push(AgentLoad {
                agent_id: seat.agent_id,
                open_assignments,
            });
        }
        agents
    }
}
