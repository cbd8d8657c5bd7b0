//! The dashboard's figures per agent (PRD §3.10): for every agent who replied in a conversation
//! created in the range, how many such conversations there were, how many of them ended
//! resolved, and the contacts' satisfaction with them.
//!
//! A conversation counts for every agent who replied in it (a handover between two agents counts
//! for both), and so does its rating: the contact rates the conversation, not one person in it.

use super::conversation::ConversationFacts;
use super::metrics::ratio;
use serde::Serialize;
use std::collections::BTreeMap;

/// One agent's conversations in the range.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentFigures {
    pub agent_id: String,
    /// Conversations the agent replied in.
    pub conversations: u64,
    /// Of those, the ones that ended resolved (see [`ConversationFacts::is_resolved`]).
    pub resolved_conversations: u64,
    /// Of those, the ones the contact rated.
    pub rated_conversations: u64,
    /// The mean score (1 to 5) of the rated ones; `None` when none was rated.
    pub average_satisfaction: Option<f64>,
}

/// Every agent's figures over `conversations`, the busiest first (ties by id).
pub fn per_agent<'a>(
    conversations: impl Iterator<Item = &'a ConversationFacts>,
) -> Vec<AgentFigures> {
    #[derive(Default)]
    struct Tally {
        conversations: u64,
        resolved: u64,
        rated: u64,
        score_sum: u64,
    }
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    for facts in conversations {
        for agent in &facts.agents {
            let tally = tallies.entry(agent.as_str()).or_default();
            tally.conversations += 1;
            tally.resolved += u64::from(facts.is_resolved());
            if let Some(score) = facts.satisfaction {
                tally.rated += 1;
                tally.score_sum += u64::from(score);
            }
        }
    }
    let mut figures: Vec<AgentFigures> = tallies
        .into_iter()
        .map(|(agent_id, tally)| AgentFigures {
            agent_id: agent_id.to_owned(),
            conversations: tally.conversations,
            resolved_conversations: tally.resolved,
            rated_conversations: tally.rated,
            average_satisfaction: ratio(tally.score_sum, tally.rated),
        })
        .collect();
    // Stable: ids stay in order among equals.
    figures.sort_by_key(|figures| std::cmp::Reverse(figures.conversations));
    figures
}
