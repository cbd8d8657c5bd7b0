//! Why a payload was refused.

use std::fmt;

/// The error code a client matches on, as the API writes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// The payload is not shaped as the event asks (`invalid_payload`).
    InvalidPayload,
    /// A message's text is over the configured length (`message_too_long`).
    MessageTooLong,
}

impl RefusalCode {
    pub fn as_str(self) -> &'static str {
        match self {
            RefusalCode::InvalidPayload => "invalid_payload",
            RefusalCode::MessageTooLong => "message_too_long",
        }
    }
}

/// A refused payload: its code and what was wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PayloadRefusal {
    pub code: RefusalCode,
    pub message: String,
}

impl PayloadRefusal {
    /// A payload not shaped as the event asks.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::InvalidPayload,
            message: message.into(),
        }
    }

    /// A text over the length allowed.
    pub fn too_long(message: impl Into<String>) -> Self {
        Self {
            code: RefusalCode::MessageTooLong,
            message: message.into(),
        }
    }
}

impl fmt::Display for PayloadRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for PayloadRefusal {}
