//! Meta's messaging webhooks (WhatsApp Cloud API, Messenger, Instagram): the signature check,
//! the subscription handshake, and payloads turned into flat [`MetaEvent`]s.
//!
//! An HTTP route verifies the raw body with [`signature::verify_signature`] first, then hands the
//! same bytes to [`parse_webhook`], which picks [`whatsapp`], [`messenger`] or [`instagram`] by
//! the body's `object`, with no I/O. Parsing never panics: a body that is not a webhook at all is
//! a [`PayloadError`]; inside a valid webhook every item becomes an event, and an item that
//! cannot be read is kept as [`MetaEvent::Unreadable`] rather than dropped.

pub mod instagram;
pub mod messenger;
pub mod post_comment;
pub mod signature;
pub mod whatsapp;

use botwot_engine::Channel;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// One thing a Meta webhook reported, in the order the payload listed it.
#[derive(Clone, Debug, PartialEq)]
pub enum MetaEvent {
    /// A contact wrote on WhatsApp.
    WhatsAppMessage(Box<whatsapp::WhatsAppInbound>),
    /// Progress of a message the business sent on WhatsApp.
    WhatsAppStatus(whatsapp::WhatsAppStatus),
    /// An error about the phone number rather than about one message.
    WhatsAppError(whatsapp::WhatsAppAccountError),
    /// A user wrote, or tapped a button (postback), to a page (Messenger) or an Instagram
    /// account; [`MetaEvent::channel`] tells which.
    MessagingMessage(Box<messenger::MessagingInbound>),
    /// A message the page or Instagram account itself sent (`is_echo`), from any app.
    MessagingEcho(Box<messenger::MessagingInbound>),
    /// A user read or received the page's messages.
    MessagingReceipt(messenger::MessagingReceipt),
    /// A user reacted to a message, or took a reaction back.
    MessagingReaction(messenger::MessagingReaction),
    /// Someone commented on a post of the Instagram account or the Facebook page.
    PostComment(post_comment::PostComment),
    /// A webhook field (template status, account updates, Instagram mentions, ...) or a
    /// `messaging[]` item (opt-ins, referrals, handovers, ...) this adapter does not turn into
    /// events yet, kept whole: `field` is the change field or the item's key, `value` the change
    /// value or the whole item.
    OtherChange {
        channel: Channel,
        /// The `entry[].id`: the WhatsApp Business Account, page or Instagram account.
        entry_id: String,
        field: String,
        value: Value,
    },
    /// An item inside a valid webhook whose shape could not be read.
    Unreadable {
        channel: Channel,
        entry_id: String,
        reason: String,
        raw: Value,
    },
}

impl MetaEvent {
    pub fn channel(&self) -> Channel {
        match self {
            MetaEvent::WhatsAppMessage(_)
            | MetaEvent::WhatsAppStatus(_)
            | MetaEvent::WhatsAppError(_) => Channel::WhatsApp,
            MetaEvent::MessagingMessage(inbound) | MetaEvent::MessagingEcho(inbound) => {
                inbound.parties.channel
            }
            MetaEvent::MessagingReceipt(receipt) => receipt.parties.channel,
            MetaEvent::MessagingReaction(reaction) => reaction.parties.channel,
            MetaEvent::PostComment(comment) => comment.channel,
            MetaEvent::OtherChange { channel, .. } | MetaEvent::Unreadable { channel, .. } => {
                *channel
            }
        }
    }

    fn other_change(channel: Channel, entry_id: &str, change: whatsapp::payload::Change) -> Self {
        MetaEvent::OtherChange {
            channel,
            entry_id: entry_id.to_owned(),
            field: change.field,
            value: change.value,
        }
    }

    fn unreadable(channel: Channel, entry_id: &str, reason: String, raw: Value) -> Self {
        MetaEvent::Unreadable {
            channel,
            entry_id: entry_id.to_owned(),
            reason,
            raw,
        }
    }
}

/// Reads any Meta webhook body (already signature-checked), by its `object`: WhatsApp Business
/// Account, page (Messenger) or Instagram. Another object is `payload_unexpected_object`.
pub fn parse_webhook(body: &[u8]) -> Result<Vec<MetaEvent>, PayloadError> {
    #[derive(serde::Deserialize)]
    struct Object {
        object: String,
    }
    let Object { object } = decode(body)?;
    match object.as_str() {
        whatsapp::OBJECT => whatsapp::parse_webhook(body),
        messenger::OBJECT => messenger::parse_webhook(body),
        instagram::OBJECT => instagram::parse_webhook(body),
        _ => Err(PayloadError::UnexpectedObject {
            found: object,
            expected: "whatsapp_business_account, page or instagram",
        }),
    }
}

/// Why a webhook body is refused as a whole. Every variant has a stable
/// [`code`](PayloadError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("webhook body is not valid json: {0}")]
    InvalidJson(String),
    #[error("webhook body is not a webhook payload: {0}")]
    InvalidShape(String),
    #[error("webhook object is {found:?}, expected {expected:?}")]
    UnexpectedObject {
        found: String,
        expected: &'static str,
    },
}

impl PayloadError {
    pub fn code(&self) -> &'static str {
        match self {
            PayloadError::InvalidJson(_) => "payload_invalid_json",
            PayloadError::InvalidShape(_) => "payload_invalid_shape",
            PayloadError::UnexpectedObject { .. } => "payload_unexpected_object",
        }
    }
}

/// Reads a whole webhook body, telling bad JSON from JSON of the wrong shape (in two steps, as
/// serde_json reports some shape errors, such as a struct from a too-long array, as syntax).
fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, PayloadError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|error| PayloadError::InvalidJson(error.to_string()))?;
    T::deserialize(value).map_err(|error| PayloadError::InvalidShape(error.to_string()))
}

/// Refuses a body whose `object` is not the one its parser reads.
fn expect_object(found: String, expected: &'static str) -> Result<(), PayloadError> {
    if found == expected {
        Ok(())
    } else {
        Err(PayloadError::UnexpectedObject { found, expected })
    }
}

/// An integer Meta wrote as a JSON number or as a string.
fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Reads one item of a webhook; `None` when its shape does not fit.
fn read<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Reads one item of a webhook, or says why it could not (for [`MetaEvent::Unreadable`]).
fn read_or_reason<T: DeserializeOwned>(value: &Value, item: &str) -> Result<T, String> {
    T::deserialize(value).map_err(|error| format!("unreadable {item}: {error}"))
}
