//! A conversation the fake ElevenLabs holds, set up by the test, and how ElevenLabs writes it:
//! in full (`GET /v1/convai/conversations/{id}`, and a transcription webhook's `data`) and as a
//! listing's summary. The analysis is written once the conversation is `done`.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// One conversation of an agent on a Twilio call. Build it with [`FakeConversation::phone_call`]
/// and change what the test needs.
#[derive(Clone, Debug)]
pub struct FakeConversation {
    pub conversation_id: String,
    pub agent_id: String,
    /// `initiated`, `in-progress`, `processing`, `done` or `failed`.
    pub status: String,
    pub start_time_unix_secs: i64,
    pub call_duration_secs: u32,
    /// Twilio's `CallSid`; `None` for a conversation that was not a phone call.
    pub call_sid: Option<String>,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub agent_number: String,
    pub external_number: String,
    /// `(role, message, time_in_call_secs)`, role `agent` or `user`.
    pub transcript: Vec<(String, String, u32)>,
    pub summary: String,
    /// `success`, `failure` or `unknown`.
    pub call_successful: String,
    pub termination_reason: String,
    /// `(criterion id, result, rationale)`.
    pub evaluation: Vec<(String, String, String)>,
    /// `(item id, value, rationale)`.
    pub data_collection: Vec<(String, Value, String)>,
    pub dynamic_variables: BTreeMap<String, String>,
}

impl FakeConversation {
    /// A finished, successful phone call of `agent_id` on Twilio call `call_sid`, started at
    /// `start_time_unix_secs`, with a short transcript.
    pub fn phone_call(
        conversation_id: &str,
        agent_id: &str,
        call_sid: &str,
        start_time_unix_secs: i64,
    ) -> Self {
        let turn = |role: &str, message: &str, at: u32| (role.to_owned(), message.to_owned(), at);
        Self {
            conversation_id: conversation_id.to_owned(),
            agent_id: agent_id.to_owned(),
            status: "done".to_owned(),
            start_time_unix_secs,
            call_duration_secs: 48,
            call_sid: Some(call_sid.to_owned()),
            direction: "outbound".to_owned(),
            agent_number: "+14155550100".to_owned(),
            external_number: "+919812345678".to_owned(),
            transcript: vec![
                turn("agent", "Hi, this is Priya from Green Leaf Clinic.", 0),
                turn("user", "Hello, yes, I wanted to move my appointment.", 4),
                turn("agent", "Of course. Thursday at ten works?", 9),
                turn("user", "Thursday is perfect.", 15),
            ],
            summary: "The caller moved their appointment to Thursday at 10:00.".to_owned(),
            call_successful: "success".to_owned(),
            termination_reason: "Call ended by remote party".to_owned(),
            evaluation: vec![(
                "rescheduled".to_owned(),
                "success".to_owned(),
                "A new slot was agreed.".to_owned(),
            )],
            data_collection: vec![(
                "new_day".to_owned(),
                json!("Thursday"),
                "The caller chose Thursday.".to_owned(),
            )],
            dynamic_variables: BTreeMap::new(),
        }
    }

    /// The conversation in full, as its detail endpoint returns it.
    pub fn detail(&self) -> Value {
        let transcript: Vec<Value> = self
            .transcript
            .iter()
            .map(|(role, message, at)| {
                json!({
                    "role": role, "message": message, "tool_calls": [], "tool_results": [],
                    "feedback": null, "time_in_call_secs": at, "conversation_turn_metrics": null,
                    "interrupted": false, "original_message": null, "source_medium": "audio",
                })
            })
            .collect();
        let phone_call = self.call_sid.as_ref().map(|call_sid| {
            json!({
                "type": "twilio", "direction": self.direction,
                "phone_number_id": "phnum_fake_twilio",
                "agent_number": self.agent_number, "external_number": self.external_number,
                "stream_sid": format!("MZ{}", &call_sid.get(2..).unwrap_or_default()),
                "call_sid": call_sid,
            })
        });
        let mut dynamic_variables: Map<String, Value> = self
            .dynamic_variables
            .iter()
            .map(|(name, value)| (name.clone(), json!(value)))
            .collect();
        dynamic_variables.insert("system__agent_id".into(), json!(self.agent_id));
        dynamic_variables.insert(
            "system__conversation_id".into(),
            json!(self.conversation_id),
        );
        json!({
            "agent_id": self.agent_id,
            "conversation_id": self.conversation_id,
            "status": self.status,
            "user_id": null,
            "transcript": transcript,
            "metadata": {
                "start_time_unix_secs": self.start_time_unix_secs,
                "accepted_time_unix_secs": self.start_time_unix_secs,
                "call_duration_secs": self.call_duration_secs,
                "cost": 412,
                "termination_reason": self.termination_reason,
                "main_language": "en",
                "phone_call": phone_call,
                "error": null,
            },
            "analysis": self.is_done().then(|| self.analysis()),
            "conversation_initiation_client_data": {
                "conversation_config_override": null,
                "custom_llm_extra_body": {},
                "dynamic_variables": dynamic_variables,
            },
            "has_audio": true,
            "has_user_audio": true,
            "has_response_audio": true,
        })
    }

    /// The conversation as the listing shows it.
    pub fn summary(&self) -> Value {
        json!({
            "agent_id": self.agent_id,
            "agent_name": "Fake agent",
            "conversation_id": self.conversation_id,
            "start_time_unix_secs": self.start_time_unix_secs,
            "call_duration_secs": self.call_duration_secs,
            "message_count": self.transcript.len(),
            "status": self.status,
            "call_successful": if self.is_done() { self.call_successful.as_str() } else { "unknown" },
            "transcript_summary": self.is_done().then(|| self.summary.clone()),
            "direction": self.call_sid.as_ref().map(|_| self.direction.clone()),
        })
    }

    fn is_done(&self) -> bool {
        self.status == "done"
    }

    fn analysis(&self) -> Value {
        let evaluation: Map<String, Value> = self
            .evaluation
            .iter()
            .map(|(id, result, rationale)| {
                let result = json!({"criteria_id": id, "result": result, "rationale": rationale});
                (id.clone(), result)
            })
            .collect();
        let collected: Map<String, Value> = self
            .data_collection
            .iter()
            .map(|(id, value, rationale)| {
                let item = json!({"data_collection_id": id, "value": value,
                    "json_schema": null, "rationale": rationale});
                (id.clone(), item)
            })
            .collect();
        json!({
            "evaluation_criteria_results": evaluation,
            "data_collection_results": collected,
            "call_successful": self.call_successful,
            "transcript_summary": self.summary,
            "call_summary_title": "Appointment moved",
        })
    }
}
