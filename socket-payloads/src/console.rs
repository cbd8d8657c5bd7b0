//! What an agent's console sends: `presence` and `typing`.

use crate::PayloadRefusal;
use botwot_engine::SessionId;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An agent's `typing` event: which conversation, and whether they are typing.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AgentTyping {
    pub session_id: SessionId,
    pub typing: bool,
}

impl AgentTyping {
    /// Reads `{sessionId, typing}`.
    pub fn parse(payload: Option<&Value>) -> Result<Self, PayloadRefusal> {
        payload
            .and_then(|payload| serde_json::from_value(payload.clone()).ok())
            .ok_or_else(|| {
                PayloadRefusal::invalid("typing is {sessionId: <session id>, typing: true | false}")
            })
    }
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
    pub fn parse(payload: Option<&Value>) -> Result<Self, PayloadRefusal> {
        payload
            .and_then(|payload| payload.get("status"))
            .and_then(Value::as_str)
            .and_then(Self::from_word)
            .ok_or_else(|| {
                PayloadRefusal::invalid("presence is {status: \"online\" | \"away\" | \"offline\"}")
            })
    }
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

    #[test]
    fn typing_names_a_session_and_a_flag() {
        let parse = |value: Value| AgentTyping::parse(Some(&value));
        assert_eq!(
            parse(json!({"sessionId": "ses_1", "typing": true})).ok(),
            Some(AgentTyping {
                session_id: SessionId::from("ses_1"),
                typing: true
            })
        );
        assert!(parse(json!({"sessionId": "ses_1", "typing": "yes"})).is_err());
        assert!(parse(json!({"typing": false})).is_err());
        assert!(parse(json!({"sessionId": "ses_1", "typing": true, "extra": 1})).is_err());
    }
}
