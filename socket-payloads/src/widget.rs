//! What a widget sends: `auth` when it connects, a visitor's `message` and `typing`.

use crate::PayloadRefusal;
use serde::Serialize;
use serde_json::Value;

/// The longest widget key, visitor id or client message id.
const MAX_ID_CHARS: usize = 128;

/// What a widget presents when it connects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WidgetAuth {
    pub widget_key: String,
    /// The widget's stored visitor id; `None` for a first visit.
    pub visitor_id: Option<String>,
}

impl WidgetAuth {
    /// Reads `auth: {widgetKey, visitorId?}`.
    pub fn parse(auth: Option<&Value>) -> Result<Self, PayloadRefusal> {
        let auth = auth
            .and_then(Value::as_object)
            .ok_or_else(|| PayloadRefusal::invalid("connect with auth {widgetKey, visitorId}"))?;
        let widget_key = auth
            .get("widgetKey")
            .and_then(Value::as_str)
            .filter(|key| !key.is_empty() && key.len() <= MAX_ID_CHARS)
            .ok_or_else(|| PayloadRefusal::invalid("auth.widgetKey is missing"))?;
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
    /// Reads `{clientMessageId?, text}`: a text that is not blank and has at most `max_chars`
    /// characters.
    pub fn parse(payload: &Value, max_chars: usize) -> Result<Self, PayloadRefusal> {
        let fields = payload.as_object().ok_or_else(|| {
            PayloadRefusal::invalid("a message is an object {clientMessageId, text}")
        })?;
        let text = fields
            .get("text")
            .and_then(Value::as_str)
            .ok_or_else(|| PayloadRefusal::invalid("message.text must be a string"))?;
        if text.trim().is_empty() {
            return Err(PayloadRefusal::invalid("message.text is empty"));
        }
        let chars = text.chars().count();
        if chars > max_chars {
            return Err(PayloadRefusal::too_long(format!(
                "message.text has {chars} characters; at most {max_chars} are allowed"
            )));
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
    /// Reads `{typing: true | false}`.
    pub fn parse(payload: Option<&Value>) -> Result<Self, PayloadRefusal> {
        payload
            .and_then(|payload| payload.get("typing"))
            .and_then(Value::as_bool)
            .map(|typing| Typing { typing })
            .ok_or_else(|| PayloadRefusal::invalid("typing is {typing: true | false}"))
    }
}

/// An optional identifier field: absent, null, or 1 to 128 plain characters.
fn optional_id(value: Option<&Value>, field: &str) -> Result<Option<String>, PayloadRefusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(id)) if is_plain_id(id) => Ok(Some(id.clone())),
        Some(_) => Err(PayloadRefusal::invalid(format!(
            "{field} must be 1 to {MAX_ID_CHARS} letters, digits, '-', '_', '.' or ':'"
        ))),
    }
}

fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_ID_CHARS
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RefusalCode;
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
            assert_eq!(error.code, RefusalCode::InvalidPayload, "{bad}");
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
                RefusalCode::InvalidPayload,
                "{bad}"
            );
        }
        let long = VisitorMessage::parse(&json!({"text": "x".repeat(11)}), 10).unwrap_err();
        assert_eq!(long.code, RefusalCode::MessageTooLong);
    }
}
