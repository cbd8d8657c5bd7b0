//! `/webhooks/twilio/voice/{numberId}` and `/webhooks/twilio/status/{numberId}`: what Twilio
//! calls for a connected number (set on the number when it is connected; nothing to paste).
//! `X-Twilio-Signature` is checked with the number's account token over the URL Twilio
//! requested (this server's `http.public_url` and the path and query) and the form, before the
//! form is read. The voice request is answered with TwiML that hands the call to its agent (or
//! a spoken apology when it cannot); status callbacks move the call forward, in whatever order
//! they come.

use super::{Telephone, Voiced};
use crate::errors::{AppError, ErrorCode};
use crate::extract::{PathParams, QueryParams};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, OriginalUri, Request, State};
use axum::http::header;
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
pub async fn voice_request(hook: SignedHook) -> Result<Response, AppError> {
    let SignedHook {
        voice,
        number,
        event,
        call,
    } = hook;
    let incoming = IncomingCall {
        call_sid: event.call_sid,
        from: event.from,
        call,
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
    State(state): State<AppState>,
    hook: SignedHook,
) -> Result<Json<StatusTaken>, AppError> {
    let SignedHook {
        voice,
        number,
        event,
        call,
    } = hook;
    let update = StatusUpdate {
        status: event.status.into(),
        duration_secs: event.duration_secs,
        at: state.now(),
    };
    let outcome = voice
        .calls
        .apply_status(&number, call.as_ref(), &event.call_sid, update)
        .await?;
    let outcome = outcome.as_str();
    ::metrics::counter!("botwot_twilio_status_callbacks_total", "outcome" => outcome).increment(1);
    Ok(Json(StatusTaken { outcome }))
}

/// A Twilio request to a number's hook whose signature checked out: the node's calls, the
/// number, Twilio's event, and BotWot's id of a call it placed (the hook's `call` query).
pub struct SignedHook {
    voice: Telephone,
    number: VoiceNumber,
    event: TwilioCallEvent,
    call: Option<CallId>,
}

impl FromRequest<AppState> for SignedHook {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        let (mut parts, body) = request.into_parts();
        let Voiced(voice) = Voiced::from_request_parts(&mut parts, state).await?;
        let PathParams(path) =
            PathParams::<HookPath>::from_request_parts(&mut parts, state).await?;
        let QueryParams(query) =
            QueryParams::<HookQuery>::from_request_parts(&mut parts, state).await?;
        // Twilio signed the URL it called: this server's public address, the path and query.
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or_else(|| parts.uri.clone(), |original| original.0.clone());
        let signature = parts
            .headers
            .get(SIGNATURE_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let body = Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|rejection| {
                AppError::new(ErrorCode::PayloadTooLarge, rejection.body_text())
            })?;
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
        let unreadable = |code: &str, error: String| {
            AppError::new(ErrorCode::InvalidPayload, format!("{error} ({code})"))
        };
        let params =
            parse_form(&body).map_err(|error| unreadable(error.code(), error.to_string()))?;
        verify_request(
            credentials.auth_token.as_bytes(),
            signature.as_deref(),
            &url,
            &params,
        )
        .map_err(|error| AppError::new(ErrorCode::InvalidSignature, error.to_string()))?;
        let event = parse_call_event(&params)
            .map_err(|error| unreadable(error.code(), error.to_string()))?;
        Ok(Self {
            voice,
            number,
            event,
            call: query.call.as_deref().map(CallId::from),
        })
    }
}
