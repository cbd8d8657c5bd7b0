//! The console's Socket.IO protocol, in namespace [`NAMESPACE`]:
//!
//! - connect with `auth: {token}` (an access token); refused with `connect_error` whose message
//!   is `"<code>: <reason>"`: `unauthorized` (no token), `invalid_token` or `token_expired`,
//!   `forbidden` (neither Live Chat, module 11, nor Conversations, module 4).
//! - server → agent, for the agent's organisation only: `message` ([`ConsoleMessage`], every
//!   new transcript message, private notes included), `session` ([`ConsoleSession`], status and
//!   assignment changes), `ingestion` (a knowledge document's stage and percent, as
//!   `GET /v1/knowledge-bases/{id}/documents` shows it), `integration` (an integration that
//!   turned unhealthy, as `GET /v1/integrations` shows it), `presence` ([`PresenceNotice`]),
//!   `typing` ([`TypingNotice`]: the contact, or a colleague who owns the conversation, started
//!   or stopped typing; a `typing: true` is repeated every few seconds while it lasts, so an
//!   indicator not refreshed for about ten seconds should go off) and `error`
//!   (`{code, message}`); on connecting, `roster` ([`Roster`]): who of the organisation is at a
//!   console (of any node when the realtime surface is cross-node); `draft` ([`ConsoleDraft`]):
//!   the bot's answer so far while its brain writes it (only where the channel shows drafts,
//!   the web widget), superseded by the `message` that stores it.
//! - agent → server: `presence` with `{status: "online" | "away" | "offline"}`, told to the
//!   whole organisation. An agent's first socket tells it `online` (or the status they chose
//!   before, on any node), their last socket leaving tells it `offline` (or, cross-node, the
//!   status they still have at a console of another node).
//! - agent → server: `typing` with `{sessionId, typing}` while writing a reply to a
//!   conversation they own: shown to the contact where the channel has an indicator (the
//!   widget; WhatsApp, Messenger and Instagram through the Graph API) and to the colleagues.
//!   Refused with an `error` when the conversation is not theirs.

use botwot_engine::brain::AnswerDraft;
use botwot_engine::session::SessionNotice;
use botwot_engine::{Channel, Message, SessionId, SessionState, TenantId};
pub use botwot_socket_payloads::console::{AgentTyping, Presence};
use serde::Serialize;

pub const NAMESPACE: &str = "/console";
pub const EVENT_MESSAGE: &str = "message";
pub const EVENT_SESSION: &str = "session";
pub const EVENT_PRESENCE: &str = "presence";
pub const EVENT_ROSTER: &str = "roster";
pub const EVENT_ERROR: &str = "error";
pub const EVENT_INGESTION: &str = "ingestion";
pub const EVENT_INTEGRATION: &str = "integration";
pub const EVENT_TYPING: &str = "typing";
pub const EVENT_DRAFT: &str = "draft";

/// Every event the server emits in the namespace.
pub const SERVER_EVENTS: [&str; 9] = [
    EVENT_MESSAGE,
    EVENT_SESSION,
    EVENT_PRESENCE,
    EVENT_ROSTER,
    EVENT_ERROR,
    EVENT_INGESTION,
    EVENT_INTEGRATION,
    EVENT_TYPING,
    EVENT_DRAFT,
];

/// The room every console socket of one organisation joins.
pub fn organisation_room(tenant: &TenantId) -> String {
    format!("org:{tenant}")
}

/// A message stored in one of the organisation's conversations.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleMessage {
    pub session_id: SessionId,
    pub channel: Channel,
    pub message: Message,
}

/// The bot's answer in one of the organisation's conversations, as written so far.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleDraft {
    pub session_id: SessionId,
    pub channel: Channel,
    pub draft: AnswerDraft,
}

/// A conversation whose status or owner changed, as it is now, and what changed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleSession {
    pub session: SessionState,
    pub change: SessionNotice,
}

/// Who is typing in a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Typist {
    Contact,
    Agent,
}

/// Someone started or stopped typing in one of the organisation's conversations.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TypingNotice {
    pub session_id: SessionId,
    pub channel: Channel,
    pub by: Typist,
    /// The agent typing, when `by` is `agent`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<String>,
    pub typing: bool,
}

/// An agent's availability, as the organisation is told.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceNotice {
    pub agent_id: String,
    pub status: Presence,
}

/// Everyone of the organisation at a console, sent to a socket when it connects.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Roster {
    pub agents: Vec<PresenceNotice>,
}
