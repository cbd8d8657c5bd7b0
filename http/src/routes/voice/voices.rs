//! `GET /v1/voice-agents/voices` (PRD §3.1.2): the voices an agent can speak with, from the
//! conversational AI. The list changes rarely, so it is kept for [`FRESH_FOR`] (the PRD keeps
//! it a day in Redis; an hour here, per node) and read again after; a failed read answers the
//! provider's error and keeps nothing.

use super::Voiced;
use crate::auth::Principal;
use crate::errors::AppError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_adapters::elevenlabs::{ElevenLabsClient, VoiceOption};
use botwot_engine::Timestamp;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// How long a read list is served before it is read again.
pub const FRESH_FOR: Duration = Duration::from_secs(3_600);

/// The provider's voices and the last list read, shared by a node's requests.
pub struct VoiceCatalogue {
    client: Arc<ElevenLabsClient>,
    last: Mutex<Option<(Timestamp, Arc<Vec<VoiceOption>>)>>,
}

impl VoiceCatalogue {
    pub fn new(client: Arc<ElevenLabsClient>) -> Self {
        Self {
            client,
            last: Mutex::new(None),
        }
    }

    /// The voices as of `now`: the kept list while fresh, else a new read.
    pub async fn voices(&self, now: Timestamp) -> Result<Arc<Vec<VoiceOption>>, AppError> {
        let mut last = self.last.lock().await;
        if let Some((read_at, voices)) = last.as_ref()
            && now.since(*read_at) < FRESH_FOR
        {
            return Ok(voices.clone());
        }
        let voices = Arc::new(
            self.client
                .list_voices()
                .await
                .map_err(botwot_actors::VoiceError::from)?,
        );
        *last = Some((now, voices.clone()));
        Ok(voices)
    }
}

/// The voices agents can speak with.
#[utoipa::path(get, path = "/v1/voice-agents/voices", tag = "voice agents",
    responses(
        (status = 200, description = "the voices (`voiceId`, `name`, `category`, `previewUrl`, `labels`)", body = Object),
        (status = 404, description = "`voice_disabled`"),
        (status = 503, description = "`voice_provider_unavailable`"),
    ))]
pub async fn list_voices(
    Voiced(voice): Voiced,
    State(state): State<AppState>,
    _principal: Principal,
) -> Result<Json<Vec<VoiceOption>>, AppError> {
    let voices = voice.voices.voices(state.now()).await?;
    Ok(Json(voices.as_ref().clone()))
}
