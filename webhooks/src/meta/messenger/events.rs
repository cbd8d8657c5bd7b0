//! What a Messenger Platform webhook means for BotWot, on a Facebook page or an Instagram
//! account alike: inbound messages and postbacks with an engine [`MessageBody`], echoes of what
//! the page itself sent, read and delivery receipts, and reactions.
//!
//! Each message keeps its typed content ([`MessagingContent`]) beside the body the engine
//! stores, so quick-reply payloads, reply targets and Instagram story references stay at hand.

use super::payload::{MessagePart, PostbackPart};
use botwot_engine::message::Delivery;
use botwot_engine::{Channel, MessageBody, SessionEvent, Timestamp};
use serde_json::Value;

/// Who an item is between: the channel account (`entry[].id`) and the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessagingParties {
    pub channel: Channel,
    /// The page id or Instagram account id: the channel account.
    pub page_id: String,
    /// `sender.id`: the user's PSID / IGSID (the page itself for echoes).
    pub sender_id: String,
    /// `recipient.id`: the page (the user for echoes).
    pub recipient_id: Option<String>,
    pub timestamp: Option<Timestamp>,
}

/// A message or postback from a user, or the echo of one the page sent.
#[derive(Clone, Debug, PartialEq)]
pub struct MessagingInbound {
    pub parties: MessagingParties,
    /// The `mid`: the provider message id that makes redelivery idempotent (postbacks from old
    /// clients may have none).
    pub mid: Option<String>,
    pub content: MessagingContent,
    pub body: MessageBody,
}

impl MessagingInbound {
    /// The engine event for this message, with the `mid` as its provider message id.
    pub fn session_event(&self) -> SessionEvent {
        SessionEvent::Inbound {
            provider_message_id: self.mid.clone(),
            body: self.body.clone(),
        }
    }

    /// The user this conversation is with: the sender, or the recipient of an echo.
    pub fn user_id(&self) -> Option<&str> {
        match &self.content {
            MessagingContent::Message(message) if message.is_echo => {
                self.parties.recipient_id.as_deref()
            }
            _ => Some(self.parties.sender_id.as_str()),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum MessagingContent {
    Message(MessagePart),
    Postback(PostbackPart),
}

impl MessagingContent {
    /// The body the engine stores: the text (a quick reply's text is its visible title), the
    /// title of a postback, the first attachment that has a URL, else the raw item.
    pub(crate) fn body(&self, raw: &Value) -> MessageBody {
        let body = match self {
            Self::Message(message) => message.text.clone().map(MessageBody::text).or_else(|| {
                message.attachments.iter().find_map(|attachment| {
                    let url = attachment.payload.as_ref()?.url.clone()?;
                    Some(MessageBody::Media {
                        media_type: attachment.attachment_type.clone(),
                        url,
                        caption: None,
                    })
                })
            }),
            Self::Postback(postback) => postback.title.clone().map(MessageBody::text),
        };
        body.unwrap_or_else(|| MessageBody::Unsupported { raw: raw.clone() })
    }
}

/// A user read or received messages the page sent.
#[derive(Clone, Debug, PartialEq)]
pub struct MessagingReceipt {
    pub parties: MessagingParties,
    pub receipt: ReceiptKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ReceiptKind {
    /// Everything sent before `watermark` was read (Instagram names the `mid` instead).
    Read {
        watermark: Option<Timestamp>,
        mid: Option<String>,
    },
    /// These messages (and everything before `watermark`) were delivered.
    Delivered {
        mids: Vec<String>,
        watermark: Option<Timestamp>,
    },
}

impl ReceiptKind {
    /// The messages this receipt names by `mid`, each with its new delivery state. A read
    /// receipt with only a watermark (Messenger's) names none.
    pub fn delivery_updates(&self) -> Vec<(&str, Delivery)> {
        match self {
            ReceiptKind::Read { mid, .. } => mid
                .iter()
                .map(|mid| (mid.as_str(), Delivery::Read))
                .collect(),
            ReceiptKind::Delivered { mids, .. } => mids
                .iter()
                .map(|mid| (mid.as_str(), Delivery::Delivered))
                .collect(),
        }
    }
}

/// A user added or removed a reaction on a message.
#[derive(Clone, Debug, PartialEq)]
pub struct MessagingReaction {
    pub parties: MessagingParties,
    /// The message reacted to.
    pub mid: String,
    pub action: ReactionAction,
    /// The reaction name (`love`, `smile`, ...).
    pub reaction: Option<String>,
    pub emoji: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReactionAction {
    React,
    Unreact,
    /// Another action, as Meta wrote it (empty when absent).
    Other(String),
}

impl ReactionAction {
    pub(crate) fn parse(action: Option<&str>) -> Self {
        match action.unwrap_or_default() {
            "react" => Self::React,
            "unreact" => Self::Unreact,
            other => Self::Other(other.to_owned()),
        }
    }
}
