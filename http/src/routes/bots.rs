//! `/v1/bots`: create, read, replace, patch, list and soft-delete the bots of a tenant.

use crate::auth::{Principal, Tenant, plan_limits};
use crate::errors::AppError;
use crate::extract::{JsonBody, QueryParams, tenant_and_path};
use crate::openapi::schemas::{BotPageSchema, BotProfileSchema, BotSettingsSchema};
use crate::routes::paging::{LISTING, Page};
use crate::routes::settings_patch;
use crate::state::AppState;
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use botwot_engine::access::LimitedResource;
use botwot_engine::bot::BotSettings;
use botwot_engine::ports::PageRequest;
use botwot_engine::{BotId, BotProfile};
use serde::Deserialize;
use serde_json::{Map, Value};
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListBotsQuery {
    /// At most this many bots (1 to 200, default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
    /// Also list soft-deleted bots.
    #[serde(default)]
    include_deleted: bool,
}

/// Creates a bot; it gets an id and a widget key.
#[utoipa::path(
    post, path = "/v1/bots", tag = "bots",
    request_body = BotSettingsSchema,
    responses((status = 201, description = "the new bot", body = BotProfileSchema)),
)]
pub async fn create_bot(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(settings): JsonBody<BotSettings>,
) -> Result<impl IntoResponse, AppError> {
    settings.validate()?;
    let tenant = principal.tenant().clone();
    if let Some(needed) = plan_limits::count_needed(&principal, LimitedResource::Bots) {
        let page = PageRequest {
            limit: needed,
            cursor: None,
        };
        let live = state.store.list_bots(&tenant, false, &page).await?;
        plan_limits::allow_one_more(&principal, LimitedResource::Bots, live.items.len())?;
    }
    let bot = BotProfile::create(tenant, settings, state.now());
    state.store.insert_bot(&bot).await?;
    tracing::info!(bot_id = %bot.id, tenant_id = %bot.tenant_id, "bot created");
    let location = format!("/v1/bots/{}", bot.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(bot),
    ))
}

/// Lists the tenant's bots, newest first.
#[utoipa::path(
    get, path = "/v1/bots", tag = "bots",
    params(ListBotsQuery),
    responses((status = 200, description = "a page of bots", body = BotPageSchema)),
)]
pub async fn list_bots(
    State(state): State<AppState>,
    Tenant(tenant): Tenant,
    QueryParams(query): QueryParams<ListBotsQuery>,
) -> Result<Json<Page<BotProfile>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let bots = state
        .store
        .list_bots(&tenant, query.include_deleted, &page)
        .await?;
    Ok(Json(bots.into()))
}

/// The `{botId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct BotPath {
    /// The bot's id.
    pub bot_id: String,
}

/// The bot named by `{botId}`, of the caller's tenant and not deleted; `not_found` otherwise.
pub struct LiveBot(pub BotProfile);

impl FromRequestParts<AppState> for LiveBot {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let (tenant, BotPath { bot_id }) = tenant_and_path(parts, state).await?;
        state
            .store
            .get_bot(&tenant, &BotId::from(bot_id.as_str()))
            .await?
            .filter(|bot| bot.deleted_at.is_none())
            .map(LiveBot)
            .ok_or_else(|| AppError::not_found(format_args!("bot {bot_id}")))
    }
}

/// One bot (not a deleted one).
#[utoipa::path(
    get, path = "/v1/bots/{botId}", tag = "bots", params(BotPath),
    responses((status = 200, description = "the bot", body = BotProfileSchema)),
)]
pub async fn get_bot(LiveBot(bot): LiveBot) -> Json<BotProfile> {
    Json(bot)
}

/// Replaces a bot's settings with the body; fields left out take their defaults.
#[utoipa::path(
    put, path = "/v1/bots/{botId}", tag = "bots", params(BotPath),
    request_body = BotSettingsSchema,
    responses((status = 200, description = "the updated bot", body = BotProfileSchema)),
)]
pub async fn replace_bot(
    State(state): State<AppState>,
    LiveBot(bot): LiveBot,
    JsonBody(settings): JsonBody<BotSettings>,
) -> Result<Json<BotProfile>, AppError> {
    save_settings(&state, bot, settings).await
}

/// Changes only the settings the body names (a JSON merge of top-level fields).
#[utoipa::path(
    patch, path = "/v1/bots/{botId}", tag = "bots", params(BotPath),
    request_body(content = Object, description = "any subset of the bot settings"),
    responses((status = 200, description = "the updated bot", body = BotProfileSchema)),
)]
pub async fn patch_bot(
    State(state): State<AppState>,
    LiveBot(bot): LiveBot,
    JsonBody(changes): JsonBody<Map<String, Value>>,
) -> Result<Json<BotProfile>, AppError> {
    let settings = settings_patch::merged(&bot.settings, changes)?;
    save_settings(&state, bot, settings).await
}

/// Soft-deletes a bot: it leaves listings and stops opening conversations; its sessions stay.
#[utoipa::path(
    delete, path = "/v1/bots/{botId}", tag = "bots", params(BotPath),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete_bot(
    State(state): State<AppState>,
    LiveBot(mut bot): LiveBot,
) -> Result<StatusCode, AppError> {
    let now = state.now();
    bot.deleted_at = Some(now);
    bot.updated_at = now;
    state.store.update_bot(&bot).await?;
    tracing::info!(bot_id = %bot.id, tenant_id = %bot.tenant_id, "bot deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn save_settings(
    state: &AppState,
    mut bot: BotProfile,
    settings: BotSettings,
) -> Result<Json<BotProfile>, AppError> {
    settings.validate()?;
    bot.settings = settings;
    bot.updated_at = state.now();
    state.store.update_bot(&bot).await?;
    tracing::info!(bot_id = %bot.id, tenant_id = %bot.tenant_id, "bot updated");
    Ok(Json(bot))
}
