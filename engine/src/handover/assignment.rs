//! Auto-assignment: who of the available agents gets the next waiting conversation. The choice
//! is a pure round-robin over agents below capacity; [`AgentDirectory`] is the port through which
//! the node learns who is available and how many conversations each already holds.

use crate::ids::TenantId;
use async_trait::async_trait;

/// An agent who could take a conversation, with how many open ones they hold now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentLoad {
    pub agent_id: String,
    pub open_assignments: u32,
}

/// Who of an organisation can take conversations now (online at a console), and their load.
#[async_trait]
pub trait AgentDirectory: Send + Sync + 'static {
    async fn available_agents(&self, tenant: &TenantId) -> Vec<AgentLoad>;
}

/// The agents to offer a conversation to, best first: those below `capacity` (0: no limit), in
/// agent-id order, starting with the first one after `last_assigned` and wrapping around. The
/// caller tries them in turn, so an agent who became unavailable meanwhile passes to the next.
pub fn round_robin(
    agents: &[AgentLoad],
    capacity: u32,
    last_assigned: Option<&str>,
) -> Vec<String> {
    let mut eligible: Vec<&str> = agents
        .iter()
        .filter(|agent| capacity == 0 || agent.open_assignments < capacity)
        .map(|agent| agent.agent_id.as_str())
        .collect();
    eligible.sort_unstable();
    eligible.dedup();
    let start = last_assigned
        .map(|last| eligible.partition_point(|agent| *agent <= last))
        .unwrap_or(0);
    let (before, after) = eligible.split_at(start.min(eligible.len()));
    after
        .iter()
        .chain(before)
        .map(|agent| (*agent).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(agent_id: &str, open_assignments: u32) -> AgentLoad {
        AgentLoad {
            agent_id: agent_id.into(),
            open_assignments,
        }
    }

    #[test]
    fn turns_go_round_in_agent_order() {
        let agents = [load("carol", 0), load("alice", 0), load("bob", 0)];
        assert_eq!(round_robin(&agents, 3, None), ["alice", "bob", "carol"]);
        assert_eq!(
            round_robin(&agents, 3, Some("alice")),
            ["bob", "carol", "alice"]
        );
        assert_eq!(
            round_robin(&agents, 3, Some("carol")),
            ["alice", "bob", "carol"]
        );
    }

    #[test]
    fn the_last_agent_gone_offline_still_keeps_the_turn() {
        let agents = [load("alice", 0), load("carol", 0)];
        assert_eq!(round_robin(&agents, 3, Some("bob")), ["carol", "alice"]);
    }

    #[test]
    fn agents_at_capacity_are_skipped_unless_there_is_no_limit() {
        let agents = [load("alice", 2), load("bob", 1)];
        assert_eq!(round_robin(&agents, 2, None), ["bob"]);
        assert_eq!(round_robin(&agents, 0, Some("alice")), ["bob", "alice"]);
        assert!(round_robin(&[load("alice", 2)], 2, None).is_empty());
        assert!(round_robin(&[], 2, None).is_empty());
    }
}
