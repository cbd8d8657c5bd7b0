//! A conversation's transcript: its turns in order, each said by the agent or the user, read
//! without holding more than [`MAX_TURNS`] of them. Turns with no message text (the agent calling
//! a tool) are left out.

use super::error::ElevenLabsError;
use super::json::{Object, whole};
use crate::untrusted::shown;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, SeqAccess, Visitor};
use serde_json::Value;
use std::fmt;

pub use botwot_engine::voice::{MAX_TURNS, Speaker, TranscriptTurn};

/// A transcript as it arrived: up to [`MAX_TURNS`] turns, and whether there were more (those
/// are skipped unread).
#[derive(Default)]
pub(super) struct RawTranscript {
    turns: Vec<Object<RawTurn>>,
    too_long: bool,
}

#[derive(Deserialize)]
struct RawTurn {
    role: Option<Value>,
    message: Option<Value>,
    time_in_call_secs: Option<Value>,
}

impl<'de> Deserialize<'de> for RawTranscript {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TurnsVisitor;

        impl<'de> Visitor<'de> for TurnsVisitor {
            type Value = RawTranscript;

            fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
                formatter.write_str("an array of transcript turns")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawTranscript, A::Error> {
                let mut transcript = RawTranscript::default();
                while transcript.turns.len() < MAX_TURNS {
                    match seq.next_element()? {
                        Some(turn) => transcript.turns.push(turn),
                        None => return Ok(transcript),
                    }
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    transcript.too_long = true;
                }
                Ok(transcript)
            }
        }

        deserializer.deserialize_seq(TurnsVisitor)
    }
}

/// The turns said aloud, in order.
pub(super) fn read_transcript(raw: RawTranscript) -> Result<Vec<TranscriptTurn>, ElevenLabsError> {
    if raw.too_long {
        return Err(ElevenLabsError::TranscriptTooLong { limit: MAX_TURNS });
    }
    let mut turns = Vec::with_capacity(raw.turns.len());
    for Object(turn) in raw.turns {
        let message = match turn.message {
            Some(Value::String(message)) if !message.is_empty() => message,
            _ => continue,
        };
        let role = match turn.role.as_ref().and_then(Value::as_str) {
            Some("agent") => Speaker::Agent,
            Some("user") => Speaker::User,
            other => {
                return Err(ElevenLabsError::FieldInvalid {
                    field: "transcript[].role",
                    reason: match other {
                        Some(role) => format!("{:?} is neither agent nor user", shown(role)),
                        None => "missing or not a string".into(),
                    },
                });
            }
        };
        turns.push(TranscriptTurn {
            role,
            message,
            time_in_call_secs: whole(turn.time_in_call_secs.as_ref()),
        });
    }
    Ok(turns)
}
