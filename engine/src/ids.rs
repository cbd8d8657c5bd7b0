//! Identifiers. Each is a string newtype so a bot id can never be passed where a session id is meant.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh, time-ordered identifier with this type's prefix.
            pub fn generate() -> Self {
                Self(format!(concat!($prefix, "_{}"), uuid::Uuid::now_v7().simple()))
            }
            /// Wraps an identifier that already exists (read from storage or a request).
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

string_id!(
    /// An organisation: every record belongs to exactly one.
    TenantId, "org"
);
string_id!(
    /// A text bot profile.
    BotId, "bot"
);
string_id!(
    /// One conversation between a contact and a bot on a channel account.
    SessionId, "ses"
);
string_id!(
    /// One message of a session.
    MessageId, "msg"
);
string_id!(
    /// A durable timer.
    TimerId, "tmr"
);
string_id!(
    /// The public key a web widget opens sessions with.
    WidgetKey, "wk"
);
string_id!(
    /// A person who signs in to an organisation's console and API.
    UserId, "usr"
);
string_id!(
    /// The chain of refresh tokens of one sign-in.
    RefreshFamilyId, "rtf"
);
string_id!(
    /// One entry of an organisation's audit log.
    AuditId, "aud"
);
string_id!(
    /// A server-to-server API key.
    ApiKeyId, "key"
);
string_id!(
    /// A saved reply of an organisation.
    CannedResponseId, "cr"
);
string_id!(
    /// A knowledge base: documents an organisation attaches to its bots.
    KnowledgeBaseId, "kb"
);
string_id!(
    /// One uploaded document (file or fetched page) of a knowledge base.
    DocumentId, "doc"
);
string_id!(
    /// One retrievable piece of a document's text.
    ChunkId, "chk"
);
string_id!(
    /// A voice agent: the configuration of a phone agent (PRD §3.1.2).
    VoiceAgentId, "va"
);
string_id!(
    /// A phone number an organisation connected for voice calls (PRD §3.5.1).
    VoiceNumberId, "vn"
);
string_id!(
    /// One phone call, inbound or outbound, with a voice agent (PRD §3.5).
    CallId, "call"
);
string_id!(
    /// A WhatsApp campaign of an organisation (PRD §3.7.1).
    CampaignId, "cmp"
);
string_id!(
    /// A post of an organisation on its Facebook page or Instagram account (PRD §3.7.2).
    PostId, "pst"
);
string_id!(
    /// A sales lead an organisation follows up (PRD §3.8.1).
    LeadId, "lead"
);
string_id!(
    /// One entry of a lead's history: a note, a call, a change of stage, a follow-up sent.
    LeadEventId, "lev"
);
