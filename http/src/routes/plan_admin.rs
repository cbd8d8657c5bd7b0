//! `PUT /v1/admin/organisations/{organisationId}/plan`: an operator moves an organisation to
//! another plan tier (until payments change plans themselves). A platform operation behind the
//! operators' token ([`crate::auth::operator`]), not in the access map. The change is the one
//! `botwot set-plan` makes ([`change_plan`]); signed-in users see the new limits on their next
//! request (`GET /v1/me`).

use crate::auth::views::OrganisationView;
use crate::errors::{AppError, ErrorCode};
use crate::extract::{JsonBody, PathParams};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_engine::access::{AuditActor, PlanChange, PlanChangeError, PlanTier, change_plan};
use botwot_engine::ids::TenantId;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The `{organisationId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct OrganisationPath {
    /// The organisation's id (`org_...`).
    pub organisation_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanInput {
    /// BASE, PRO or ENTERPRISE.
    #[schema(value_type = String, example = "PRO")]
    pub tier: PlanTier,
}

/// Moves the organisation to `tier`; the audit log of the organisation records it.
#[utoipa::path(
    put, path = "/v1/admin/organisations/{organisationId}/plan", tag = "operators",
    params(OrganisationPath), request_body = PlanInput,
    responses(
        (status = 200, description = "the organisation with the limits now in force", body = OrganisationView),
        (status = 404, description = "`not_found`: no such organisation"),
    ),
)]
pub async fn set_plan(
    State(state): State<AppState>,
    PathParams(path): PathParams<OrganisationPath>,
    JsonBody(input): JsonBody<PlanInput>,
) -> Result<Json<OrganisationView>, AppError> {
    let change = PlanChange {
        organisation: TenantId::from(path.organisation_id.as_str()),
        tier: input.tier,
        by: AuditActor {
            kind: "operator".into(),
            id: "admin-token".into(),
            label: "operator (administration route)".into(),
        },
        at: state.now(),
    };
    let changed = change_plan(state.store.as_ref(), change)
        .await
        .map_err(|error| match error {
            PlanChangeError::UnknownOrganisation(id) => {
                AppError::new(ErrorCode::NotFound, format!("no organisation {id}"))
            }
            PlanChangeError::Store(error) => error.into(),
        })?;
    tracing::info!(tenant_id = %changed.id, tier = changed.subscription_tier.as_str(), "plan changed by an operator");
    Ok(Json(OrganisationView::from(&changed)))
}
