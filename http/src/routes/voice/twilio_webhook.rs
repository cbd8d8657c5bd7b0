//! `/webhooks/twilio/voice/{numberId}` and `/webhooks/twilio/status/{numberId}`: what Twilio
//! calls for a connected number (set on the number when it is connected; nothing to paste).
//! `X-Twilio-Signature` is checked with the number's account token over the URL Twilio
//! requested (this server's `http.public_url` and the path and query) and the form, before the
//! form is read. The voice request is answered with TwiML that hands the call to its agent (or
//! a spoken apology when it cannot); status callbacks move the call forward, in whatever order
//! they come.

use super::Voiced;
use crate::errors::{AppError, ErrorCode};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use botwot_actors::{CallAnswer, IncomingCall};
use botwot_adapters::twilio::twiml::{hang_up, say_and_hang_up};
use botwot_engine::ids::{CallId, VoiceNumberId};
use botwot_engine::voice::{StatusUpdate, VoiceNumber};
use botwot_webhooks::twilio::{
    SIGNATURE_HEADER, TwilioCallEvent, parse_call_event, parse_form, verify_request,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The `{numberId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct HookPath {
    number_id: String,
}

/// The query BotWot puts on the hooks of a call it placed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HookQuery {
    /// BotWot's id of the call it placed.
    call: Option<String>,
}

/// What became of a status callback.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusTaken {
    /// `applied`, `unchanged` (a repeat, or a status the call has moved past) or `unknown`.
    pub outcome: &'static str,
}

/// Twilio asks what to do with a call: the TwiML that connects it to the number's agent.
#[utoipa::path(post, path = "/webhooks/twilio/voice/{numberId}", tag = "webhooks",
    params(HookPath, HookQuery),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's voice request, signed with the account's auth token"),
    responses(
        (status = 200, description = "TwiML", content_type = "text/xml", body = String),
        (status = 400, description = "`invalid_payload`"),
        (status = 401, description = "`invalid_signature`"),
        (status = 404, description = "`not_found` (no such number) or `voice_disabled`"),
    ))]
pub async fn voice_request(
    Voiced(voice): Voiced,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<HookPath>,
    Query(query): Query<HookQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let (number, event) = signed_event(&voice, &state, &path, &uri, &headers, &body).await?;
    let incoming = IncomingCall {
        call_sid: event.call_sid,
        from: event.from,
        call: query.call.as_deref().map(CallId::from),
    };
    let twiml = match voice.calls.answer(&number, incoming).await? {
        CallAnswer::Connect(twiml) => twiml,
        CallAnswer::Apology { text, language } => say_and_hang_up(&text, language.as_deref()),
        CallAnswer::HangUp => hang_up(),
    };
    Ok(([(header::CONTENT_TYPE, "text/xml; charset=utf-8")], twiml).into_response())
}

/// Twilio reports how a call stands.
#[utoipa::path(post, path = "/webhooks/twilio/status/{numberId}", tag = "webhooks",
    params(HookPath, HookQuery),
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "Twilio's status callback, signed with the account's auth token"),
    responses(
        (status = 200, description = "taken", body = StatusTaken),
        (status = 400, description = "`invalid_payload`"),
        (status = 401, description = "`invalid_signature`"),
        (status = 404, description = "`not_found` (no such number) or `voice_disabled`"),
    ))]
pub async fn status_callback(
    Voiced(voice): Voiced,
    State(state): State<AppState>,
    axum::extract::Path(path): axum::extract::Path<HookPath>,
    Query(query): Query<HookQuery>,
    OriginalUri(uri): OriginalUri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<StatusTaken>, AppError> {
    let (number, event) = signed_event(&voice, &state, &path, &uri, &headers, &body).await?;
    let update = StatusUpdate {
        status: event.status.into(),
        duration_secs: event.duration_secs,
        at: state.now(),
    };
    let call = query.call.as_deref().map(CallId::from);
    let outcome = voice
        .calls
        .apply_status(&number, call.as_ref(), &event.call_sid, update)
        .await?;
    let outcome = outcome.as_str();
    ::metrics::counter!("botwot_twilio_status_callbacks_total", "outcome" => outcome).increment(1);
    Ok(Json(StatusTaken { outcome }))
}

/// The number the hook names and Twilio's event, once its signature checks out.
async fn signed_event(
    voice: &super::Telephone,
    state: &AppState,
    path: &HookPath,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(VoiceNumber, TwilioCallEvent), AppError> {
    let (number, credentials) = voice
        .calls
        .webhook_number(&VoiceNumberId::from(path.number_id.as_str()))
        .await?;
    let public = state.config.public_url.as_deref().ok_or_else(|| {
        AppError::new(
            ErrorCode::PublicUrlMissing,
            "Twilio's signature covers the public URL it called, and none is configured (http.public_url)",
        )
    })?;
    let path_and_query = uri
        .path_and_query()
        .map_or(uri.path(), |whole| whole.as_str());
    let url = format!("{}{path_and_query}", public.trim_end_matches('/'));
    let params = parse_form(body).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidPayload,
            format!("{error} ({})", error.code()),
        )
    })?;
    let signature = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok());
    verify_request(credentials.auth_token.as_bytes(), signature, &url, &params)
        .map_err(|error| AppError::new(ErrorCode::InvalidSignature, error.to_string()))?;
    let event = parse_call_event(&params).map_err(|error| {
        AppError::new(
            ErrorCode::InvalidPayload,
            format!("{error} ({})", error.code()),
        )
    })?;
    Ok((number, event))
}
