//! `POST /webhooks/elevenlabs`: the URL to paste into ElevenLabs (Settings → Webhooks, its
//! secret set as `voice.elevenlabs.webhook_secret`; then chosen as the agents' post-call
//! webhook, transcripts and audio). `ElevenLabs-Signature` (a timestamp and an HMAC-SHA256 of
//! it and the body) is checked before the body is read, and a timestamp more than 30 minutes
//! away is refused, so an old delivery cannot be replayed. A transcript finds its call by the
//! `botwot_call_id` variable BotWot gave the conversation; audio is kept as the recording of
//! its conversation. Types BotWot does not act on, and calls it does not know, are answered
//! 200 and left alone.

use super::Voiced;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use botwot_actors::{CALL_ID_VARIABLE, PostCallEvent};
use botwot_adapters::elevenlabs::call_report;
use botwot_engine::ids::CallId;
use botwot_webhooks::elevenlabs::{ElevenLabsEvent, SIGNATURE_HEADER, parse_event, verify_webhook};
use serde::Serialize;
use utoipa::ToSchema;

/// The largest body taken: a long call's audio, Base64 in JSON.
pub const MAX_BODY_BYTES: usize = 72 * 1024 * 1024;

/// What became of the webhook.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostCallTaken {
    /// `applied`, `unchanged`, `unknown` (no call of BotWot's) or `ignored` (a type not acted on).
    pub outcome: &'static str,
}

/// Post-call reports from the conversational AI.
#[utoipa::path(post, path = "/webhooks/elevenlabs", tag = "webhooks",
    request_body(content = String, description = "an ElevenLabs post-call webhook, signed with the webhook secret"),
    responses(
        (status = 200, description = "taken", body = PostCallTaken),
        (status = 400, description = "`invalid_payload`"),
        (status = 401, description = "`invalid_signature`: missing, wrong, or more than 30 minutes old"),
        (status = 404, description = "`voice_disabled`"),
    ))]
pub async fn receive(
    Voiced(voice): Voiced,
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PostCallTaken>, AppError> {
    let header = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    let now_secs = u64::try_from(state.now().millis() / 1_000).unwrap_or_default();
    verify_webhook(voice.webhook_secret.as_bytes(), header, &body, now_secs).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidSignature,
            format!("{error} ({})", error.code()),
        )
    })?;
    let event = parse_event(&body).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidPayload,
            format!("{error} ({})", error.code()),
        )
    })?;
    let event = match event {
        ElevenLabsEvent::PostCallTranscription(conversation) => PostCallEvent::Report {
            call: conversation
                .dynamic_variables
                .get(CALL_ID_VARIABLE)
                .map(|id| CallId::from(id.as_str())),
            conversation_id: conversation.conversation_id.clone(),
            report: call_report(conversation),
        },
        ElevenLabsEvent::PostCallAudio {
            conversation_id,
            audio,
            ..
        } => PostCallEvent::Audio {
            conversation_id,
            audio,
        },
        ElevenLabsEvent::CallInitiationFailure { .. } | ElevenLabsEvent::Other { .. } => {
            return Ok(Json(taken("ignored")));
        }
    };
    let outcome = voice.calls.apply_post_call(event).await?;
    Ok(Json(taken(outcome.as_str())))
}

fn taken(outcome: &'static str) -> PostCallTaken {
    ::metrics::counter!("botwot_elevenlabs_webhooks_total", "outcome" => outcome).increment(1);
    PostCallTaken { outcome }
}
