//! `/v1/campaigns`: an organisation's WhatsApp campaigns (PRD §3.7.1). A campaign is created as
//! a draft (`definition.rs`), gets its audience from a CSV contact list (`audience.rs`, read by
//! `contact_list.rs`), and moves through its lifecycle by explicit actions (`lifecycle.rs`);
//! its metrics are counted from its recipients (`metrics.rs`). Every change of a campaign holds
//! its lock (`locks.rs`), so two requests never write over each other's change. Refusals carry
//! the engine's stable codes (`not_a_draft`, `no_audience`, ...).

pub mod audience;
mod contact_list;
pub mod definition;
pub mod lifecycle;
mod locks;
pub mod metrics;
mod views;

pub use contact_list::MAX_CONTACT_LIST_BYTES;
pub use locks::CampaignLocks;

use crate::auth::Principal;
use crate::errors::AppError;
use crate::state::AppState;
use botwot_engine::campaign::Campaign;
use botwot_engine::ids::CampaignId;
use serde::Deserialize;
use utoipa::IntoParams;

/// The `{campaignId}` path segment.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(rename_all = "camelCase", parameter_in = Path)]
pub struct CampaignPath {
    /// The campaign's id.
    campaign_id: String,
}

impl CampaignPath {
    fn id(&self) -> CampaignId {
        CampaignId::from(self.campaign_id.as_str())
    }
}

/// The campaign of the path, in the caller's organisation; `not_found` otherwise.
async fn stored(
    state: &AppState,
    principal: &Principal,
    path: &CampaignPath,
) -> Result<Campaign, AppError> {
    state
        .store
        .get_campaign(principal.tenant(), &path.id())
        .await?
        .ok_or_else(|| AppError::not_found(format_args!("campaign {}", path.campaign_id)))
}
