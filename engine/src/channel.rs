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

    /// Whether the channel can show an answer while it is being written (see
    /// [`crate::brain::AnswerDraft`]). Messaging apps cannot change a sent message, and a call
    /// speaks whole sentences: only the web widget shows drafts.
    pub fn shows_drafts(self) -> bool {
        self == Channel::Web
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
