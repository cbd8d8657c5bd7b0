//! One change of a campaign at a time. A change reads the campaign, moves it through the
//! engine's lifecycle and writes it back; two changes at once would each write over the other
//! (a pause lost under a launch, an audience counted twice). Every change therefore holds the
//! campaign's named lock `campaign:<id>` (see [`NamedLocks`]: in this process and, in a
//! cluster, across the nodes), the same lock the campaign runner takes to start or complete
//! it. A lock another node keeps is answered `campaign_busy` with `Retry-After`.

use crate::errors::{AppError, ErrorCode};
use botwot_actors::{LockError, NamedGuard, NamedLocks, campaign_lock_name};
use botwot_engine::ids::CampaignId;

/// The campaign locks of a node.
#[derive(Clone, Default)]
pub struct CampaignLocks(pub NamedLocks);

impl CampaignLocks {
    /// Waits for the campaign's lock.
    pub async fn hold(&self, campaign: &CampaignId) -> Result<NamedGuard<'_>, AppError> {
        self.0
            .hold(&campaign_lock_name(campaign))
            .await
            .map_err(|error| match error {
                LockError::Busy(_) => {
                    let mut busy = AppError::new(
                        ErrorCode::CampaignBusy,
                        format!(
                            "campaign {campaign} is being changed by another request; try again"
                        ),
                    );
                    busy.retry_after_secs = Some(1);
                    busy
                }
                LockError::Unavailable(error) => {
                    AppError::new(ErrorCode::StorageUnavailable, error.to_string())
                }
            })
    }
}
