//! A post-call webhook body read into what the voice feature acts on.
//!
//! The body is `{"type": ..., "event_timestamp": <unix seconds>, "data": {...}}`. Three types
//! are read: `post_call_transcription` (the whole [`Conversation`]), `post_call_audio` (the
//! call's MP3, Base64 in `full_audio`, up to [`MAX_AUDIO_BYTES`]) and `call_initiation_failure`
//! (an outbound call that never connected: busy, not answered, or another failure, with the
//! telephony provider's report in `metadata`). Any other type is [`ElevenLabsEvent::Other`]:
//! acknowledged, never refused, as ElevenLabs adds types over time.

use super::conversation::{Conversation, RawConversation, read_conversation};
use super::error::ElevenLabsError;
use super::json::{Object, object, required, some_text};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

/// The largest call audio read: 50 MiB of MP3 (some hours of a call).
pub const MAX_AUDIO_BYTES: usize = 50 * 1024 * 1024;

/// What a post-call webhook reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ElevenLabsEvent {
    /// A call ended and its analysis is done.
    PostCallTranscription(Conversation),
    /// The whole call's audio (MP3), sent apart from the transcript.
    PostCallAudio {
        agent_id: String,
        conversation_id: String,
        audio: Vec<u8>,
    },
    /// An outbound call was never connected.
    CallInitiationFailure {
        agent_id: String,
        conversation_id: String,
        /// `busy`, `no-answer` or `unknown`, as ElevenLabs wrote it.
        failure_reason: String,
        /// Twilio's `CallSid`, when the call went through Twilio (`metadata.type` `twilio`).
        call_sid: Option<String>,
    },
    /// A webhook type not read here, by its `type`.
    Other { kind: String },
}

#[derive(Deserialize)]
struct Kind {
    #[serde(rename = "type")]
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Envelope<T> {
    data: Option<Object<T>>,
}

#[derive(Deserialize)]
struct RawAudio<'a> {
    agent_id: Option<Value>,
    conversation_id: Option<Value>,
    #[serde(borrow)]
    full_audio: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct RawFailure {
    agent_id: Option<Value>,
    conversation_id: Option<Value>,
    failure_reason: Option<Value>,
    metadata: Option<Value>,
}

/// Reads a webhook body (already verified against its signature).
pub fn parse_event(body: &[u8]) -> Result<ElevenLabsEvent, ElevenLabsError> {
    let Kind { kind } = object(body)?;
    let kind = kind.ok_or(ElevenLabsError::FieldMissing { field: "type" })?;
    match kind.as_str() {
        "post_call_transcription" => {
            let conversation = read_conversation(data::<RawConversation>(body)?)?;
            Ok(ElevenLabsEvent::PostCallTranscription(conversation))
        }
        "post_call_audio" => read_audio(data(body)?),
        "call_initiation_failure" => read_failure(data(body)?),
        _ => Ok(ElevenLabsEvent::Other { kind }),
    }
}

/// The body's `data`, read as `T`.
fn data<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ElevenLabsError> {
    let Envelope { data } = object::<Envelope<T>>(body)?;
    data.map(|Object(data)| data)
        .ok_or(ElevenLabsError::FieldMissing { field: "data" })
}

fn read_audio(raw: RawAudio) -> Result<ElevenLabsEvent, ElevenLabsError> {
    let agent_id = required(raw.agent_id.as_ref(), "agent_id")?;
    let conversation_id = required(raw.conversation_id.as_ref(), "conversation_id")?;
    let field = "full_audio";
    let encoded = raw
        .full_audio
        .filter(|encoded| !encoded.is_empty())
        .ok_or(ElevenLabsError::FieldMissing { field })?;
    if decoded_len(&encoded) > MAX_AUDIO_BYTES {
        return Err(ElevenLabsError::AudioTooLarge {
            limit_bytes: MAX_AUDIO_BYTES,
        });
    }
    let audio =
        STANDARD
            .decode(encoded.as_bytes())
            .map_err(|error| ElevenLabsError::FieldInvalid {
                field,
                reason: format!("not Base64: {error}"),
            })?;
    Ok(ElevenLabsEvent::PostCallAudio {
        agent_id,
        conversation_id,
        audio,
    })
}

/// How many bytes padded Base64 of this length decodes to (when it is valid Base64 at all).
fn decoded_len(encoded: &str) -> usize {
    let padding = encoded
        .bytes()
        .rev()
        .take_while(|&byte| byte == b'=')
        .count();
    (encoded.len() / 4 * 3).saturating_sub(padding.min(2))
}

fn read_failure(raw: RawFailure) -> Result<ElevenLabsEvent, ElevenLabsError> {
    let metadata = raw.metadata.as_ref();
    let through_twilio =
        metadata.and_then(|metadata| metadata.get("type")) == Some(&Value::from("twilio"));
    let call_sid = metadata
        .filter(|_| through_twilio)
        .and_then(|metadata| metadata.get("body"))
        .and_then(|body| some_text(body.get("CallSid")));
    Ok(ElevenLabsEvent::CallInitiationFailure {
        agent_id: required(raw.agent_id.as_ref(), "agent_id")?,
        conversation_id: required(raw.conversation_id.as_ref(), "conversation_id")?,
        failure_reason: required(raw.failure_reason.as_ref(), "failure_reason")?,
        call_sid,
    })
}
