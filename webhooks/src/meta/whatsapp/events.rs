//! What a WhatsApp webhook means for BotWot: inbound messages with an engine [`MessageBody`],
//! status updates of outbound messages, and errors about the phone number.
//!
//! Every message keeps its typed content ([`WhatsAppContent`]) beside the body the engine stores,
//! so a later step can act on reactions, locations, shared contacts or orders that the engine
//! keeps as [`MessageBody::Unsupported`] for now.

use super::payload::{
    ButtonPart, InteractivePart, LocationPart, MediaPart, MessageContext, MetaError, OrderPart,
    ReactionPart, ReplyChoice, SharedContact, SystemPart, TextPart,
};
use crate::meta::read;
use botwot_engine::message::Delivery;
use botwot_engine::{MessageBody, SessionEvent, Timestamp};
use serde_json::Value;

/// The URL scheme of a media body whose file is still on Meta's servers:
/// `whatsapp-media:<media id>`, downloaded through the Graph API later.
pub const MEDIA_SCHEME: &str = "whatsapp-media:";

/// The body URL of a WhatsApp media id.
pub fn media_reference(media_id: &str) -> String {
    format!("{MEDIA_SCHEME}{media_id}")
}

/// The media id in a body URL made by [`media_reference`].
pub fn media_id(url: &str) -> Option<&str> {
    url.strip_prefix(MEDIA_SCHEME)
        .filter(|media_id| !media_id.is_empty())
}

/// The business phone number an event is about: the channel account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WhatsAppAccount {
    /// `entry[].id`.
    pub business_account_id: String,
    /// `metadata.phone_number_id`: the id messages are sent from.
    pub phone_number_id: String,
    pub display_phone_number: Option<String>,
}

/// A message a contact sent.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatsAppInbound {
    pub account: WhatsAppAccount,
    /// The contact's WhatsApp id (`from`), a phone number without `+`.
    pub wa_id: String,
    /// The contact's profile name, from `contacts[]`.
    pub profile_name: Option<String>,
    /// The `wamid`: the provider message id that makes redelivery idempotent.
    pub wamid: String,
    pub timestamp: Option<Timestamp>,
    pub context: Option<MessageContext>,
    /// Errors Meta attached to the message (for `unsupported` messages).
    pub errors: Vec<MetaError>,
    pub content: WhatsAppContent,
    pub body: MessageBody,
}

impl WhatsAppInbound {
    /// The engine event for this message, with the `wamid` as its provider message id.
    pub fn session_event(&self) -> SessionEvent {
        SessionEvent::Inbound {
            provider_message_id: Some(self.wamid.clone()),
            body: self.body.clone(),
        }
    }
}

/// What a message holds, typed by its `type`.
#[derive(Clone, Debug, PartialEq)]
pub enum WhatsAppContent {
    Text {
        body: String,
    },
    Media {
        kind: MediaKind,
        media: MediaPart,
    },
    Location(LocationPart),
    Contacts(Vec<SharedContact>),
    Interactive(InteractiveReply),
    /// A quick-reply button of a template message.
    Button(ButtonPart),
    Reaction(ReactionPart),
    Order(OrderPart),
    System(SystemPart),
    /// WhatsApp could not show the content itself (`unsupported`, `unknown`); see the errors.
    Unsupported {
        message_type: String,
    },
    /// A type this adapter does not know, or a known type whose part could not be read.
    Unknown {
        message_type: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaKind {
    Image,
    Video,
    Audio,
    Document,
    Sticker,
}

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Document => "document",
            MediaKind::Sticker => "sticker",
        }
    }

    fn parse(message_type: &str) -> Option<Self> {
        [
            MediaKind::Image,
            MediaKind::Video,
            MediaKind::Audio,
            MediaKind::Document,
            MediaKind::Sticker,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == message_type)
    }
}

/// The contact's answer to an interactive message.
#[derive(Clone, Debug, PartialEq)]
pub enum InteractiveReply {
    ButtonReply(ReplyChoice),
    ListReply(ReplyChoice),
    /// Flows (`nfm_reply`) and other kinds, kept in the raw body for now.
    Other {
        reply_type: String,
    },
}

impl WhatsAppContent {
    /// Reads the part named by `message_type` out of the raw message.
    pub(crate) fn read(message_type: &str, message: &Value) -> Self {
        let part = |key: &str| message.get(key);
        let content = match message_type {
            "text" => part("text")
                .and_then(read::<TextPart>)
                .map(|text| Self::Text { body: text.body }),
            "location" => part("location").and_then(read).map(Self::Location),
            "contacts" => part("contacts").and_then(read).map(Self::Contacts),
            "interactive" => part("interactive")
                .and_then(read::<InteractivePart>)
                .map(interactive_reply),
            "button" => part("button").and_then(read).map(Self::Button),
            "reaction" => part("reaction").and_then(read).map(Self::Reaction),
            "order" => part("order").and_then(read).map(Self::Order),
            "system" => part("system").and_then(read).map(Self::System),
            "unsupported" | "unknown" => Some(Self::Unsupported {
                message_type: message_type.to_owned(),
            }),
            other => MediaKind::parse(other).and_then(|kind| {
                part(other)
                    .and_then(read)
                    .map(|media| Self::Media { kind, media })
            }),
        };
        content.unwrap_or_else(|| Self::Unknown {
            message_type: message_type.to_owned(),
        })
    }

    /// The body the engine stores: text for what the contact typed or tapped, a media reference
    /// for files, and the raw message for everything else.
    pub(crate) fn body(&self, raw: Value) -> MessageBody {
        match self {
            Self::Text { body } => MessageBody::text(body.as_str()),
            Self::Button(button) => MessageBody::text(button.text.as_str()),
            Self::Interactive(
                InteractiveReply::ButtonReply(choice) | InteractiveReply::ListReply(choice),
            ) => MessageBody::text(choice.title.as_str()),
            Self::Media { kind, media } => MessageBody::Media {
                media_type: kind.as_str().to_owned(),
                url: media_reference(&media.id),
                caption: media.caption.clone(),
            },
            _ => MessageBody::Unsupported { raw },
        }
    }
}

fn interactive_reply(part: InteractivePart) -> WhatsAppContent {
    let reply = match (part.reply_type.as_str(), part.button_reply, part.list_reply) {
        ("button_reply", Some(choice), _) => InteractiveReply::ButtonReply(choice),
        ("list_reply", _, Some(choice)) => InteractiveReply::ListReply(choice),
        _ => InteractiveReply::Other {
            reply_type: part.reply_type,
        },
    };
    WhatsAppContent::Interactive(reply)
}

/// Where a message the business sent is: `sent`, `delivered`, `read` or `failed`.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatsAppStatus {
    pub account: WhatsAppAccount,
    /// The `wamid` of the business's message.
    pub wamid: String,
    pub status: StatusKind,
    /// The contact's WhatsApp id.
    pub recipient_id: Option<String>,
    pub timestamp: Option<Timestamp>,
    /// Why a `failed` message failed.
    pub errors: Vec<MetaError>,
    pub conversation_id: Option<String>,
    pub pricing_category: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatusKind {
    Sent,
    Delivered,
    Read,
    Failed,
    /// Another status (`deleted`, `warning`, `played`, ...), as Meta wrote it.
    Other(String),
}

impl StatusKind {
    pub(crate) fn parse(status: &str) -> Self {
        match status {
            "sent" => Self::Sent,
            "delivered" => Self::Delivered,
            "read" => Self::Read,
            "failed" => Self::Failed,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl WhatsAppStatus {
    /// The engine's delivery state for this status; `None` for statuses it has no state for.
    pub fn delivery(&self) -> Option<Delivery> {
        Some(match &self.status {
            StatusKind::Sent => Delivery::Sent,
            StatusKind::Delivered => Delivery::Delivered,
            StatusKind::Read => Delivery::Read,
            StatusKind::Failed => Delivery::Failed {
                reason: failure_reason(&self.errors),
            },
            StatusKind::Other(_) => return None,
        })
    }
}

/// `code: title` of the first error, or a plain `failed` when Meta gave none.
fn failure_reason(errors: &[MetaError]) -> String {
    let Some(error) = errors.first() else {
        return "failed".to_owned();
    };
    let text = error
        .title
        .as_deref()
        .or(error.message.as_deref())
        .or(error.details())
        .unwrap_or("failed");
    match error.code {
        Some(code) => format!("{code}: {text}"),
        None => text.to_owned(),
    }
}

/// An error Meta reports about the phone number (`value.errors[]`), not about one message.
#[derive(Clone, Debug, PartialEq)]
pub struct WhatsAppAccountError {
    pub account: WhatsAppAccount,
    pub error: MetaError,
}
