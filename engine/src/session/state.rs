use super::key::SessionKey;
use super::satisfaction::Satisfaction;
use crate::bot::{BotProfile, InactivityTimeouts};
use crate::handover::HandoverPolicy;
use crate::ids::{BotId, SessionId};
use crate::time::Timestamp;
use crate::timer::TimerKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    Open,
    /// The contact was told the chat will close if they stay quiet.
    Warned,
    Closed,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "open",
            SessionStatus::Warned => "warned",
            SessionStatus::Closed => "closed",
        }
    }
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Open, Self::Warned, Self::Closed]
            .into_iter()
            .find(|status| status.as_str() == text)
    }
}

/// Who answers the contact. Owned by the session alone, so a bot reply never interleaves with an
/// agent's and two agents cannot both own one conversation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Responder {
    Bot,
    WaitingForAgent {
        since: Timestamp,
    },
    Agent {
        #[serde(rename = "agentId")]
        agent_id: String,
    },
}

/// Where a session stands in the agents' console: which queue lists it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionQueue {
    /// Open and answered by the bot.
    Bot,
    /// Open and waiting for an agent to take it.
    Waiting,
    /// Open and owned by an agent.
    Agent,
    Closed,
}

impl SessionQueue {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionQueue::Bot => "bot",
            SessionQueue::Waiting => "waiting",
            SessionQueue::Agent => "agent",
            SessionQueue::Closed => "closed",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum CloseReason {
    Inactivity,
    Agent,
    Api,
    Contact,
    /// The contact's data was erased (PRD §5): closed without a word to the contact.
    Erased,
}

/// The bot's session rules, copied into the session so `apply` needs nothing else.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionRules {
    pub timeouts: InactivityTimeouts,
    pub warning_message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closing_message: Option<String>,
    /// When the conversation goes to an agent; sessions stored before it existed get the default.
    #[serde(default)]
    pub handover: HandoverPolicy,
}

impl SessionRules {
    pub fn from_bot(bot: &BotProfile, channel: crate::channel::Channel) -> Self {
        let policy = &bot.settings.session_policy;
        let timeouts = policy.timeouts_for(channel);
        let default_warning = format!(
            "Are you still there? This chat will close after {} more minutes of inactivity.",
            (timeouts
                .close_after_secs
                .saturating_sub(timeouts.warn_after_secs)
                / 60)
                .max(1)
        );
        Self {
            timeouts,
            warning_message: policy.warning_message.clone().unwrap_or(default_warning),
            closing_message: policy.closing_message.clone(),
            handover: bot.settings.handover.clone(),
        }
    }
}

/// Everything the engine keeps about one session; also the compact record of a passivated one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionState {
    pub id: SessionId,
    pub key: SessionKey,
    pub bot_id: BotId,
    pub status: SessionStatus,
    pub responder: Responder,
    pub rules: SessionRules,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Last message from the contact or an agent, or the contact joining.
    pub last_activity_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_reason: Option<CloseReason>,
    /// Sequence number of the last message; the next one gets `last_seq + 1`.
    pub last_seq: u64,
    pub greeted: bool,
    /// When the pending inactivity warning is due, if one is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warn_due_at: Option<Timestamp>,
    /// When the pending auto-close is due, if one is pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close_due_at: Option<Timestamp>,
    /// When the wait for an agent breaches the SLA, while one is armed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_due_at: Option<Timestamp>,
    /// When the latest wait for an agent breached its SLA (cleared when a new wait starts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalated_at: Option<Timestamp>,
    /// The contact's satisfaction rating of the conversation, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<Satisfaction>,
    /// The contact's questions the bot has not answered yet, while the bot answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending_answers: Vec<PendingAnswer>,
    /// When the answer watchdog next looks at the pending questions, while any are pending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_due_at: Option<Timestamp>,
    pub reopened_count: u32,
    /// When the contact last wrote: the 24-hour customer service window of Meta's channels is
    /// counted from it. `None` for a contact who never wrote (and for sessions stored before it
    /// was kept, which are not held to the window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_inbound_at: Option<Timestamp>,
}

/// A question asked of the brain and not answered yet. Stored with the question itself, so that
/// when the node stops before the answer is stored, the answer watchdog (a durable timer) asks
/// again after the restart instead of leaving the contact unanswered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingAnswer {
    pub in_reply_to: u64,
    pub question: String,
    /// When the brain was last asked.
    pub asked_at: Timestamp,
    /// How many times the brain was asked.
    pub attempts: u32,
}

impl SessionState {
    /// A new, open session answered by the bot, with nothing in it yet.
    pub fn new(key: SessionKey, bot_id: BotId, rules: SessionRules, now: Timestamp) -> Self {
        Self {
            id: SessionId::generate(),
            key,
            bot_id,
            status: SessionStatus::Open,
            responder: Responder::Bot,
            rules,
            created_at: now,
            updated_at: now,
            last_activity_at: now,
            closed_at: None,
            close_reason: None,
            last_seq: 0,
            greeted: false,
            warn_due_at: None,
            close_due_at: None,
            sla_due_at: None,
            escalated_at: None,
            satisfaction: None,
            pending_answers: Vec::new(),
            answer_due_at: None,
            reopened_count: 0,
            last_inbound_at: None,
        }
    }

    pub fn is_closed(&self) -> bool {
        self.status == SessionStatus::Closed
    }

    /// The console queue that lists this session.
    pub fn queue(&self) -> SessionQueue {
        if self.is_closed() {
            return SessionQueue::Closed;
        }
        match self.responder {
            Responder::Bot => SessionQueue::Bot,
            Responder::WaitingForAgent { .. } => SessionQueue::Waiting,
            Responder::Agent { .. } => SessionQueue::Agent,
        }
    }

    /// Whether the conversation waits for an agent to take it.
    pub fn is_waiting(&self) -> bool {
        !self.is_closed() && matches!(self.responder, Responder::WaitingForAgent { .. })
    }

    /// The agent who owns the conversation, if one does.
    pub fn assigned_agent(&self) -> Option<&str> {
        match &self.responder {
            Responder::Agent { agent_id } => Some(agent_id),
            Responder::Bot | Responder::WaitingForAgent { .. } => None,
        }
    }

    /// When the session's timer of this kind is due, if one is armed.
    pub fn armed(&self, kind: TimerKind) -> Option<Timestamp> {
        match kind {
            TimerKind::InactivityWarning => self.warn_due_at,
            TimerKind::AutoClose => self.close_due_at,
            TimerKind::AgentSla => self.sla_due_at,
            TimerKind::AnswerWatchdog => self.answer_due_at,
        }
    }
}
