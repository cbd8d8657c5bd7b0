//! A conversation as ElevenLabs reports it: the `data` of a `post_call_transcription` webhook,
//! or the answer of its API's `GET /v1/convai/conversations/{conversation_id}` (the same shape).
//! The ids are required; everything else may be missing, and fields this reader does not know
//! are ignored, as ElevenLabs adds them over time.

use super::analysis::{CallSuccess, Collected, Criterion, read_analysis};
use super::error::ElevenLabsError;
use super::json::{object, required, some_text, text, whole};
use super::transcript::{RawTranscript, TranscriptTurn, read_transcript};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One finished (or running) conversation of an agent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conversation {
    pub agent_id: String,
    pub conversation_id: String,
    /// `initiated`, `in-progress`, `processing`, `done` or `failed`; empty when not given.
    pub status: String,
    /// What was said aloud, in order (turns that only called tools are left out).
    pub transcript: Vec<TranscriptTurn>,
    pub start_time_unix_secs: Option<u64>,
    pub call_duration_secs: Option<u32>,
    /// `metadata.phone_call.call_sid`: the telephony provider's id of a phone call (Twilio's
    /// `CallSid`).
    pub call_sid: Option<String>,
    /// Why the call ended, in ElevenLabs' words.
    pub termination_reason: Option<String>,
    /// The analysis's verdict on the whole call.
    pub call_successful: Option<CallSuccess>,
    /// `analysis.transcript_summary`.
    pub summary: Option<String>,
    /// The agent's evaluation criteria, by id.
    pub evaluation: Vec<Criterion>,
    /// What the agent was asked to collect, by id.
    pub data_collection: Vec<Collected>,
    /// `conversation_initiation_client_data.dynamic_variables`, values as text (ElevenLabs
    /// adds its own, named `system__*`).
    pub dynamic_variables: BTreeMap<String, String>,
}

/// A conversation's JSON, with the parts read here.
#[derive(Deserialize)]
pub(super) struct RawConversation {
    agent_id: Option<Value>,
    conversation_id: Option<Value>,
    status: Option<Value>,
    transcript: Option<RawTranscript>,
    metadata: Option<Value>,
    analysis: Option<Value>,
    conversation_initiation_client_data: Option<Value>,
}

/// Reads a conversation as ElevenLabs' API returns it.
pub fn parse_conversation(body: &[u8]) -> Result<Conversation, ElevenLabsError> {
    read_conversation(object(body)?)
}

pub(super) fn read_conversation(raw: RawConversation) -> Result<Conversation, ElevenLabsError> {
    let agent_id = required(raw.agent_id.as_ref(), "agent_id")?;
    let conversation_id = required(raw.conversation_id.as_ref(), "conversation_id")?;
    let transcript = read_transcript(raw.transcript.unwrap_or_default())?;
    let metadata = raw.metadata.as_ref();
    let in_metadata = |field: &str| metadata.and_then(|metadata| metadata.get(field));
    let analysis = read_analysis(raw.analysis.as_ref())?;
    let dynamic_variables = raw
        .conversation_initiation_client_data
        .as_ref()
        .and_then(|data| data.get("dynamic_variables"))
        .and_then(Value::as_object)
        .map(|variables| {
            variables
                .iter()
                .map(|(name, value)| (name.clone(), text(Some(value))))
                .collect()
        })
        .unwrap_or_default();
    Ok(Conversation {
        agent_id,
        conversation_id,
        status: some_text(raw.status.as_ref()).unwrap_or_default(),
        transcript,
        start_time_unix_secs: whole(in_metadata("start_time_unix_secs")),
        call_duration_secs: whole(in_metadata("call_duration_secs")),
        call_sid: some_text(in_metadata("phone_call").and_then(|call| call.get("call_sid"))),
        termination_reason: some_text(in_metadata("termination_reason")),
        call_successful: analysis.call_successful,
        summary: analysis.summary,
        evaluation: analysis.evaluation,
        data_collection: analysis.data_collection,
        dynamic_variables,
    })
}
