//! `/v1/voice/calls`: placing an outbound call from a connected number (the PRD's
//! `POST /twilio/outbound-call`), and the organisation's calls, inbound and outbound, with
//! their status, transcript and the conversational AI's analysis (the PRD's voice dashboard
//! conversations and `POST /conversations/get`), and a call's recording when its agent records.

use super::Voiced;
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::routes::social_posts::readable_time;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use botwot_engine::ids::{CallId, VoiceAgentId, VoiceNumberId};
use botwot_engine::ports::CallFilter;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::voice::{CallDirection, CallStatus, VoiceCall, recording_key};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

/// An outbound call to place.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CallInput {
    /// The connected number to call from (`/v1/voice/numbers`); its agent talks.
    pub number_id: String,
    /// Who to call, in E.164.
    pub to: String,
    /// What the agent is told about this call, for `{{name}}` in its prompts (at most 20).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListCallsQuery {
    /// `inbound` or `outbound`.
    direction: Option<String>,
    /// A call status: `requested`, `queued`, `ringing`, `in-progress`, `completed`, `busy`,
    /// `no-answer`, `failed` or `canceled`.
    status: Option<String>,
    number_id: Option<String>,
    agent_id: Option<String>,
    /// Calls requested at or after this RFC 3339 time.
    from: Option<String>,
    /// Calls requested before this RFC 3339 time.
    to: Option<String>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{callId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct CallPath {
    call_id: String,
}

/// Places a call from a connected number; the agent talks once the callee answers.
#[utoipa::path(post, path = "/v1/voice/calls", tag = "voice", request_body = CallInput,
    responses(
        (status = 201, description = "the call, queued at Twilio", body = Object),
        (status = 404, description = "`not_found`: no such number (or its agent was deleted)"),
        (status = 409, description = "`voice_agent_not_ready` or `public_url_missing`"),
        (status = 422, description = "`validation_failed`"),
        (status = 502, description = "`voice_provider_refused`: Twilio refused the call (its reason); the call is kept as failed"),
        (status = 503, description = "`voice_provider_unavailable`"),
    ))]
pub async fn place_call(
    Voiced(voice): Voiced,
    principal: Principal,
    JsonBody(input): JsonBody<CallInput>,
) -> Result<(StatusCode, Json<VoiceCall>), AppError> {
    let call = voice
        .calls
        .place_call(
            principal.tenant(),
            &VoiceNumberId::from(input.number_id.as_str()),
            &input.to,
            input.variables,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(call)))
}

/// The organisation's calls, most recently requested first.
#[utoipa::path(get, path = "/v1/voice/calls", tag = "voice", params(ListCallsQuery),
    responses(
        (status = 200, description = "a page of calls", body = Object),
        (status = 422, description = "`validation_failed`: an unknown direction or status, or an unreadable time"),
    ))]
pub async fn list_calls(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListCallsQuery>,
) -> Result<Json<Page<VoiceCall>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor.clone())?;
    let filter = filter_of(&query)?;
    let listed = state
        .store
        .list_calls(principal.tenant(), &filter, &page)
        .await?;
    Ok(Json(listed.into()))
}

/// One call, with its transcript and analysis once the conversational AI reported them.
#[utoipa::path(get, path = "/v1/voice/calls/{callId}", tag = "voice", params(CallPath),
    responses((status = 200, description = "the call", body = Object)))]
pub async fn get_call(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CallPath>,
) -> Result<Json<VoiceCall>, AppError> {
    Ok(Json(stored(&state, &principal, &path).await?))
}

/// The call's recording (MP3), once the conversational AI sent it.
#[utoipa::path(get, path = "/v1/voice/calls/{callId}/recording", tag = "voice", params(CallPath),
    responses(
        (status = 200, description = "the recording", content_type = "audio/mpeg"),
        (status = 404, description = "`not_found`: no such call, or no recording of it"),
    ))]
pub async fn call_recording(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CallPath>,
) -> Result<Response, AppError> {
    let call = stored(&state, &principal, &path).await?;
    let key = call.conversation_id.as_deref().and_then(recording_key);
    let Some(key) = key else {
        return Err(AppError::not_found("recording"));
    };
    let audio = state
        .knowledge
        .blobs
        .get(&key)
        .await?
        .ok_or_else(|| AppError::not_found("recording"))?;
    Ok(([(header::CONTENT_TYPE, "audio/mpeg")], audio).into_response())
}

async fn stored(
    state: &AppState,
    principal: &Principal,
    path: &CallPath,
) -> Result<VoiceCall, AppError> {
    state
        .store
        .get_call(principal.tenant(), &CallId::from(path.call_id.as_str()))
        .await?
        .ok_or_else(|| AppError::not_found("call"))
}

fn filter_of(query: &ListCallsQuery) -> Result<CallFilter, AppError> {
    let mut errors = ValidationErrors::default();
    let direction = query.direction.as_deref().and_then(|text| {
        let parsed = CallDirection::parse(text);
        if parsed.is_none() {
            errors.add("direction", "must be inbound or outbound");
        }
        parsed
    });
    let status = query.status.as_deref().and_then(|text| {
        let parsed = CallStatus::parse(text);
        if parsed.is_none() {
            errors.add(
                "status",
                "must be a call status such as completed or no-answer",
            );
        }
        parsed
    });
    errors.into_result(())?;
    Ok(CallFilter {
        direction,
        status,
        number_id: query.number_id.as_deref().map(VoiceNumberId::from),
        agent_id: query.agent_id.as_deref().map(VoiceAgentId::from),
        since: query
            .from
            .as_deref()
            .map(|text| readable_time("from", text))
            .transpose()?,
        until: query
            .to
            .as_deref()
            .map(|text| readable_time("to", text))
            .transpose()?,
    })
}
