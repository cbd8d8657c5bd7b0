//! The bot's handover policy (`handover` in its settings): when a conversation goes to a human
//! and what happens while it waits for one. Every field has a default, so bots stored before the
//! policy existed load unchanged.

use crate::validation::ValidationErrors;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// What the bot tells the contact when the conversation starts waiting for an agent, unless the
/// policy sets its own text.
pub const DEFAULT_HANDOFF_MESSAGE: &str =
    "Connecting you to a person… someone will be with you shortly.";
/// The most keywords a policy may list.
pub const MAX_KEYWORDS: usize = 100;
/// The longest keyword, in characters.
pub const MAX_KEYWORD_CHARS: usize = 80;
/// The longest hand-off message, in characters.
pub const MAX_HANDOFF_CHARS: usize = 1_000;
/// The longest SLA: one week.
pub const MAX_SLA_MINUTES: u32 = 7 * 24 * 60;
/// The most conversations one agent may be auto-assigned at once.
pub const MAX_AGENT_CAPACITY: u32 = 1_000;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct HandoverPolicy {
    /// Words or phrases that, in a contact's message, send the conversation to an agent instead
    /// of the brain (case-insensitive, whole words).
    pub keywords: Vec<String>,
    /// Whether the conversation goes to an agent when the brain says it wants a human.
    pub on_low_confidence: bool,
    /// Minutes a conversation may wait for an agent before it is escalated; 0: no SLA.
    pub sla_minutes: u32,
    /// What the bot says, once, when the conversation starts waiting for an agent; empty: the
    /// default text.
    pub handoff_message: String,
    /// Whether a waiting conversation is given to the next available agent, round-robin.
    pub auto_assign: bool,
    /// The most open conversations auto-assignment gives one agent; 0: no limit.
    pub agent_capacity: u32,
}

impl Default for HandoverPolicy {
    fn default() -> Self {
        Self {
            keywords: [
                "human",
                "agent",
                "real person",
                "talk to a person",
                "speak to a person",
                "talk to someone",
                "representative",
                "operator",
            ]
            .into_iter()
            .map(str::to_owned)
            .collect(),
            on_low_confidence: true,
            sla_minutes: 5,
            handoff_message: String::new(),
            auto_assign: false,
            agent_capacity: 5,
        }
    }
}

impl HandoverPolicy {
    /// How long a conversation may wait for an agent, if the policy sets a limit.
    pub fn sla(&self) -> Option<Duration> {
        (self.sla_minutes > 0).then(|| Duration::from_secs(u64::from(self.sla_minutes) * 60))
    }

    /// The text the contact gets when the conversation starts waiting.
    pub fn handoff_text(&self) -> &str {
        if self.handoff_message.trim().is_empty() {
            DEFAULT_HANDOFF_MESSAGE
        } else {
            &self.handoff_message
        }
    }

    pub fn validate(&self, field: &str, errors: &mut ValidationErrors) {
        if self.keywords.len() > MAX_KEYWORDS {
            errors.add(
                &format!("{field}.keywords"),
                format!("at most {MAX_KEYWORDS} keywords"),
            );
        }
        for keyword in &self.keywords {
            errors.check_text(&format!("{field}.keywords"), keyword, MAX_KEYWORD_CHARS);
        }
        errors.check_max_len(
            &format!("{field}.handoffMessage"),
            &self.handoff_message,
            MAX_HANDOFF_CHARS,
        );
        if self.sla_minutes > MAX_SLA_MINUTES {
            errors.add(
                &format!("{field}.slaMinutes"),
                format!("must be at most {MAX_SLA_MINUTES} (0 for no SLA)"),
            );
        }
        if self.agent_capacity > MAX_AGENT_CAPACITY {
            errors.add(
                &format!("{field}.agentCapacity"),
                format!("must be at most {MAX_AGENT_CAPACITY} (0 for no limit)"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_policy_object_takes_every_default() {
        let policy: HandoverPolicy = serde_json::from_str("{}").unwrap();
        assert_eq!(policy, HandoverPolicy::default());
        assert!(policy.on_low_confidence);
        assert_eq!(policy.sla(), Some(Duration::from_secs(300)));
        assert_eq!(policy.handoff_text(), DEFAULT_HANDOFF_MESSAGE);
    }

    #[test]
    fn zero_minutes_means_no_sla() {
        let policy = HandoverPolicy {
            sla_minutes: 0,
            ..HandoverPolicy::default()
        };
        assert_eq!(policy.sla(), None);
    }

    #[test]
    fn bad_fields_are_reported_under_the_policy_name() {
        let policy = HandoverPolicy {
            keywords: vec![" ".into()],
            sla_minutes: MAX_SLA_MINUTES + 1,
            agent_capacity: MAX_AGENT_CAPACITY + 1,
            ..HandoverPolicy::default()
        };
        let mut errors = ValidationErrors::default();
        policy.validate("handover", &mut errors);
        let fields: Vec<&str> = errors.0.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "handover.keywords",
                "handover.slaMinutes",
                "handover.agentCapacity"
            ]
        );
    }
}
