use super::satisfaction::Rating;
use super::state::CloseReason;
use crate::ids::MessageId;
use crate::message::{Delivery, MessageBody};
use crate::time::Timestamp;
use crate::timer::TimerKind;
use serde::{Deserialize, Serialize};

/// Something that happened to a session. Serializable so a cluster can carry it to the node
/// that owns the session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum SessionEvent {
    /// The contact opened the channel (the widget connected); greets once per session.
    ContactJoined {
        greeting: Option<String>,
    },
    /// The contact wrote.
    Inbound {
        provider_message_id: Option<String>,
        body: MessageBody,
    },
    /// The contact wrote, and something other than the bot has answered it already (a shop took
    /// the contact's tap on an order reminder's button): stored like [`SessionEvent::Inbound`],
    /// and `reply` is sent as the bot's without asking the brain. With a person on the
    /// conversation (or waited for) only the message is stored, for them to answer.
    InboundAnswered {
        provider_message_id: Option<String>,
        body: MessageBody,
        reply: String,
    },
    /// The brain answered the inbound message with sequence number `in_reply_to`; with
    /// `wants_human` it also thinks a person should take over (the bot's handover policy decides).
    BotReplied {
        in_reply_to: u64,
        text: String,
        wants_human: bool,
    },
    /// The contact or a rule asked for a human. With `announce` the bot tells the contact it is
    /// fetching a person; without (the bot is switched off for the channel) it stays silent.
    AgentRequested {
        announce: bool,
    },
    /// An agent takes the conversation from the bot or from the waiting queue.
    AgentTookOver {
        agent_id: String,
    },
    /// Auto-assignment gives the waiting conversation to `agent_id`: a take-over that applies
    /// only while the conversation still waits.
    AgentAssigned {
        agent_id: String,
    },
    /// An agent of the organisation became available (came to a console, or back online): a
    /// conversation still waiting, with auto-assignment, asks for an agent again now instead of
    /// when its SLA runs out. Refused as `NotWaiting` otherwise; changes nothing stored.
    AgentAvailable,
    AgentReplied {
        agent_id: String,
        body: MessageBody,
        client_message_id: Option<String>,
    },
    /// The agent gives the conversation back to the bot.
    HandedBack {
        agent_id: String,
    },
    /// The owning agent `agent_id` hands the conversation to `to_agent_id` (who must be allowed
    /// to take it; the HTTP layer checks that before dispatching).
    AgentTransferred {
        agent_id: String,
        to_agent_id: String,
    },
    /// A private note for the team: stored in the transcript as an internal message.
    NoteAdded {
        agent_id: String,
        text: String,
    },
    TimerFired {
        kind: TimerKind,
        due_at: Timestamp,
    },
    CloseRequested {
        reason: CloseReason,
    },
    /// The contact's data is being erased: the session closes without a closing message (the
    /// contact asked to be forgotten, not told goodbye), and its actor then erases what is
    /// stored of it and starts afresh should the contact write again.
    EraseRequested,
    /// The brain calls in flight for the session's pending questions were lost with the node
    /// that made them (this node took the session on after a restart, or from another node):
    /// they are asked again now rather than when the answer watchdog fires.
    AnswersLost,
    /// The contact rated the conversation (kept whether it is open or closed).
    Rated {
        rating: Rating,
    },
    /// A channel reported progress of an outbound message.
    DeliveryUpdated {
        message_id: MessageId,
        delivery: Delivery,
    },
}

impl SessionEvent {
    /// This contact's message, answered already with `reply` (see
    /// [`SessionEvent::InboundAnswered`]); any other event as it is.
    pub fn answered_with(self, reply: String) -> Self {
        match self {
            SessionEvent::Inbound {
                provider_message_id,
                body,
            } => SessionEvent::InboundAnswered {
                provider_message_id,
                body,
                reply,
            },
            other => other,
        }
    }
}
