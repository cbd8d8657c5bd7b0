//! The channels a conversation can happen on.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// The website chat widget (Socket.IO).
    Web,
    WhatsApp,
    Messenger,
    Instagram,
    /// Telephone calls.
    Voice,
}

impl Channel {
    pub const ALL: [Channel; 5] = [
        Channel::Web,
        Channel::WhatsApp,
        Channel::Messenger,
        Channel::Instagram,
        Channel::Voice,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::WhatsApp => "whatsapp",
            Channel::Messenger => "messenger",
            Channel::Instagram => "instagram",
            Channel::Voice => "voice",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|channel| channel.as_str() == text)
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
