//! The HTTP side of the fake ElevenLabs: the API key checked, then call registrations, the
//! conversation listing and details, and the voices, refused as ElevenLabs refuses them.

use super::State;
use super::fake_api::{Answer, RecordedRequest, json_answer};
use serde_json::{Value, json};

/// ElevenLabs' default and largest page of conversations.
const DEFAULT_PAGE_SIZE: usize = 30;
const MAX_PAGE_SIZE: usize = 100;

impl State {
    pub(super) fn answer(&mut self, request: &RecordedRequest) -> Answer {
        if request.header("xi-api-key") != Some(self.api_key.as_str()) {
            return refusal(401, "invalid_api_key", "Invalid API key");
        }
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("POST", ["v1", "convai", "twilio", "register-call"]) => self.register(request),
            ("GET", ["v1", "convai", "conversations"]) => self.list(request),
            ("GET", ["v1", "convai", "conversations", id]) => match self.conversations.get(*id) {
                Some(conversation) => json_answer(200, &conversation.detail()),
                None => refusal(
                    404,
                    "conversation_not_found",
                    &format!("Conversation {id} not found"),
                ),
            },
            ("GET", ["v1", "voices"]) => json_answer(200, &json!({"voices": self.voices})),
            _ => json_answer(404, &json!({"detail": "Not Found"})),
        }
    }

    fn register(&mut self, request: &RecordedRequest) -> Answer {
        let body = request.json();
        let missing: Vec<Value> = ["agent_id", "from_number", "to_number"]
            .into_iter()
            .filter(|field| !body.get(*field).is_some_and(Value::is_string))
            .map(
                |field| json!({"loc": ["body", field], "msg": "Field required", "type": "missing"}),
            )
            .collect();
        if !missing.is_empty() {
            return json_answer(422, &json!({ "detail": missing }));
        }
        self.registrations.push(body);
        let twiml = format!(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<Response><Connect><Stream url="wss://fake-elevenlabs.test/v1/convai/conversation/twilio?registration={}"/></Connect></Response>"#
            ),
            self.registrations.len()
        );
        (200, twiml, "text/xml")
    }

    fn list(&self, request: &RecordedRequest) -> Answer {
        let number = |name: &str| -> Result<Option<i64>, Answer> {
            match request.query_value(name) {
                None => Ok(None),
                Some(text) => text.parse().map(Some).map_err(|_| {
                    let problem = json!({"loc": ["query", name],
                        "msg": "Input should be a valid integer", "type": "int_parsing"});
                    json_answer(422, &json!({ "detail": [problem] }))
                }),
            }
        };
        let read = (|| {
            let after = number("call_start_after_unix")?;
            let before = number("call_start_before_unix")?;
            let size = number("page_size")?;
            let offset = number("cursor")?;
            Ok((after, before, size, offset))
        })();
        let (after, before, size, offset) = match read {
            Ok(read) => read,
            Err(answer) => return answer,
        };
        let size = size.map_or(DEFAULT_PAGE_SIZE, |size| {
            usize::try_from(size).unwrap_or(usize::MAX)
        });
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return refusal(
                422,
                "invalid_page_size",
                "page_size must be between 1 and 100",
            );
        }
        let agent = request.query_value("agent_id");
        let mut listed: Vec<_> = self
            .conversations
            .values()
            .filter(|conversation| agent.is_none_or(|agent| conversation.agent_id == agent))
            .filter(|conversation| {
                after.is_none_or(|after| conversation.start_time_unix_secs >= after)
            })
            .filter(|conversation| {
                before.is_none_or(|before| conversation.start_time_unix_secs <= before)
            })
            .collect();
        listed.sort_by(|a, b| {
            (b.start_time_unix_secs, &b.conversation_id)
                .cmp(&(a.start_time_unix_secs, &a.conversation_id))
        });
        let offset = offset.map_or(0, |offset| usize::try_from(offset).unwrap_or(usize::MAX));
        let page: Vec<Value> = listed
            .iter()
            .skip(offset)
            .take(size)
            .map(|conversation| conversation.summary())
            .collect();
        let next = offset.saturating_add(size);
        let has_more = next < listed.len();
        json_answer(
            200,
            &json!({
                "conversations": page,
                "has_more": has_more,
                "next_cursor": has_more.then(|| next.to_string()),
            }),
        )
    }
}

/// ElevenLabs' refusal: `{"detail": {"status", "message"}}`.
fn refusal(status: u16, code: &str, message: &str) -> Answer {
    json_answer(
        status,
        &json!({"detail": {"status": code, "message": message}}),
    )
}
