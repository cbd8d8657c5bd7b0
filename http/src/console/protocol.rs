//! The console's Socket.IO protocol, in namespace [`NAMESPACE`]:
//!
//! - connect with `auth: {token}` (an access token); refused with `connect_error` whose message
//!   is `"<code>: <reason>"`: `unauthorized` (no token), `invalid_token` or `token_expired`,
//!   `forbidden` (neither Live Chat, module 11, nor Conversations, module 4).
//! - server → agent, for the agent's organisation only: `message` ([`ConsoleMessage`], every
//!   new transcript message, private notes included), `session` ([`ConsoleSession`], status and
//!   assignment changes), `ingestion` (a knowledge document's stage and percent, as
//!   `GET /v1/knowledge-bases/{id}/documents` shows it), `integration` (an integration that
//!   turned unhealthy, as `GET /v1/integrations` shows it), `presence` ([`PresenceNotice`]) and `error` (`{code, message}`); on
//!   connecting, `roster` ([`Roster`]): who of the organisation is at a console (of any node when
//!   the realtime surface is cross-node).
//! - agent → server: `presence` with `{status: "online" | "away" | "offline"}`, told to the
//!   whole organisation. An agent's first socket tells it `online` (or the status they chose
//!   before, on any node), their last socket leaving tells it `offline` (or, cross-node, the
//!   status they still have at a console of another node).

use crate::errors::{AppError, ErrorCode};
use botwot_engine::session::SessionNotice;
use botwot_engine::{Channel, Message, SessionId, SessionState, TenantId};
use serde::Serialize;
use serde_json::Value;

pub const NAMESPACE: &str = "/console";
pub const EVENT_MESSAGE: &str = "message";
pub const EVENT_SESSION: &str = "session";
pub const EVENT_PRESENCE: &str = "presence";
pub const EVENT_ROSTER: &str = "roster";
pub const EVENT_ERROR: &str = "error";
pub const EVENT_INGESTION: &str = "ingestion";
pub const EVENT_INTEGRATION: &str = "integration";

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

/// A conversation whose status or owner changed, as it is now, and what changed.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConsoleSession {
    pub session: SessionState,
    pub change: SessionNotice,
}

/// An agent's availability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Presence {
    Online,
    Away,
    Offline,
}

impl Presence {
    pub fn as_str(self) -> &'static str {
        match self {
            Presence::Online => "online",
            Presence::Away => "away",
            Presence::Offline => "offline",
        }
    }

    /// The status a word names (`online`, `away`, `offline`).
    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "online" => Some(Presence::Online),
            "away" => Some(Presence::Away),
            "offline" => Some(Presence::Offline),
            _ => None,
        }
    }

    /// Reads a `presence` payload `{status}`.
    pub fn parse(payload: Option<&Value>) -> Result<Self, AppError> {
        payload
            .and_then(|payload| payload.get("status"))
            .and_then(Value::as_str)
            .and_then(Self::from_word)
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::InvalidPayload,
                    "presence is {status: \"online\" | \"away\" | \"offline\"}",
                )
            })
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn presence_is_one_of_three_words() {
        let parse = |value: Value| Presence::parse(Some(&value));
        assert_eq!(parse(json!({"status": "away"})).ok(), Some(Presence::Away));
        assert_eq!(
            parse(json!({"status": "online"})).ok(),
            Some(Presence::Online)
        );
        assert!(parse(json!({"status": "busy"})).is_err());
        assert!(Presence::parse(None).is_err());
    }
}
