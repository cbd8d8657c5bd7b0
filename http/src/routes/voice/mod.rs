//! Phone calls with voice agents (PRD §3.5): `/v1/voice/numbers` connects an organisation's
//! Twilio numbers to its voice agents (the PRD's `POST /twilio`), `/v1/voice/calls` places
//! calls (`POST /twilio/outbound-call`) and lists and reads them with their transcripts and
//! analysis (the PRD's voice dashboard, `POST /conversations/get`), `/v1/voice/stats` sums them
//! up, and `/v1/voice-agents/voices` lists the voices agents speak with; `/webhooks/twilio/...` takes Twilio's voice requests and status callbacks and
//! `/webhooks/elevenlabs` the conversational AI's post-call reports. The work is done by the
//! node's [`VoiceCalls`]; a server without a conversational AI configured answers 404
//! `voice_disabled`.

pub mod calls;
mod errors;
pub mod numbers;
pub mod post_call_webhook;
pub mod stats;
pub mod twilio_webhook;
pub mod voices;

use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use botwot_actors::VoiceCalls;
use std::sync::Arc;
use voices::VoiceCatalogue;

/// A node's phone calls and the secret the conversational AI signs its webhooks with.
#[derive(Clone)]
pub struct Telephone {
    pub calls: VoiceCalls,
    pub webhook_secret: String,
    /// The voices agents can speak with (`GET /v1/voice-agents/voices`).
    pub voices: Arc<VoiceCatalogue>,
}

/// The node's phone calls; 404 `voice_disabled` when none are configured.
pub struct Voiced(pub Telephone);

impl FromRequestParts<AppState> for Voiced {
    type Rejection = AppError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        state.voice.clone().map(Voiced).ok_or_else(|| {
            AppError::new(
                ErrorCode::VoiceDisabled,
                "phone calls are off on this server: set [voice.elevenlabs] api_key and webhook_secret",
            )
        })
    }
}
