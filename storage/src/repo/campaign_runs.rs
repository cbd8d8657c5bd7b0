//! What a campaign's runner reads and writes: every tenant's campaigns in a status, the
//! recipients due (by the `DUE` field their journey sets), whether any is unfinished, a
//! recipient's journey saved with the message the channel just took, and that message found
//! again by the id the channel gave it.

use super::schema::{
    CAMPAIGN_MESSAGES, CAMPAIGN_RECIPIENTS, CAMPAIGNS, CAMPAIGNS_IN_STATUS, RECIPIENTS_BY_DUE,
    RECIPIENTS_BY_FINISHED,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, WriteBatch};
use async_trait::async_trait;
use botwot_engine::Timestamp;
use botwot_engine::campaign::{Campaign, CampaignMessageRef, CampaignRecipient, CampaignStatus};
use botwot_engine::ids::{CampaignId, TenantId};
use botwot_engine::ports::{CampaignRunStore, StoreError};
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> CampaignRunStore for Store<B> {
    async fn campaigns_in_status(
        &self,
        status: CampaignStatus,
        limit: usize,
    ) -> Result<Vec<Campaign>, StoreError> {
        let mut query = IndexQuery::new(
            &CAMPAIGNS,
            &CAMPAIGNS_IN_STATUS,
            vec![FieldValue::from(status.as_str())],
        );
        query.limit = limit;
        Ok(self.find(query).await?)
    }

    async fn get_recipient(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        phone: &str,
    ) -> Result<Option<CampaignRecipient>, StoreError> {
        let key = CampaignRecipient::key_of(campaign, phone);
        Ok(self.get_record(&CAMPAIGN_RECIPIENTS, tenant, &key).await?)
    }

    async fn due_recipients(
        &self,
        campaign: &Campaign,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        let mut query = due_of(campaign);
        query.upper = Bound::Included(records::millis(until));
        query.limit = limit;
        let found: Vec<CampaignRecipient> = self.find(query).await?;
        // The index is global by campaign id; the tenant is checked on what it finds.
        Ok(found
            .into_iter()
            .filter(|recipient| recipient.tenant_id == campaign.tenant_id)
            .collect())
    }

    async fn next_recipient_due(
        &self,
        campaign: &Campaign,
    ) -> Result<Option<Timestamp>, StoreError> {
        let mut query = due_of(campaign);
        query.limit = 1;
        let found: Vec<CampaignRecipient> = self.find(query).await?;
        Ok(found.first().and_then(CampaignRecipient::due))
    }

    async fn has_unfinished_recipients(&self, campaign: &Campaign) -> Result<bool, StoreError> {
        let mut query = IndexQuery::new(
            &CAMPAIGN_RECIPIENTS,
            &RECIPIENTS_BY_FINISHED,
            vec![
                FieldValue::from(campaign.id.as_str()),
                FieldValue::Bool(false),
            ],
        );
        query.limit = 1;
        Ok(!self.backend.query(query).await?.is_empty())
    }

    async fn save_recipient(
        &self,
        recipient: &CampaignRecipient,
        sent: Option<&CampaignMessageRef>,
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(2);
        batch.put(records::campaign_recipient::<B>(recipient)?);
        if let Some(sent) = sent {
            batch.put(records::campaign_message::<B>(sent)?);
        }
        Ok(self.backend.write(batch).await?)
    }

    async fn find_campaign_message(
        &self,
        channel_account: &str,
        provider_id: &str,
    ) -> Result<Option<CampaignMessageRef>, StoreError> {
        let key = CampaignMessageRef::key_of(channel_account, provider_id);
        let Some(stored) = self.backend.get(&CAMPAIGN_MESSAGES, &key).await? else {
            return Ok(None);
        };
        Ok(Some(B::decode(stored.body)?))
    }
}

/// A campaign's recipients by when they are due, the most overdue first.
fn due_of(campaign: &Campaign) -> IndexQuery {
    IndexQuery::new(
        &CAMPAIGN_RECIPIENTS,
        &RECIPIENTS_BY_DUE,
        vec![FieldValue::from(campaign.id.as_str())],
    )
}
