//! Handing a Twilio call to an ElevenLabs agent (`POST /v1/convai/twilio/register-call`): the
//! JSON that names the agent, both numbers, the direction and what the agent is told about the
//! call (its dynamic variables, and overrides of its first message, language and prompt, each
//! sent only when set), and the TwiML that ElevenLabs answers, which Twilio is then given.

use botwot_engine::ports::CallRegistration;
use serde_json::{Map, Value, json};

/// The body that registers `call`.
pub(crate) fn registration_body(call: &CallRegistration) -> Value {
    let mut client_data = Map::new();
    client_data.insert("dynamic_variables".into(), json!(call.variables));
    let mut agent = Map::new();
    if let Some(first_message) = &call.first_message {
        agent.insert("first_message".into(), json!(first_message));
    }
    if let Some(language) = &call.language {
        agent.insert("language".into(), json!(language));
    }
    if let Some(prompt) = &call.prompt {
        agent.insert("prompt".into(), json!({ "prompt": prompt }));
    }
    if !agent.is_empty() {
        client_data.insert(
            "conversation_config_override".into(),
            json!({ "agent": agent }),
        );
    }
    json!({
        "agent_id": call.external_agent_id,
        "from_number": call.from,
        "to_number": call.to,
        "direction": call.direction.as_str(),
        "conversation_initiation_client_data": client_data,
    })
}

/// The TwiML in a registration's answer: the body as it is, or the string it holds when
/// ElevenLabs sent it JSON-encoded; `None` when it is not TwiML (an XML document with a
/// `<Response>`).
pub(crate) fn answered_twiml(body: &[u8]) -> Option<String> {
    let text = match serde_json::from_slice::<String>(body) {
        Ok(text) => text,
        Err(_) => String::from_utf8(body.to_vec()).ok()?,
    };
    let trimmed = text.trim();
    (trimmed.starts_with('<') && trimmed.contains("<Response")).then(|| trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use botwot_engine::voice::CallDirection;
    use std::collections::BTreeMap;

    fn call() -> CallRegistration {
        CallRegistration {
            external_agent_id: "agent_01".into(),
            from: "+14155550100".into(),
            to: "+14155550111".into(),
            direction: CallDirection::Outbound,
            variables: BTreeMap::from([
                ("botwot_call_id".to_owned(), "call_1".to_owned()),
                ("name".to_owned(), "Asha".to_owned()),
            ]),
            first_message: None,
            prompt: None,
            language: None,
        }
    }

    #[test]
    fn overrides_are_sent_only_when_set() {
        assert_eq!(
            registration_body(&call()),
            json!({
                "agent_id": "agent_01", "from_number": "+14155550100",
                "to_number": "+14155550111", "direction": "outbound",
                "conversation_initiation_client_data": {
                    "dynamic_variables": {"botwot_call_id": "call_1", "name": "Asha"}
                }
            })
        );
        let with_language = CallRegistration {
            language: Some("hi".into()),
            ..call()
        };
        assert_eq!(
            registration_body(&with_language)["conversation_initiation_client_data"]["conversation_config_override"],
            json!({"agent": {"language": "hi"}})
        );
        let everything = CallRegistration {
            direction: CallDirection::Inbound,
            first_message: Some("Hello {{name}}".into()),
            prompt: Some("You book tables.".into()),
            language: Some("en".into()),
            ..call()
        };
        let body = registration_body(&everything);
        assert_eq!(body["direction"], "inbound");
        assert_eq!(
            body["conversation_initiation_client_data"]["conversation_config_override"],
            json!({"agent": {"first_message": "Hello {{name}}", "language": "en",
                             "prompt": {"prompt": "You book tables."}}})
        );
    }

    #[test]
    fn only_twiml_is_taken_as_the_answer() {
        let twiml = r#"<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="wss://x"/></Connect></Response>"#;
        assert_eq!(
            answered_twiml(format!("\n{twiml}\n").as_bytes()).as_deref(),
            Some(twiml)
        );
        let quoted = serde_json::to_vec(twiml).expect("json");
        assert_eq!(answered_twiml(&quoted).as_deref(), Some(twiml));
        assert_eq!(answered_twiml(br#"{"status": "ok"}"#), None);
        assert_eq!(answered_twiml(b"<html>hello</html>"), None);
        assert_eq!(answered_twiml(b""), None);
    }
}
