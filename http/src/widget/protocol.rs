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

use crate::errors::{AppError, ErrorCode, ErrorPayload};
use botwot_engine::session::{Responder, SessionNotice, SessionStatus};
use botwot_engine::{BotProfile, Message, SessionId, SessionState};
use serde::Serialize;
use serde_json::Value;

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

const MAX_ID_CHARS: usize = 128;

/// The room every socket of one session joins.
pub fn room(session: &SessionId) -> String {
    format!("session:{session}")
}

/// What a widget presents when it connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetAuth {
    pub widget_key: String,
    /// The widget's stored visitor id; `None` for a first visit.
    pub visitor_id: Option<String>,
}

impl WidgetAuth {
    pub fn parse(auth: Option<&Value>) -> Result<Self, AppError> {
        let refuse = |message: &str| AppError::new(ErrorCode::InvalidPayload, message);
        let auth = auth
            .and_then(Value::as_object)
            .ok_or_else(|| refuse("connect with auth {widgetKey, visitorId}"))?;
        let widget_key = auth
            .get("widgetKey")
            .and_then(Value::as_str)
            .filter(|key| !key.is_empty() && key.len() <= MAX_ID_CHARS)
            .ok_or_else(|| refuse("auth.widgetKey is missing"))?;
        Ok(Self {
            widget_key: widget_key.to_owned(),
            visitor_id: optional_id(auth.get("visitorId"), "auth.visitorId")?,
        })
    }
}

/// A message a visitor sent, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VisitorMessage {
    /// The widget's own id for the message; resending it is recognised as a retry.
    pub client_message_id: Option<String>,
    pub text: String,
}

impl VisitorMessage {
    pub fn parse(payload: &Value, max_chars: usize) -> Result<Self, AppError> {
        let refuse = |message: &str| AppError::new(ErrorCode::InvalidPayload, message);
        let fields = payload
            .as_object()
            .ok_or_else(|| refuse("a message is an object {clientMessageId, text}"))?;
        let text = fields
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| refuse("message.text must be a string"))?;
        if text.trim().is_empty() {
            return Err(refuse("message.text is empty"));
        }
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(AppError::new(
                ErrorCode::MessageTooLong,
                format!("message.text has {chars} characters; at most {max_chars} are allowed"),
            ));
        }
        Ok(Self {
            client_message_id: optional_id(
                fields.get("clientMessageId"),
                "message.clientMessageId",
            )?,
            text: text.to_owned(),
        })
    }
}

/// The visitor's `typing` event, and what the visitor is told of the agent's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Typing {
    pub typing: bool,
}

impl Typing {
    pub fn parse(payload: Option<&Value>) -> Result<Self, AppError> {
        payload
            .and_then(|payload| payload.get("typing"))
            .and_then(Value::as_bool)
            .map(|typing| Typing { typing })
            .ok_or_else(|| {
                AppError::new(
                    ErrorCode::InvalidPayload,
                    "typing is {typing: true | false}",
                )
            })
    }
}

/// An optional identifier field: absent, null, or 1 to 128 plain characters.
fn optional_id(value: Option<&Value>, field: &str) -> Result<Option<String>, AppError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) if is_plain_id(id) => Ok(Some(id.clone())),
        Some(_) => Err(AppError::new(
            ErrorCode::InvalidPayload,
            format!("{field} must be 1 to {MAX_ID_CHARS} letters, digits, '-', '_', '.' or ':'"),
        )),
    }
}

fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
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
    use serde_json::json;

    #[test]
    fn auth_needs_a_widget_key_and_a_plain_visitor_id() {
        let auth =
            WidgetAuth::parse(Some(&json!({"widgetKey": "wk_1", "visitorId": "v_1"}))).unwrap();
        assert_eq!(auth.visitor_id.as_deref(), Some("v_1"));
        assert!(
            WidgetAuth::parse(Some(&json!({"widgetKey": "wk_1"})))
                .unwrap()
                .visitor_id
                .is_none()
        );
        for bad in [
            json!(null),
            json!("wk_1"),
            json!({}),
            json!({"widgetKey": "wk", "visitorId": "a b"}),
        ] {
            let error = WidgetAuth::parse(Some(&bad)).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidPayload, "{bad}");
        }
        assert!(WidgetAuth::parse(None).is_err());
    }

    #[test]
    fn messages_are_objects_with_bounded_text() {
        let ok =
            VisitorMessage::parse(&json!({"clientMessageId": "c1", "text": "hi"}), 10).unwrap();
        assert_eq!(ok.client_message_id.as_deref(), Some("c1"));
        for bad in [
            json!("hi"),
            json!([1]),
            json!({"text": 5}),
            json!({"clientMessageId": "c1"}),
            json!({"text": "  "}),
        ] {
            assert_eq!(
                VisitorMessage::parse(&bad, 10).unwrap_err().code,
                ErrorCode::InvalidPayload,
                "{bad}"
            );
        }
        let long = VisitorMessage::parse(&json!({"text": "x".repeat(11)}), 10).unwrap_err();
        assert_eq!(long.code, ErrorCode::MessageTooLong);
    }

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
