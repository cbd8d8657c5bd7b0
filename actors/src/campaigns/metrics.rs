//! A campaign's metrics, counted from every recipient's stored journey when asked (a page of a
//! thousand at a time), so they never drift from the journeys they describe.

use botwot_engine::campaign::{Campaign, CampaignTally};
use botwot_engine::ports::{CampaignStore, PageRequest, StoreError};

/// Recipients read per page while counting.
const COUNTED_PER_PAGE: usize = 1000;

/// The metrics of `campaign`.
pub async fn campaign_tally(
    store: &dyn CampaignStore,
    campaign: &Campaign,
) -> Result<CampaignTally, StoreError> {
    let mut tally = CampaignTally::default();
    let mut page = PageRequest {
        limit: COUNTED_PER_PAGE,
        cursor: None,
    };
    loop {
        let listed = store
            .list_recipients(&campaign.tenant_id, &campaign.id, &page)
            .await?;
        for recipient in &listed.items {
            tally.add(&recipient.progress);
        }
        match listed.next_cursor {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(tally),
        }
    }
}
