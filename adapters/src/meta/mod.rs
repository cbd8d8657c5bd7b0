//! Meta's messaging channels (WhatsApp Cloud API; Messenger and Instagram to follow): webhook
//! signatures, the subscription handshake and webhook payloads turned into flat [`MetaEvent`]s.
//!
//! This is pure library code: an HTTP route verifies the raw body with
//! [`signature::verify_signature`] first, then hands the same bytes to a parser such as
//! [`whatsapp::parse_webhook`]. Nothing here does I/O. Parsing never panics: a body that is not a
//! webhook at all is a [`PayloadError`]; inside a valid webhook every item becomes an event, and
//! an item that cannot be read is kept as [`MetaEvent::Unreadable`] rather than dropped.

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
    /// A webhook field this adapter does not turn into events yet (template status, account
    /// updates, ...), kept whole.
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
            MetaEvent::OtherChange { channel, .. } | MetaEvent::Unreadable { channel, .. } => {
                *channel
            }
        }
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

/// Reads one item of a webhook; `None` when its shape does not fit.
fn read<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Reads one item of a webhook, or says why it could not (for [`MetaEvent::Unreadable`]).
fn read_or_reason<T: DeserializeOwned>(value: &Value, item: &str) -> Result<T, String> {
    T::deserialize(value).map_err(|error| format!("unreadable {item}: {error}"))
}
