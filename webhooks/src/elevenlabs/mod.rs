//! ElevenLabs, the conversational AI that speaks on phone calls with voice agents (PRD §3.5): its
//! post-call webhook signature, its webhooks (a call's transcript and analysis, its audio, an
//! outbound call that never connected), and its conversations, from webhooks and from its API's
//! answers alike.
//!
//! An HTTP route checks `ElevenLabs-Signature` over the raw body with [`verify_webhook`], then
//! hands the same bytes to [`parse_event`], with no I/O; [`parse_conversation`] reads what
//! `GET /v1/convai/conversations/{conversation_id}` returns, the same object as a transcription
//! webhook's `data`. Nothing here panics on any bytes; a refused body has a stable code
//! ([`ElevenLabsError::code`], [`ElevenLabsSignatureError::code`]).

mod analysis;
mod conversation;
mod error;
mod event;
mod json;
mod signature;
mod transcript;

pub use analysis::{CallSuccess, Collected, Criterion};
pub use conversation::{Conversation, parse_conversation};
pub use error::ElevenLabsError;
pub use event::{ElevenLabsEvent, MAX_AUDIO_BYTES, parse_event};
pub use signature::{
    ElevenLabsSignatureError, SIGNATURE_HEADER, TOLERANCE_SECS, verify_webhook, webhook_signature,
};
pub use transcript::{MAX_TURNS, Speaker, TranscriptTurn};

#[cfg(test)]
mod event_tests;
