//! The outbox: outbound messages written with the decision to send them, delivered afterwards,
//! so a crash between deciding and sending neither loses nor duplicates a message.

use crate::message::Message;
use crate::session::SessionKey;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// One message waiting to be handed to its channel. Its id is the message id, which is also the
/// idempotency key the channel adapter sends with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxEntry {
    pub key: SessionKey,
    pub message: Message,
    pub attempts: u32,
    pub next_attempt_at: Timestamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// In a cluster: the shard of the session, so the node that adopts the shard finds its
    /// unsent messages without reading everyone's. `None` on a single node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<u32>,
}

impl OutboxEntry {
    pub fn new(key: SessionKey, message: Message, now: Timestamp) -> Self {
        Self {
            key,
            message,
            attempts: 0,
            next_attempt_at: now,
            last_error: None,
            shard: None,
        }
    }

    pub fn id(&self) -> &str {
        self.message.id.as_str()
    }
}
