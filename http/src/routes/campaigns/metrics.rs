//! A campaign's metrics (the PRD's `marketing/whatsapp/dashboard`): messages sent, delivered,
//! read and failed, and recipients by outcome, counted from every recipient's progress when
//! asked (`botwot_actors::campaign_tally`).

use super::views::CampaignMetricsView;
use super::{CampaignPath, stored};
use crate::auth::Principal;
use crate::errors::AppError;
use crate::extract::PathParams;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use botwot_actors::campaign_tally;

/// The campaign's metrics.
#[utoipa::path(
    get, path = "/v1/campaigns/{campaignId}/metrics", tag = "campaigns", params(CampaignPath),
    responses((status = 200, description = "the campaign's metrics", body = CampaignMetricsView)),
)]
pub async fn campaign_metrics(
    State(state): State<AppState>,
    principal: Principal,
    PathParams(path): PathParams<CampaignPath>,
) -> Result<Json<CampaignMetricsView>, AppError> {
    let campaign = stored(&state, &principal, &path).await?;
    let tally = campaign_tally(state.store.as_ref(), &campaign).await?;
    Ok(Json(CampaignMetricsView {
        campaign_id: campaign.id.to_string(),
        status: campaign.status.as_str().to_owned(),
        audience_size: campaign.audience_size,
        tally,
    }))
}
