//! The widget's Socket.IO protocol, in namespace [`NAMESPACE`]:
//!
//! - connect with `auth: {widgetKey, visitorId?}`; refused with `connect_error` whose message is
//!   `"<code>: <reason>"` (`unknown_widget_key`, `origin_not_allowed`, `bot_unavailable`, ...).
//! - server → visitor: `session` ([`SessionInfo`]), then `history` ([`History`]); later
//!   `message` (a stored message), `status` ([`StatusNotice`]) and `error` (`{code, message}`).
//! - visitor → server: `message` with `{clientMessageId?, text}`, acknowledged with
//!   `{ok: true, message, duplicate}` or `{ok: false, error}`. Sending the same
//!   `clientMessageId` again stores nothing new.
//! - visitor → server: `typing` with `{typing: true | false}`, shown to the organisation's
//!   consoles; server → visitor: `typing` with `{typing}` while the agent who owns the
//!   conversation writes (a `true` is repeated every few seconds while it lasts).
//! - server → visitor: `draft` ([`AnswerDraft`](botwot_engine::brain::AnswerDraft): `{sessionId, inReplyTo, text}`) while a
//!   language model writes the bot's answer to message `inReplyTo`: the whole answer so far,
//!   not stored. The answer's `message` replaces it (its `seq` is past `inReplyTo`); so does a
//!   `status` change, when a person took over before the answer was whole.
//! - visitor → server: `rating` with `{score: 1..5, comment?}`, acknowledged `{ok: true}` or
//!   `{ok: false, error}`; the latest rating is the conversation's satisfaction.

use crate::errors::{AppError, ErrorPayload};
use botwot_engine::session::{Responder, SessionNotice, SessionStatus};
use botwot_engine::{BotProfile, Message, SessionId, SessionState};
pub use botwot_socket_payloads::widget::{Typing, VisitorMessage, WidgetAuth};
use serde::Serialize;

pub const NAMESPACE: &str = "/widget";
pub const EVENT_SESSION: &str = "session";
pub const EVENT_HISTORY: &str = "history";
pub const EVENT_MESSAGE: &str = "message";
pub const EVENT_STATUS: &str = "status";
pub const EVENT_ERROR: &str = "error";
pub const EVENT_TYPING: &str = "typing";
pub const EVENT_DRAFT: &str = "draft";
/// Visitor → server only: the visitor's rating of the conversation.
pub const EVENT_RATING: &str = "rating";
/// Visitor → server only: the widget's use, `{event: "loaded" | "opened"}`.
pub const EVENT_TRACK: &str = "track";
/// `opened` reports one socket counts at most (a visitor toggling the panel all day counts once
/// a time, but a client looping on it does not swell the figures); `loaded` counts once.
pub const MAX_OPENS_PER_SOCKET: u32 = 20;

/// Every event the server emits in the namespace.
pub const SERVER_EVENTS: [&str; 7] = [
    EVENT_SESSION,
    EVENT_HISTORY,
    EVENT_MESSAGE,
    EVENT_STATUS,
    EVENT_ERROR,
    EVENT_TYPING,
    EVENT_DRAFT,
];

/// The room every socket of one session joins.
pub fn room(session: &SessionId) -> String {
    format!("session:{session}")
}

/// The bot as the widget shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BotCard {
    pub id: String,
    pub name: String,
    pub color: String,
}

impl From<&BotProfile> for BotCard {
    fn from(bot: &BotProfile) -> Self {
        Self {
            id: bot.id.to_string(),
            name: bot.settings.bot_name.clone(),
            color: bot.settings.bot_color.clone(),
        }
    }
}

/// Sent once a visitor is connected: who they are and which conversation they are in.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SessionInfo {
    pub session_id: SessionId,
    /// Keep this and present it on the next visit to continue the conversation.
    pub visitor_id: String,
    pub status: SessionStatus,
    pub responder: Responder,
    pub bot: BotCard,
}

/// The latest messages of the session, oldest first.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct History {
    pub session_id: SessionId,
    pub messages: Vec<Message>,
}

/// A change of the session's status or of who answers.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusNotice {
    pub session_id: SessionId,
    pub status: SessionStatus,
    pub responder: Responder,
    pub notice: SessionNotice,
}

impl StatusNotice {
    pub fn new(session: &SessionState, notice: &SessionNotice) -> Self {
        Self {
            session_id: session.id.clone(),
            status: session.status,
            responder: session.responder.clone(),
            notice: notice.clone(),
        }
    }
}

/// The acknowledgement of a visitor's message.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum MessageAck {
    Stored {
        ok: bool,
        message: Option<Box<Message>>,
        /// The message had been received before; nothing new was stored.
        duplicate: bool,
    },
    Failed {
        ok: bool,
        error: ErrorPayload,
    },
}

impl MessageAck {
    pub fn stored(message: Option<Message>, duplicate: bool) -> Self {
        Self::Stored {
            ok: true,
            message: message.map(Box::new),
            duplicate,
        }
    }

    pub fn failed(error: &AppError) -> Self {
        Self::Failed {
            ok: false,
            error: error.payload(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::errors::ErrorCode;
    use serde_json::json;

    #[test]
    fn acks_say_ok_or_carry_the_error() {
        let failed = MessageAck::failed(&AppError::new(ErrorCode::InvalidPayload, "bad"));
        assert_eq!(
            serde_json::to_value(failed).unwrap(),
            json!({"ok": false, "error": {"code": "invalid_payload", "message": "bad"}})
        );
        let stored = serde_json::to_value(MessageAck::stored(None, true)).unwrap();
        assert_eq!(
            stored,
            json!({"ok": true, "message": null, "duplicate": true})
        );
    }
}
