//! `/v1/voice/numbers`: the organisation's Twilio numbers and the voice agent that answers
//! each (the PRD's `POST /twilio`). Connecting one checks the account's credentials with
//! Twilio, finds the number in it and points its calls and statuses at this server; the auth
//! token is stored sealed and never returned. Disconnecting points the number away again.

use super::Voiced;
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::ids::{VoiceAgentId, VoiceNumberId};
use botwot_engine::voice::{NumberSettings, VoiceNumber};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A number to connect.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberInput {
    /// The number in E.164 (`+14155550100`), as it is in the Twilio account.
    pub phone_number: String,
    #[serde(default)]
    pub label: String,
    /// The voice agent that answers it (`/v1/voice-agents`).
    pub agent_id: String,
    /// The Twilio account's SID (`AC…`).
    pub twilio_account_sid: String,
    /// The Twilio account's auth token: stored sealed, never shown again.
    pub twilio_auth_token: String,
}

/// What changes on a connected number.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NumberPatch {
    pub label: Option<String>,
    pub agent_id: Option<String>,
}

/// A connected number, without its auth token.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NumberView {
    pub id: String,
    pub phone_number: String,
    pub label: String,
    pub agent_id: String,
    pub twilio_account_sid: String,
    /// The number's id in the Twilio account (`PN…`).
    pub twilio_number_sid: String,
    #[schema(value_type = String)]
    pub created_at: botwot_engine::Timestamp,
    #[schema(value_type = String)]
    pub updated_at: botwot_engine::Timestamp,
}

impl From<VoiceNumber> for NumberView {
    fn from(number: VoiceNumber) -> Self {
        Self {
            id: number.id.to_string(),
            phone_number: number.phone_number,
            label: number.label,
            agent_id: number.agent_id.to_string(),
            twilio_account_sid: number.twilio.account_sid,
            twilio_number_sid: number.twilio.number_sid,
            created_at: number.created_at,
            updated_at: number.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListNumbersQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{numberId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct NumberPath {
    number_id: String,
}

/// Connects a Twilio number to a voice agent.
#[utoipa::path(post, path = "/v1/voice/numbers", tag = "voice", request_body = NumberInput,
    responses(
        (status = 201, description = "the number, connected", body = NumberView),
        (status = 404, description = "`not_found`: no such voice agent, or the number is not in the Twilio account"),
        (status = 409, description = "`number_taken` or `public_url_missing`"),
        (status = 422, description = "`validation_failed` or `voice_credentials_rejected`"),
        (status = 502, description = "`voice_provider_refused`"),
        (status = 503, description = "`voice_provider_unavailable`"),
    ))]
pub async fn connect_number(
    Voiced(voice): Voiced,
    principal: Principal,
    JsonBody(input): JsonBody<NumberInput>,
) -> Result<(StatusCode, Json<NumberView>), AppError> {
    let settings = NumberSettings {
        phone_number: input.phone_number,
        label: input.label,
        agent_id: VoiceAgentId::from(input.agent_id.as_str()),
    };
    let number = voice
        .calls
        .connect_number(
            principal.tenant(),
            settings,
            &input.twilio_account_sid,
            &input.twilio_auth_token,
        )
        .await?;
    tracing::info!(number = %number.id, "phone number connected");
    Ok((StatusCode::CREATED, Json(number.into())))
}

/// The organisation's numbers, most recently connected first.
#[utoipa::path(get, path = "/v1/voice/numbers", tag = "voice", params(ListNumbersQuery),
    responses((status = 200, description = "a page of numbers", body = Object)))]
pub async fn list_numbers(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListNumbersQuery>,
) -> Result<Json<Page<NumberView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_voice_numbers(principal.tenant(), &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.into_iter().map(NumberView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One number.
#[utoipa::path(get, path = "/v1/voice/numbers/{numberId}", tag = "voice", params(NumberPath),
    responses((status = 200, description = "the number", body = NumberView)))]
pub async fn get_number(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<NumberPath>,
) -> Result<Json<NumberView>, AppError> {
    let number = state
        .store
        .get_voice_number(
            principal.tenant(),
            &VoiceNumberId::from(path.number_id.as_str()),
        )
        .await?
        .ok_or_else(|| AppError::not_found("phone number"))?;
    Ok(Json(number.into()))
}

/// Relabels a number or gives it another voice agent.
#[utoipa::path(patch, path = "/v1/voice/numbers/{numberId}", tag = "voice", params(NumberPath),
    request_body = NumberPatch,
    responses((status = 200, description = "the number", body = NumberView)))]
pub async fn update_number(
    Voiced(voice): Voiced,
    principal: Principal,
    PathParams(path): PathParams<NumberPath>,
    JsonBody(patch): JsonBody<NumberPatch>,
) -> Result<Json<NumberView>, AppError> {
    let number = voice
        .calls
        .update_number(
            principal.tenant(),
            &VoiceNumberId::from(path.number_id.as_str()),
            patch.label,
            patch.agent_id.as_deref().map(VoiceAgentId::from),
        )
        .await?;
    Ok(Json(number.into()))
}

/// Disconnects a number: Twilio stops sending its calls here, and it is forgotten.
#[utoipa::path(delete, path = "/v1/voice/numbers/{numberId}", tag = "voice", params(NumberPath),
    responses((status = 204, description = "disconnected")))]
pub async fn disconnect_number(
    Voiced(voice): Voiced,
    principal: Principal,
    PathParams(path): PathParams<NumberPath>,
) -> Result<StatusCode, AppError> {
    voice
        .calls
        .disconnect_number(
            principal.tenant(),
            &VoiceNumberId::from(path.number_id.as_str()),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
