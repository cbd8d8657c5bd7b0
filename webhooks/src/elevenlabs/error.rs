//! Why an ElevenLabs body is refused: not JSON of ElevenLabs' shape, an id missing, a value
//! outside what ElevenLabs documents, or more than this reader takes. Every variant has a stable
//! `elevenlabs_*` code.

/// Why a webhook body or conversation is refused. Every variant has a stable
/// [`code`](ElevenLabsError::code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElevenLabsError {
    #[error("the body is not JSON of ElevenLabs' shape: {reason}")]
    BodyMalformed { reason: String },
    #[error("the {field} field is missing")]
    FieldMissing { field: &'static str },
    #[error("the {field} field is invalid: {reason}")]
    FieldInvalid { field: &'static str, reason: String },
    #[error("the transcript has more than {limit} turns")]
    TranscriptTooLong { limit: usize },
    #[error("the call's audio is larger than {limit_bytes} bytes")]
    AudioTooLarge { limit_bytes: usize },
}

impl ElevenLabsError {
    pub fn code(&self) -> &'static str {
        match self {
            ElevenLabsError::BodyMalformed { .. } => "elevenlabs_body_malformed",
            ElevenLabsError::FieldMissing { .. } => "elevenlabs_field_missing",
            ElevenLabsError::FieldInvalid { .. } => "elevenlabs_field_invalid",
            ElevenLabsError::TranscriptTooLong { .. } => "elevenlabs_transcript_too_long",
            ElevenLabsError::AudioTooLarge { .. } => "elevenlabs_audio_too_large",
        }
    }

    pub(super) fn malformed(error: serde_json::Error) -> Self {
        ElevenLabsError::BodyMalformed {
            reason: error.to_string(),
        }
    }
}
