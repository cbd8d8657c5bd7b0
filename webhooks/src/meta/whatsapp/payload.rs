//! The WhatsApp Cloud API webhook as Meta sends it, field for field (unknown fields ignored).
//!
//! The outer layers (`object`, `entry[]`, `changes[]`) are read strictly: a body that does not
//! have them is not a webhook. Everything below a change is read item by item, so one odd
//! message never costs the others: messages, statuses, contacts and errors stay raw JSON here and
//! each is read into the typed parts below on its own.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// The envelope of every Meta webhook; Messenger and Instagram read it with their own entries.
#[derive(Clone, Debug, Deserialize)]
pub struct WebhookPayload<E = Entry> {
    pub object: String,
    #[serde(default = "Vec::new")]
    pub entry: Vec<E>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Entry {
    /// The WhatsApp Business Account id.
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub changes: Vec<Change>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Change {
    /// `messages` for messages and statuses; other fields are account and template updates.
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub value: Value,
}

/// The `value` of a `messages` change.
#[derive(Clone, Debug, Deserialize)]
pub struct ChangeValue {
    pub metadata: Metadata,
    #[serde(default)]
    pub contacts: Vec<Value>,
    #[serde(default)]
    pub messages: Vec<Value>,
    #[serde(default)]
    pub statuses: Vec<Value>,
    #[serde(default)]
    pub errors: Vec<Value>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Metadata {
    pub phone_number_id: String,
    #[serde(default)]
    pub display_phone_number: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Contact {
    #[serde(default)]
    pub wa_id: Option<String>,
    #[serde(default)]
    pub profile: Option<Profile>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Profile {
    #[serde(default)]
    pub name: Option<String>,
}

/// What every inbound message has, whatever its type.
#[derive(Clone, Debug, Deserialize)]
pub struct MessageHeader {
    /// The sender's WhatsApp id (`wa_id`).
    pub from: String,
    /// The `wamid`.
    pub id: String,
    #[serde(default)]
    pub timestamp: Option<Value>,
    #[serde(rename = "type", default)]
    pub message_type: Option<String>,
}

/// `context`: the message this one replies to or was forwarded from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MessageContext {
    #[serde(default)]
    pub from: Option<String>,
    #[serde(default)]
    pub id: Option<String>,
    #[serde(default)]
    pub forwarded: bool,
    #[serde(default)]
    pub frequently_forwarded: bool,
    #[serde(default)]
    pub referred_product: Option<ReferredProduct>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReferredProduct {
    #[serde(default)]
    pub catalog_id: Option<String>,
    #[serde(default)]
    pub product_retailer_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct TextPart {
    pub body: String,
}

/// `image`, `video`, `audio`, `document` and `sticker`: a media id to download later.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MediaPart {
    pub id: String,
    #[serde(default)]
    pub mime_type: Option<String>,
    #[serde(default)]
    pub sha256: Option<String>,
    #[serde(default)]
    pub caption: Option<String>,
    /// Documents only.
    #[serde(default)]
    pub filename: Option<String>,
    /// Audio only: a voice note recorded in the app.
    #[serde(default)]
    pub voice: Option<bool>,
    /// Stickers only.
    #[serde(default)]
    pub animated: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct LocationPart {
    pub latitude: f64,
    pub longitude: f64,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
}

/// One contact card of a `contacts` message (names, phones and e-mails; the rest is ignored).
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SharedContact {
    #[serde(default)]
    pub name: Option<SharedContactName>,
    #[serde(default)]
    pub phones: Vec<SharedContactPhone>,
    #[serde(default)]
    pub emails: Vec<SharedContactEmail>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SharedContactName {
    #[serde(default)]
    pub formatted_name: Option<String>,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SharedContactPhone {
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub wa_id: Option<String>,
    #[serde(rename = "type", default)]
    pub phone_type: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SharedContactEmail {
    #[serde(default)]
    pub email: Option<String>,
    #[serde(rename = "type", default)]
    pub email_type: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct InteractivePart {
    #[serde(rename = "type")]
    pub reply_type: String,
    #[serde(default)]
    pub button_reply: Option<ReplyChoice>,
    #[serde(default)]
    pub list_reply: Option<ReplyChoice>,
}

/// The button or list row the contact chose.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReplyChoice {
    pub id: String,
    pub title: String,
    /// List rows only.
    #[serde(default)]
    pub description: Option<String>,
}

/// `button`: a quick-reply button of a template message.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ButtonPart {
    pub text: String,
    #[serde(default)]
    pub payload: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ReactionPart {
    /// The `wamid` reacted to.
    pub message_id: String,
    /// Absent or empty when the contact removed a reaction.
    #[serde(default)]
    pub emoji: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct OrderPart {
    #[serde(default)]
    pub catalog_id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub product_items: Vec<ProductItem>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ProductItem {
    pub product_retailer_id: String,
    #[serde(default, deserialize_with = "number_or_text")]
    pub quantity: Option<f64>,
    #[serde(default, deserialize_with = "number_or_text")]
    pub item_price: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
}

/// `system`: the contact changed number, or another account-level notice.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct SystemPart {
    #[serde(default)]
    pub body: Option<String>,
    /// `user_changed_number`, `customer_identity_changed`, ...
    #[serde(rename = "type", default)]
    pub system_type: Option<String>,
    #[serde(default)]
    pub new_wa_id: Option<String>,
    #[serde(default)]
    pub wa_id: Option<String>,
    #[serde(default)]
    pub customer: Option<String>,
}

/// An error Meta reports on a message, a status or the phone number.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct MetaError {
    #[serde(default)]
    pub code: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub message: Option<String>,
    #[serde(default)]
    pub details: Option<String>,
    #[serde(default)]
    pub error_data: Option<ErrorData>,
    #[serde(default)]
    pub href: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct ErrorData {
    #[serde(default)]
    pub details: Option<String>,
}

impl MetaError {
    /// The longest explanation Meta gave: `error_data.details`, else `details`.
    pub fn details(&self) -> Option<&str> {
        self.error_data
            .as_ref()
            .and_then(|data| data.details.as_deref())
            .or(self.details.as_deref())
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct StatusPart {
    /// The `wamid` of the business's message.
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub timestamp: Option<Value>,
    #[serde(default)]
    pub recipient_id: Option<String>,
    #[serde(default)]
    pub conversation: Option<Conversation>,
    #[serde(default)]
    pub pricing: Option<Pricing>,
    #[serde(default)]
    pub errors: Vec<MetaError>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Conversation {
    #[serde(default)]
    pub id: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Pricing {
    #[serde(default)]
    pub category: Option<String>,
}

/// Meta writes some numbers as JSON numbers and some as strings; anything else reads as `None`.
fn number_or_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    })
}

/// A Unix time in seconds, as a string or a number, in engine time.
pub fn unix_seconds(value: Option<&Value>) -> Option<botwot_engine::Timestamp> {
    crate::meta::integer(value)?
        .checked_mul(1000)
        .map(botwot_engine::Timestamp::from_millis)
}
