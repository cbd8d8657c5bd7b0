//! The Messenger Platform webhook as Meta sends it for pages and Instagram accounts, field for
//! field (unknown fields ignored).
//!
//! As for WhatsApp, the outer layers (`object`, `entry[]`) are read strictly and every
//! `messaging[]` item stays raw JSON until it is read on its own into the parts below, so one odd
//! item never costs the others. Times here are Unix milliseconds.

use crate::meta::whatsapp::payload::Change;
use serde::Deserialize;
use serde_json::Value;

/// The Meta webhook envelope with Messenger Platform entries.
pub type WebhookPayload = crate::meta::whatsapp::payload::WebhookPayload<Entry>;

#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// The page id, or the Instagram professional account id.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub time: Option<Value>,
    #[serde(default)]
    pub messaging: Vec<Value>,
    /// Page feed or Instagram comment changes, shaped like WhatsApp's.
    #[serde(default)]
    pub changes: Vec<Change>,
}

/// What every `messaging[]` item has, whatever it reports.
#[derive(Clone, Debug, Deserialize)]
pub struct MessagingHeader {
    pub sender: Party,
    #[serde(default)]
    pub recipient: Option<Party>,
    #[serde(default)]
    pub timestamp: Option<Value>,
}

/// A page-scoped (PSID) or Instagram-scoped (IGSID) user id, or the page's own id.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Party {
    pub id: String,
}

/// `message`: what a user sent, or (with `is_echo`) what the page sent.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MessagePart {
    pub mid: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub quick_reply: Option<QuickReply>,
    #[serde(default)]
    pub reply_to: Option<ReplyTo>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    #[serde(default)]
    pub is_echo: bool,
    /// Instagram: the user unsent this message (`mid` names it; there is no content).
    #[serde(default)]
    pub is_deleted: bool,
    /// Echoes only: the app that sent the message.
    #[serde(default)]
    pub app_id: Option<Value>,
    /// Echoes only: the metadata the sender attached.
    #[serde(default)]
    pub metadata: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct QuickReply {
    pub payload: String,
}

/// `reply_to`: the message or Instagram story this one answers.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReplyTo {
    #[serde(default)]
    pub mid: Option<String>,
    #[serde(default)]
    pub story: Option<StoryRef>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct StoryRef {
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// One attachment: `image`, `video`, `audio`, `file`, `template`, `fallback`, `story_mention`...
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Attachment {
    #[serde(rename = "type", default)]
    pub attachment_type: String,
    #[serde(default)]
    pub payload: Option<AttachmentPayload>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct AttachmentPayload {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub sticker_id: Option<Value>,
}

/// `postback`: the user tapped a button, a menu item or "Get Started".
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct PostbackPart {
    #[serde(default)]
    pub mid: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub payload: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReactionPart {
    /// The message reacted to.
    pub mid: String,
    /// `react` or `unreact`.
    #[serde(default)]
    pub action: Option<String>,
    /// The reaction name (`love`, `smile`, `other`, ...).
    #[serde(default)]
    pub reaction: Option<String>,
    #[serde(default)]
    pub emoji: Option<String>,
}

/// `read` (Messenger: a watermark; Instagram: the `mid` read).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReadPart {
    #[serde(default)]
    pub watermark: Option<Value>,
    #[serde(default)]
    pub mid: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct DeliveryPart {
    #[serde(default)]
    pub mids: Vec<String>,
    #[serde(default)]
    pub watermark: Option<Value>,
}

/// A Unix time in milliseconds, as a number or a string, in engine time.
pub fn unix_millis(value: Option<&Value>) -> Option<botwot_engine::Timestamp> {
    crate::meta::integer(value).map(botwot_engine::Timestamp::from_millis)
}
