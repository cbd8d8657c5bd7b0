//! `/v1/knowledge-bases`: an organisation's knowledge bases (PRD §3.2.1), and attaching them to
//! bots. Deleting a base deletes its documents' records, their files and its index.

use crate::auth::{Principal, plan_limits};
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::knowledge::KnowledgeBaseView;
use crate::routes::bots::LiveBot;
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::BotProfile;
use botwot_engine::access::LimitedResource;
use botwot_engine::ids::KnowledgeBaseId;
use botwot_engine::knowledge::KnowledgeBase;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A base's name and description. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KnowledgeBaseInput {
    /// 1 to 120 characters.
    pub name: String,
    /// Up to 2,000 characters.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListBasesQuery {
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// The `{knowledgeBaseId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct BasePath {
    /// The knowledge base's id.
    pub knowledge_base_id: String,
}

/// Creates a knowledge base.
#[utoipa::path(
    post, path = "/v1/knowledge-bases", tag = "knowledge", request_body = KnowledgeBaseInput,
    responses(
        (status = 201, description = "the new base", body = KnowledgeBaseView),
        (status = 403, description = "`plan_limit_reached`: the plan allows no more bases"),
    ),
)]
pub async fn create_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(input): JsonBody<KnowledgeBaseInput>,
) -> Result<(StatusCode, Json<KnowledgeBaseView>), AppError> {
    let tenant = principal.tenant().clone();
    let base = KnowledgeBase::create(tenant.clone(), input.name, input.description, state.now());
    base.validate()?;
    if let Some(needed) = plan_limits::count_needed(&principal, LimitedResource::KnowledgeBases) {
        let in_use = state.store.count_knowledge_bases(&tenant, needed).await?;
        plan_limits::allow_one_more(&principal, LimitedResource::KnowledgeBases, in_use)?;
    }
    state.store.insert_knowledge_base(&base).await?;
    tracing::info!(knowledge_base_id = %base.id, "knowledge base created");
    Ok((StatusCode::CREATED, Json(KnowledgeBaseView::from(&base))))
}

/// The organisation's knowledge bases, newest first.
#[utoipa::path(
    get, path = "/v1/knowledge-bases", tag = "knowledge", params(ListBasesQuery),
    responses((status = 200, description = "a page of bases", body = Vec<KnowledgeBaseView>)),
)]
pub async fn list_knowledge_bases(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListBasesQuery>,
) -> Result<Json<Page<KnowledgeBaseView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_knowledge_bases(principal.tenant(), &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.iter().map(KnowledgeBaseView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One knowledge base.
#[utoipa::path(
    get, path = "/v1/knowledge-bases/{knowledgeBaseId}", tag = "knowledge", params(BasePath),
    responses((status = 200, description = "the base", body = KnowledgeBaseView)),
)]
pub async fn get_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<BasePath>,
) -> Result<Json<KnowledgeBaseView>, AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    Ok(Json(KnowledgeBaseView::from(&base)))
}

/// Renames a knowledge base or changes its description.
#[utoipa::path(
    put, path = "/v1/knowledge-bases/{knowledgeBaseId}", tag = "knowledge", params(BasePath),
    request_body = KnowledgeBaseInput,
    responses((status = 200, description = "the base", body = KnowledgeBaseView)),
)]
pub async fn replace_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<BasePath>,
    JsonBody(input): JsonBody<KnowledgeBaseInput>,
) -> Result<Json<KnowledgeBaseView>, AppError> {
    let mut base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    base.name = input.name;
    base.description = input.description;
    base.updated_at = state.now();
    base.validate()?;
    state.store.update_knowledge_base(&base).await?;
    Ok(Json(KnowledgeBaseView::from(&base)))
}

/// Deletes a knowledge base with its documents, their files and its index, and detaches it
/// from every bot.
#[utoipa::path(
    delete, path = "/v1/knowledge-bases/{knowledgeBaseId}", tag = "knowledge", params(BasePath),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<BasePath>,
) -> Result<StatusCode, AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    let tenant = principal.tenant();
    let documents = state.store.delete_knowledge_base(tenant, &base.id).await?;
    state.knowledge.index.drop_base(tenant, &base.id).await?;
    detach_everywhere(&state, &principal, &base.id).await?;
    tracing::info!(knowledge_base_id = %base.id, documents, "knowledge base deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The `{botId}/knowledge-bases/{knowledgeBaseId}` path.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct BotBasePath {
    /// The bot's id.
    pub bot_id: String,
    /// The knowledge base's id.
    pub knowledge_base_id: String,
}

/// Attaches a knowledge base to a bot: the bot answers from it from now on.
#[utoipa::path(
    put, path = "/v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}", tag = "knowledge",
    params(BotBasePath),
    responses((status = 200, description = "the bot", body = crate::openapi::schemas::BotProfileSchema)),
)]
pub async fn attach_knowledge_base(
    State(state): State<AppState>,
    principal: Principal,
    LiveBot(mut bot): LiveBot,
    PathParams(path): PathParams<BotBasePath>,
) -> Result<Json<BotProfile>, AppError> {
    let base = stored_base(&state, &principal, &path.knowledge_base_id).await?;
    let id = base.id.to_string();
    if !bot.settings.knowledge_base_ids.contains(&id) {
        bot.settings.knowledge_base_ids.push(id);
        bot.updated_at = state.now();
        state.store.update_bot(&bot).await?;
    }
    Ok(Json(bot))
}

/// Detaches a knowledge base from a bot (the base itself stays).
#[utoipa::path(
    delete, path = "/v1/bots/{botId}/knowledge-bases/{knowledgeBaseId}", tag = "knowledge",
    params(BotBasePath),
    responses((status = 200, description = "the bot", body = crate::openapi::schemas::BotProfileSchema)),
)]
pub async fn detach_knowledge_base(
    State(state): State<AppState>,
    LiveBot(mut bot): LiveBot,
    PathParams(path): PathParams<BotBasePath>,
) -> Result<Json<BotProfile>, AppError> {
    let before = bot.settings.knowledge_base_ids.len();
    bot.settings
        .knowledge_base_ids
        .retain(|id| *id != path.knowledge_base_id);
    if bot.settings.knowledge_base_ids.len() == before {
        return Err(AppError::not_found(format_args!(
            "knowledge base {} on bot {}",
            path.knowledge_base_id, bot.id
        )));
    }
    bot.updated_at = state.now();
    state.store.update_bot(&bot).await?;
    Ok(Json(bot))
}

/// The knowledge base of that id in the caller's organisation; `not_found` otherwise.
pub(crate) async fn stored_base(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<KnowledgeBase, AppError> {
    state
        .store
        .get_knowledge_base(principal.tenant(), &KnowledgeBaseId::from(id))
        .await?
        .ok_or_else(|| AppError::not_found(format_args!("knowledge base {id}")))
}

/// Removes a deleted base from every bot of the organisation that had it attached.
async fn detach_everywhere(
    state: &AppState,
    principal: &Principal,
    base: &KnowledgeBaseId,
) -> Result<(), AppError> {
    let mut page = botwot_engine::ports::PageRequest {
        limit: 200,
        cursor: None,
    };
    loop {
        let listed = state
            .store
            .list_bots(principal.tenant(), true, &page)
            .await?;
        for mut bot in listed.items {
            let before = bot.settings.knowledge_base_ids.len();
            bot.settings
                .knowledge_base_ids
                .retain(|id| id != base.as_str());
            if bot.settings.knowledge_base_ids.len() != before {
                bot.updated_at = state.now();
                state.store.update_bot(&bot).await?;
            }
        }
        match listed.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(()),
        }
    }
}
