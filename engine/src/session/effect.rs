use super::state::{Responder, SessionStatus};
use crate::ids::MessageId;
use crate::message::{Delivery, Message};
use crate::time::Timestamp;
use crate::timer::TimerKind;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What the session actor must do after a transition. Everything in one transition is
/// committed to storage together, before anything is delivered or announced.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Store this message in the transcript.
    Append(Message),
    /// Send this (already appended) outbound message to the contact, through the outbox.
    Deliver(Message),
    /// Record a new delivery state for a stored message.
    UpdateDelivery {
        message_id: MessageId,
        delivery: Delivery,
    },
    /// Create or move the session's timer of this kind (one per kind and session).
    SetTimer { kind: TimerKind, due_at: Timestamp },
    /// Remove the session's timer of this kind, if any.
    CancelTimer { kind: TimerKind },
    /// Ask the brain to answer the inbound message `in_reply_to`.
    AskBrain { in_reply_to: u64, question: String },
    /// Tell live subscribers (consoles, dashboards) about a change.
    Notify(SessionNotice),
    /// Offer the waiting conversation to the next available agent (auto-assignment), within
    /// `capacity` open conversations per agent (0: no limit).
    SeekAgent { capacity: u32 },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SessionNotice {
    StatusChanged {
        status: SessionStatus,
    },
    ResponderChanged {
        responder: Responder,
    },
    /// Nobody took the waiting conversation within the SLA.
    Escalated {
        escalated_at: Timestamp,
    },
}

/// An event the session refuses; the state is unchanged.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Rejection {
    #[error("the conversation is closed")]
    SessionClosed,
    #[error("agent {owner} already owns this conversation")]
    OwnedByAnotherAgent { owner: String },
    #[error("agent {agent_id} does not own this conversation")]
    NotTheOwner { agent_id: String },
    #[error("the message is empty")]
    EmptyMessage,
    /// Auto-assignment came too late: the conversation no longer waits for an agent.
    #[error("the conversation is not waiting for an agent")]
    NotWaiting,
    /// A free-form message outside the channel's 24-hour customer service window: Meta would
    /// refuse it; only an approved template may be sent.
    #[error("{reason}")]
    MessagingWindowClosed { reason: String },
    /// A rating whose score is not 1 to 5, or whose comment is too long.
    #[error("a rating is a score from 1 to 5, with a comment of at most 1,000 characters")]
    InvalidRating,
}
