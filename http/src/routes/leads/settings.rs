//! `/v1/leads/settings`: the organisation's qualification rules, follow-up schedule and default
//! country code. Saving them plans every lead's next follow-up again.

use super::LeadBook;
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::JsonBody;
use axum::Json;
use botwot_engine::leads::{FollowUpProgram, LeadSettings, QualificationRules};
use serde::Deserialize;
use utoipa::ToSchema;

/// The whole of an organisation's lead settings; a part left out takes its default.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LeadSettingsInput {
    /// `{qualifyingScopes, budgetRequired, startWithinDays}`; default: full home or kitchen and
    /// bedroom, the budget suits them, a start within 90 days.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub qualification: QualificationRules,
    /// `{enabled, channelAccount, language, steps: [{afterHours, template}], stopWhenAnswered}`.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub follow_ups: FollowUpProgram,
    /// Digits put before a phone written without its country code (`91`).
    pub default_country_code: Option<String>,
}

/// The organisation's lead settings (the defaults until it saves some).
#[utoipa::path(get, path = "/v1/leads/settings", tag = "leads",
    responses((status = 200, description = "the settings", body = Object)))]
pub async fn get_settings(
    LeadBook(book): LeadBook,
    principal: Principal,
) -> Result<Json<LeadSettings>, AppError> {
    Ok(Json(book.settings(principal.tenant()).await?))
}

/// Replaces the organisation's lead settings.
#[utoipa::path(put, path = "/v1/leads/settings", tag = "leads", request_body = LeadSettingsInput,
    responses(
        (status = 200, description = "the settings", body = Object),
        (status = 422, description = "`validation_failed`"),
    ))]
pub async fn put_settings(
    LeadBook(book): LeadBook,
    principal: Principal,
    JsonBody(input): JsonBody<LeadSettingsInput>,
) -> Result<Json<LeadSettings>, AppError> {
    let settings = LeadSettings {
        qualification: input.qualification,
        follow_ups: input.follow_ups,
        default_country_code: input.default_country_code,
        ..LeadSettings::defaults(principal.tenant().clone())
    };
    let saved = book.save_settings(settings).await?;
    tracing::info!(follow_ups = saved.follow_ups.enabled, "lead settings saved");
    Ok(Json(saved))
}
