//! What leaves the engine: email, messages handed to a channel, and live subscribers told of
//! what happened in a session.

use crate::brain::AnswerDraft;
use crate::message::{Delivery, Message};
use crate::outbox::OutboxEntry;
use crate::session::{SessionKey, SessionNotice, SessionState};
use async_trait::async_trait;
use std::time::Duration;
use thiserror::Error;

/// An email to send: plain text, one recipient.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, Error)]
#[error("mail not sent: {0}")]
pub struct MailError(pub String);

/// Sends email (one-time codes, invitations).
#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError>;
}

/// What a channel answered when it took an outbound message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryReceipt {
    pub delivery: Delivery,
    /// The channel's id of the sent message (a WhatsApp `wamid`, a Messenger or Instagram
    /// `mid`), which its status callbacks name; `None` when the channel has no such id.
    pub provider_message_id: Option<String>,
}

impl DeliveryReceipt {
    /// Handed to the channel, which named it `provider_message_id`.
    pub fn sent(provider_message_id: impl Into<String>) -> Self {
        Self {
            delivery: Delivery::Sent,
            provider_message_id: Some(provider_message_id.into()),
        }
    }
}

impl From<Delivery> for DeliveryReceipt {
    fn from(delivery: Delivery) -> Self {
        Self {
            delivery,
            provider_message_id: None,
        }
    }
}

#[derive(Debug, Error)]
pub enum DeliveryError {
    /// Worth trying again later (network, rate limit, provider 5xx). `retry_after` is how long
    /// the channel asked to wait (an HTTP `Retry-After`), when it said.
    #[error("delivery failed, will retry: {reason}")]
    Retryable {
        reason: String,
        retry_after: Option<Duration>,
    },
    /// Will never succeed (blocked contact, invalid recipient).
    #[error("delivery failed: {0}")]
    Permanent(String),
    /// Nothing was attempted: the channel is at its own rate for this sender. Send again after
    /// `retry_after`; it does not count as an attempt.
    #[error("delivery deferred for {} ms: the sender is at its rate", retry_after.as_millis())]
    Deferred { retry_after: Duration },
}

impl DeliveryError {
    /// A retryable failure with no wait asked for.
    pub fn retryable(reason: impl Into<String>) -> Self {
        Self::Retryable {
            reason: reason.into(),
            retry_after: None,
        }
    }
}

/// Hands outbound messages to the channel they belong to.
#[async_trait]
pub trait ChannelSender: Send + Sync + 'static {
    async fn deliver(&self, entry: &OutboxEntry) -> Result<DeliveryReceipt, DeliveryError>;
}

/// Live subscribers (widget sockets, consoles): told after a transition is committed. Must not
/// block.
pub trait SessionObserver: Send + Sync + 'static {
    fn message_added(&self, key: &SessionKey, message: &Message);
    fn notice(&self, session: &SessionState, notice: &SessionNotice);

    /// An answer being written for a channel that shows drafts; not stored, not committed.
    fn answer_drafted(&self, key: &SessionKey, draft: &AnswerDraft) {
        let _ = (key, draft);
    }
}
