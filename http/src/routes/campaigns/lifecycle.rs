//! The campaign's lifecycle actions: launch a draft now, schedule it for later, pause and resume
//! it, cancel it. Each moves the campaign through the engine's transitions under the campaign's
//! lock, or answers with the refusal's code (`no_audience`, `not_running`, ...) and changes
//! nothing.

use super::views::CampaignView;
use super::{CampaignPath, stored};
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::Timestamp;
use botwot_engine::campaign::{Campaign, CampaignRefusal};
use botwot_engine::validation::ValidationErrors;
use serde::Deserialize;
use utoipa::ToSchema;

/// When a scheduled campaign starts.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ScheduleInput {
    /// An RFC 3339 time in the future, such as `2026-12-01T09:00:00Z`.
    pub starts_at: String,
}

/// Starts a draft now.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/launch", tag = "campaigns", params(CampaignPath),
    responses(
        (status = 200, description = "the running campaign", body = CampaignView),
        (status = 409, description = "`not_a_draft`, `already_finished` or `no_audience`"),
    ),
)]
pub async fn launch_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignView>, AppError> {
    transition(&state, &principal, &path, Campaign::launch).await
}

/// Schedules a draft to start at a time in the future.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/schedule", tag = "campaigns", params(CampaignPath),
    request_body = ScheduleInput,
    responses(
        (status = 200, description = "the scheduled campaign", body = CampaignView),
        (status = 409, description = "`not_a_draft`, `already_finished` or `no_audience`"),
        (status = 422, description = "`start_in_the_past`, or `validation_failed` for a time that cannot be read"),
    ),
)]
pub async fn schedule_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
    JsonBody(input): JsonBody<ScheduleInput>,
) -> Result<Json<CampaignView>, AppError> {
    let Some(at) = Timestamp::parse_rfc3339(&input.starts_at) else {
        let mut errors = ValidationErrors::default();
        errors.add(
            "startsAt",
            "must be an RFC 3339 time such as 2026-12-01T09:00:00Z",
        );
        return Err(errors.into());
    };
    transition(&state, &principal, &path, |campaign, now| {
        campaign.schedule(at, now)
    })
    .await
}

/// Holds a running campaign: nothing more is sent until it is resumed.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/pause", tag = "campaigns", params(CampaignPath),
    responses(
        (status = 200, description = "the paused campaign", body = CampaignView),
        (status = 409, description = "`not_running` or `already_finished`"),
    ),
)]
pub async fn pause_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignView>, AppError> {
    transition(&state, &principal, &path, Campaign::pause).await
}

/// Lets a paused campaign run again.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/resume", tag = "campaigns", params(CampaignPath),
    responses(
        (status = 200, description = "the running campaign", body = CampaignView),
        (status = 409, description = "`not_paused` or `already_finished`"),
    ),
)]
pub async fn resume_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignView>, AppError> {
    transition(&state, &principal, &path, Campaign::resume).await
}

/// Stops a campaign for good.
#[utoipa::path(
    post, path = "/v1/campaigns/{campaignId}/cancel", tag = "campaigns", params(CampaignPath),
    responses(
        (status = 200, description = "the cancelled campaign", body = CampaignView),
        (status = 409, description = "`already_finished`"),
    ),
)]
pub async fn cancel_campaign(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignView>, AppError> {
    transition(&state, &principal, &path, Campaign::cancel).await
}

/// Applies `change` to the stored campaign under its lock and stores the result.
async fn transition(
    state: &AppState,
    principal: &Principal,
    path: &CampaignPath,
    change: impl FnOnce(&mut Campaign, Timestamp) -> Result<(), CampaignRefusal>,
) -> Result<Json<CampaignView>, AppError> {
    let _lock = state.campaign_locks.hold(&path.id()).await?;
    let mut campaign = stored(state, principal, path).await?;
    let before = campaign.status;
    change(&mut campaign, state.now())?;
    state.store.update_campaign(&campaign).await?;
    if let Some(runner) = &state.campaigns {
        runner.wake(&campaign.id);
    }
    tracing::info!(campaign_id = %campaign.id, from = %before, to = %campaign.status, "campaign moved");
    Ok(Json(CampaignView::from(&campaign)))
}
