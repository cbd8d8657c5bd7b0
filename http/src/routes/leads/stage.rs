//! `/v1/leads/{leadId}/status` and `/automation`: where a lead stands and whether it is followed
//! up automatically.

use super::{LeadBook, LeadPath, LeadView, view};
use crate::auth::Principal;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams};
use axum::Json;
use botwot_engine::leads::LeadStage;
use serde::Deserialize;
use utoipa::ToSchema;

/// A lead's new stage (the PRD's `PUT /integration/decorpot/leads/:leadId/status`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct StageInput {
    /// `Unreal`, `Real` or `Hold`.
    pub stage: String,
    /// Why the lead is no longer pursued; stops its follow-ups. Leave it out to pursue it.
    pub rejection_reason: Option<String>,
}

/// Whether a lead's follow-ups go automatically.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AutomationInput {
    pub enabled: bool,
}

/// Moves a lead to a stage. Only `Unreal` leads without a rejection reason are followed up.
#[utoipa::path(put, path = "/v1/leads/{leadId}/status", tag = "leads", params(LeadPath),
    request_body = StageInput,
    responses(
        (status = 200, description = "the lead", body = LeadView),
        (status = 422, description = "`validation_failed`: an unknown stage"),
    ))]
pub async fn set_stage(
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
    JsonBody(input): JsonBody<StageInput>,
) -> Result<Json<LeadView>, AppError> {
    let stage = LeadStage::parse(&input.stage).ok_or_else(|| {
        AppError::new(
            ErrorCode::ValidationFailed,
            format!("stage {:?} is not Unreal, Real or Hold", input.stage),
        )
    })?;
    let lead = book
        .set_stage(
            principal.tenant(),
            &path.id(),
            stage,
            input.rejection_reason,
            &principal.actor().id,
        )
        .await?;
    Ok(Json(view(&book, &principal, lead).await?))
}

/// Turns a lead's automated follow-ups on (the schedule goes on from now where it stopped) or
/// off.
#[utoipa::path(put, path = "/v1/leads/{leadId}/automation", tag = "leads", params(LeadPath),
    request_body = AutomationInput,
    responses((status = 200, description = "the lead", body = LeadView)))]
pub async fn set_automation(
    LeadBook(book): LeadBook,
    principal: Principal,
    PathParams(path): PathParams<LeadPath>,
    JsonBody(input): JsonBody<AutomationInput>,
) -> Result<Json<LeadView>, AppError> {
    let lead = book
        .set_automation(
            principal.tenant(),
            &path.id(),
            input.enabled,
            &principal.actor().id,
        )
        .await?;
    Ok(Json(view(&book, &principal, lead).await?))
}
