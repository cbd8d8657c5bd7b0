//! Messages of a session, as stored and shown in transcripts.

use crate::ids::{MessageId, SessionId, TenantId};
use crate::template_parts::{TemplateButton, TemplateHeader};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the contact to the business.
    Inbound,
    /// From the bot, an agent or the system to the contact.
    Outbound,
    /// Within the team only (an agent's private note): kept in the transcript, never sent to
    /// the contact, never shown to the widget, never given to the brain.
    Internal,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
            Direction::Internal => "internal",
        }
    }

    /// Whether the contact may see messages of this direction.
    pub fn is_visible_to_contact(self) -> bool {
        self != Direction::Internal
    }
}

/// Who wrote a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Author {
    Contact,
    Bot,
    Agent {
        #[serde(rename = "agentId")]
        agent_id: String,
    },
    /// Notes the engine itself writes: inactivity warnings, closing notes.
    System,
}

/// What a message carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum MessageBody {
    Text {
        text: String,
    },
    /// An attachment held in the blob store or at a provider URL.
    Media {
        #[serde(rename = "mediaType")]
        media_type: String,
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        caption: Option<String>,
    },
    /// An approved WhatsApp message template, the only message allowed outside the 24-hour
    /// customer service window: its name, language (`en_US`) and the texts that fill its body's
    /// `{{1}}`, `{{2}}`, ... in order, and what fills its header and buttons.
    Template {
        name: String,
        language: String,
        #[serde(
            default,
            rename = "bodyParameters",
            skip_serializing_if = "Vec::is_empty"
        )]
        body_parameters: Vec<String>,
        /// What fills the header, when the template has a parameter there.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<TemplateHeader>,
        /// What fills its buttons that take a parameter.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        buttons: Vec<TemplateButton>,
    },
    /// A prompt with choices the contact taps (see [`crate::interactive`]), with an optional
    /// text header and footer.
    Interactive {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        header: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        footer: Option<String>,
        choices: crate::interactive::Choices,
    },
    /// An emoji reaction to an earlier message of the conversation, or its removal (an empty
    /// `emoji`): `reacts_to` is our id of that message, `provider_message_id` the channel's.
    Reaction {
        #[serde(rename = "reactsTo")]
        reacts_to: crate::ids::MessageId,
        #[serde(rename = "providerMessageId")]
        provider_message_id: String,
        emoji: String,
    },
    /// Something the channel sent that the engine does not understand yet; kept, never dropped.
    Unsupported {
        raw: serde_json::Value,
    },
}

impl MessageBody {
    pub fn text(text: impl Into<String>) -> Self {
        Self::Text { text: text.into() }
    }
    /// The words a reader sees, for brains and search.
    pub fn plain_text(&self) -> &str {
        match self {
            MessageBody::Text { text } | MessageBody::Interactive { text, .. } => text,
            MessageBody::Media { caption, .. } => caption.as_deref().unwrap_or(""),
            MessageBody::Reaction { emoji, .. } => emoji,
            MessageBody::Template { .. } | MessageBody::Unsupported { .. } => "",
        }
    }
}

/// Where an outbound message is on its way to the contact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum Delivery {
    /// Written, not yet handed to the channel.
    #[default]
    Pending,
    Sent,
    Delivered,
    Read,
    Failed {
        reason: String,
    },
    /// Inbound messages are received, not delivered.
    Received,
    /// Internal notes are kept, never delivered.
    Kept,
}

impl Delivery {
    /// The state's name, as its `state` field is written.
    pub fn state_name(&self) -> &'static str {
        match self {
            Delivery::Pending => "pending",
            Delivery::Sent => "sent",
            Delivery::Delivered => "delivered",
            Delivery::Read => "read",
            Delivery::Failed { .. } => "failed",
            Delivery::Received => "received",
            Delivery::Kept => "kept",
        }
    }

    /// How far along the way a state is. `Read` and `Failed` are both final; `Received` belongs
    /// to inbound messages and `Kept` to internal notes, and neither is ever replaced.
    fn progress(&self) -> u8 {
        match self {
            Delivery::Pending => 0,
            Delivery::Sent => 1,
            Delivery::Delivered => 2,
            Delivery::Read | Delivery::Failed { .. } | Delivery::Received | Delivery::Kept => 3,
        }
    }

    /// Whether `next` may replace this state. Delivery never goes backwards: channels report
    /// out of order (a `read` may arrive before its `delivered`), and a late report of an earlier
    /// state is ignored. A report of the same state is ignored too.
    pub fn may_become(&self, next: &Delivery) -> bool {
        !matches!(self, Delivery::Received | Delivery::Kept) && next.progress() > self.progress()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    pub tenant_id: TenantId,
    pub session_id: SessionId,
    /// Position in the session, from 1, without gaps.
    pub seq: u64,
    pub direction: Direction,
    pub author: Author,
    pub body: MessageBody,
    /// The channel's own id (WhatsApp `wamid`, Messenger `mid`, the widget's client id): a message
    /// with an id already stored for the same tenant and channel is a redelivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_message_id: Option<String>,
    pub created_at: Timestamp,
    #[serde(default)]
    pub delivery: Delivery,
}

#[cfg(test)]
mod tests {
    use super::Delivery;

    fn failed() -> Delivery {
        Delivery::Failed {
            reason: "131047".into(),
        }
    }

    #[test]
    fn state_names_are_the_serialised_states() {
        for delivery in [
            Delivery::Pending,
            Delivery::Sent,
            Delivery::Delivered,
            Delivery::Read,
            failed(),
            Delivery::Received,
            Delivery::Kept,
        ] {
            let json = serde_json::to_value(&delivery).expect("serialises");
            assert_eq!(json["state"], delivery.state_name());
        }
    }

    #[test]
    fn delivery_only_moves_forward() {
        assert!(Delivery::Pending.may_become(&Delivery::Sent));
        assert!(Delivery::Sent.may_become(&Delivery::Delivered));
        assert!(Delivery::Sent.may_become(&Delivery::Read));
        assert!(Delivery::Delivered.may_become(&Delivery::Read));
        assert!(Delivery::Delivered.may_become(&failed()));
        assert!(!Delivery::Read.may_become(&Delivery::Delivered));
        assert!(!Delivery::Read.may_become(&Delivery::Sent));
        assert!(!Delivery::Delivered.may_become(&Delivery::Sent));
        assert!(!Delivery::Delivered.may_become(&Delivery::Delivered));
    }

    #[test]
    fn final_and_inbound_states_stay() {
        assert!(!Delivery::Read.may_become(&failed()));
        assert!(!failed().may_become(&Delivery::Read));
        assert!(!Delivery::Received.may_become(&Delivery::Read));
        assert!(!Delivery::Received.may_become(&Delivery::Sent));
    }
}
