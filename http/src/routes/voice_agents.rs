//! `/v1/voice-agents`: an organisation's voice agents (PRD §3.1.2), as configuration: create
//! (within the plan's voice-agent limit), list in name order, read, patch the named fields, and
//! delete. The knowledge bases an agent names must be the organisation's own.

use crate::auth::{Principal, Tenant, plan_limits};
use crate::errors::AppError;
use crate::extract::{JsonBody, QueryParams, tenant_and_path};
use crate::openapi::schemas::{VoiceAgentPageSchema, VoiceAgentSchema, VoiceAgentSettingsSchema};
use crate::routes::paging::{LISTING, Page};
use crate::routes::settings_patch;
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use botwot_engine::TenantId;
use botwot_engine::access::LimitedResource;
use botwot_engine::ids::VoiceAgentId;
use botwot_engine::validation::ValidationErrors;
use botwot_engine::voice_agent::{VoiceAgent, VoiceAgentSettings};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListVoiceAgentsQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{voiceAgentId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct VoiceAgentPath {
    /// The voice agent's id.
    pub voice_agent_id: String,
}

/// The voice agent named by `{voiceAgentId}` in the caller's organisation; `not_found`
/// otherwise.
pub struct StoredVoiceAgent(pub VoiceAgent);

impl FromRequestParts<AppState> for StoredVoiceAgent {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (tenant, VoiceAgentPath { voice_agent_id }) = tenant_and_path(parts, state).await?;
        state
            .store
            .get_voice_agent(&tenant, &VoiceAgentId::from(voice_agent_id.as_str()))
            .await?
            .map(StoredVoiceAgent)
            .ok_or_else(|| AppError::not_found(format_args!("voice agent {voice_agent_id}")))
    }
}

/// Creates a voice agent; only `name` is required.
#[utoipa::path(
    post, path = "/v1/voice-agents", tag = "voice agents",
    request_body = VoiceAgentSettingsSchema,
    responses(
        (status = 201, description = "the new voice agent", body = VoiceAgentSchema),
        (status = 403, description = "`plan_limit_reached`: the plan allows no more voice agents"),
    ),
)]
pub async fn create_voice_agent(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(settings): JsonBody<VoiceAgentSettings>,
) -> Result<impl IntoResponse, AppError> {
    let tenant = principal.tenant().clone();
    check_settings(&state, &tenant, &settings).await?;
    if let Some(needed) = plan_limits::count_needed(&principal, LimitedResource::VoiceAgents) {
        let in_use = state.store.count_voice_agents(&tenant, needed).await?;
        plan_limits::allow_one_more(&principal, LimitedResource::VoiceAgents, in_use)?;
    }
    let agent = VoiceAgent::create(tenant, settings, state.now());
    state.store.insert_voice_agent(&agent).await?;
    tracing::info!(voice_agent_id = %agent.id, tenant_id = %agent.tenant_id, "voice agent created");
    let location = format!("/v1/voice-agents/{}", agent.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(agent),
    ))
}

/// The organisation's voice agents in name order (ignoring case).
#[utoipa::path(
    get, path = "/v1/voice-agents", tag = "voice agents", params(ListVoiceAgentsQuery),
    responses((status = 200, description = "a page of voice agents", body = VoiceAgentPageSchema)),
)]
pub async fn list_voice_agents(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<ListVoiceAgentsQuery>,
) -> Result<Json<Page<VoiceAgent>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let agents = state.store.list_voice_agents(&tenant, &page).await?;
    Ok(Json(agents.into()))
}

/// One voice agent.
#[utoipa::path(
    get, path = "/v1/voice-agents/{voiceAgentId}", tag = "voice agents", params(VoiceAgentPath),
    responses((status = 200, description = "the voice agent", body = VoiceAgentSchema)),
)]
pub async fn get_voice_agent(StoredVoiceAgent(agent): StoredVoiceAgent) -> Json<VoiceAgent> {
    Json(agent)
}

/// Changes only the settings the body names (a JSON merge of top-level fields; a nested
/// object such as `ttsConfig` is replaced whole, its missing fields taking their defaults).
#[utoipa::path(
    patch, path = "/v1/voice-agents/{voiceAgentId}", tag = "voice agents", params(VoiceAgentPath),
    request_body(content = Object, description = "any subset of the voice agent settings"),
    responses((status = 200, description = "the updated voice agent", body = VoiceAgentSchema)),
)]
pub async fn patch_voice_agent(
    State(state): State<AppState>,
    StoredVoiceAgent(mut agent): StoredVoiceAgent,
    JsonBody(changes): JsonBody<Map<String, Value>>,
) -> Result<Json<VoiceAgent>, AppError> {
    let settings = settings_patch::merged(&agent.settings, changes)?;
    check_settings(&state, &agent.tenant_id, &settings).await?;
    agent.settings = settings;
    agent.updated_at = state.now();
    state.store.update_voice_agent(&agent).await?;
    tracing::info!(voice_agent_id = %agent.id, tenant_id = %agent.tenant_id, "voice agent updated");
    Ok(Json(agent))
}

/// Deletes a voice agent; its place under the plan's limit is free again.
#[utoipa::path(
    delete, path = "/v1/voice-agents/{voiceAgentId}", tag = "voice agents", params(VoiceAgentPath),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete_voice_agent(
    State(state): State<AppState>,
    StoredVoiceAgent(agent): StoredVoiceAgent,
) -> Result<StatusCode, AppError> {
    state
        .store
        .delete_voice_agent(&agent.tenant_id, &agent.id)
        .await?;
    tracing::info!(voice_agent_id = %agent.id, tenant_id = %agent.tenant_id, "voice agent deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The settings' own rules, then that every knowledge base they name is the organisation's.
async fn check_settings(
    state: &AppState,
    tenant: &TenantId,
    settings: &VoiceAgentSettings,
) -> Result<(), AppError> {
    settings.validate()?;
    let mut errors = ValidationErrors::default();
    for id in &settings.knowledge_base_ids {
        if state.store.get_knowledge_base(tenant, id).await?.is_none() {
            errors.add(
                "knowledgeBaseIds",
                format!("{id} is not a knowledge base of this organisation"),
            );
        }
    }
    Ok(errors.into_result(())?)
}
