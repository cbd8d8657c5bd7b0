//! Creating, reading, editing and deleting campaigns. A campaign is created as a draft; only a
//! draft's definition may change (`not_a_draft` afterwards). The number it sends from must be a
//! WhatsApp number connected to the organisation. Only a draft, or a campaign that completed or
//! was cancelled, may be deleted with its audience (`campaign_active` otherwise: cancel first).

use super::views::CampaignView;
use super::{CampaignPath, stored};
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams, QueryParams};
use crate::routes::paging::{LISTING, Page};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use botwot_engine::Channel;
use botwot_engine::campaign::{Campaign, CampaignStatus, CampaignWorkflow, NewCampaign};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// A campaign's definition. Unknown fields are refused.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CampaignInput {
    /// 1 to 120 characters.
    pub name: String,
    /// The phone number id of a WhatsApp number connected to the organisation.
    pub channel_account: String,
    /// The approved template every recipient gets first.
    pub opening_template_id: String,
    /// The templates' language, such as `en_US`.
    pub language: String,
    /// `{ maxFollowUps: 1..20, steps: [{ name, on: sent|delivered|read|failed, waitMs,
    /// templateId, terminal }] }`, at most one step per status.
    #[schema(value_type = Object)]
    pub workflow: CampaignWorkflow,
}

impl From<CampaignInput> for NewCampaign {
    fn from(input: CampaignInput) -> Self {
        Self {
            name: input.name,
            channel_account: input.channel_account,
            opening_template_id: input.opening_template_id,
            language: input.language,
            workflow: input.workflow,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[into_params(rename_all = "camelCase", parameter_in = Query)]
pub struct ListCampaignsQuery {
    /// Only campaigns in this status: `draft`, `scheduled`, `running`, `paused`, `completed`
    /// or `cancelled`.
    #[param(value_type = Option<String>)]
    status: Option<CampaignStatus>,
    /// Page size, 1 to 200 (default 50).
    limit: Option<usize>,
    /// `nextCursor` of the previous page.
    cursor: Option<String>,
}

/// Creates a campaign as a draft, with no audience yet.
#[utoipa::path(
    post, path = "/v1/campaigns", tag = "campaigns", request_body = CampaignInput,
    responses(
        (status = 201, description = "the draft", body = CampaignView),
        (status = 422, description = "`validation_failed`: every field at fault, by path"),
    ),
)]
pub async fn create_campaign(
    State(state): State<AppState>,
    principal: Principal,
    JsonBody(input): JsonBody<CampaignInput>,
) -> Result<(StatusCode, Json<CampaignView>), AppError> {
    let input = NewCampaign::from(input);
    check_definition(&state, &principal, &input).await?;
    let campaign = Campaign::create(principal.tenant().clone(), input, state.now())?;
    state.store.insert_campaign(&campaign).await?;
    tracing::info!(campaign_id = %campaign.id, "campaign created");
    Ok((StatusCode::CREATED, Json(CampaignView::from(&campaign))))
}

/// The organisation's campaigns, newest first.
#[utoipa::path(
    get, path = "/v1/campaigns", tag = "campaigns", params(ListCampaignsQuery),
    responses((status = 200, description = "a page of campaigns", body = Vec<CampaignView>)),
)]
pub async fn list_campaigns(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListCampaignsQuery>,
) -> Result<Json<Page<CampaignView>>, AppError> {
    let page = LISTING.page(query.limit, query.cursor)?;
    let listed = state
        .store
        .list_campaigns(principal.tenant(), query.status, &page)
        .await?;
    Ok(Json(Page {
        items: listed.items.iter().map(CampaignView::from).collect(),
        next_cursor: listed.next_cursor,
    }))
}

/// One campaign.
#[utoipa::path(
    get, path = "/v1/campaigns/{campaignId}", tag = "campaigns", params(CampaignPath),
    responses((status = 200, description = "the campaign", body = CampaignView)),
)]
pub async fn get_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignView>, AppError> {
    let campaign = stored(&state, &principal, &path).await?;
    Ok(Json(CampaignView::from(&campaign)))
}

/// Replaces a draft's definition; its audience stays.
#[utoipa::path(
    put, path = "/v1/campaigns/{campaignId}", tag = "campaigns", params(CampaignPath),
    request_body = CampaignInput,
    responses(
        (status = 200, description = "the edited draft", body = CampaignView),
        (status = 409, description = "`not_a_draft` or `already_finished`: the definition is frozen"),
        (status = 422, description = "`validation_failed`: every field at fault, by path"),
    ),
)]
pub async fn replace_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
    JsonBody(input): JsonBody<CampaignInput>,
) -> Result<Json<CampaignView>, AppError> {
    let input = NewCampaign::from(input);
    let _lock = state.campaign_locks.hold(&path.id()).await?;
    let mut campaign = stored(&state, &principal, &path).await?;
    check_definition(&state, &principal, &input).await?;
    campaign.edit(input, state.now())?;
    state.store.update_campaign(&campaign).await?;
    Ok(Json(CampaignView::from(&campaign)))
}

/// Deletes a draft, or a campaign that completed or was cancelled, with its audience.
#[utoipa::path(
    delete, path = "/v1/campaigns/{campaignId}", tag = "campaigns", params(CampaignPath),
    responses(
        (status = 204, description = "deleted"),
        (status = 409, description = "`campaign_active`: it is scheduled, running or paused"),
    ),
)]
pub async fn delete_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<StatusCode, AppError> {
    let _lock = state.campaign_locks.hold(&path.id()).await?;
    let campaign = stored(&state, &principal, &path).await?;
    if !matches!(campaign.status, CampaignStatus::Draft) && !campaign.is_finished() {
        return Err(AppError::new(
            ErrorCode::CampaignActive,
            format!(
                "the campaign is {}: cancel it before deleting it",
                campaign.status
            ),
        ));
    }
    let recipients = state
        .store
        .delete_campaign(principal.tenant(), &campaign.id)
        .await?;
    tracing::info!(campaign_id = %campaign.id, recipients, "campaign deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// Every field of `input` that breaks a limit, and whether the number it sends from is a
/// WhatsApp number of the caller's organisation, reported together.
async fn check_definition(
    state: &AppState,
    principal: &Principal,
    input: &NewCampaign,
) -> Result<(), AppError> {
    let mut errors = input.validate().err().unwrap_or_default();
    let shaped_like_a_number = !errors.0.iter().any(|e| e.field == "channelAccount");
    if shaped_like_a_number && !sends_from_own_number(state, principal, input).await? {
        errors.add(
            "channelAccount",
            "must be the phone number id of a WhatsApp number connected to your organisation",
        );
    }
    ValidationErrors::into_result(errors, ()).map_err(AppError::from)
}

async fn sends_from_own_number(
    state: &AppState,
    principal: &Principal,
    input: &NewCampaign,
) -> Result<bool, AppError> {
    let integration = state
        .store
        .find_integration(Channel::WhatsApp, &input.channel_account)
        .await?;
    Ok(integration.is_some_and(|found| &found.tenant_id == principal.tenant()))
}
