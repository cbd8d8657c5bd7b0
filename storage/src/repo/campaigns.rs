//! Campaigns and their recipients. A campaign is listed newest first per tenant (or per status);
//! its recipients are keyed by campaign and phone number, so a phone number joins an audience
//! once, and are found per contact for data rights.

use super::schema::{
    CAMPAIGN_MESSAGES, CAMPAIGN_MESSAGES_BY_CONTACT, CAMPAIGN_RECIPIENTS, CAMPAIGNS,
    CAMPAIGNS_BY_CREATED, CAMPAIGNS_BY_STATUS, RECIPIENTS_BY_CAMPAIGN, RECIPIENTS_BY_CONTACT,
};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::campaign::{Campaign, CampaignRecipient, CampaignStatus};
use botwot_engine::ids::{CampaignId, TenantId};
use botwot_engine::ports::{CampaignStore, PageRequest, Paged, StoreError};
use std::collections::HashSet;

/// Recipients read or deleted per round trip.
const RECIPIENTS_AT_ONCE: usize = 1000;

#[async_trait]
impl<B: DocumentBackend> CampaignStore for Store<B> {
    async fn insert_campaign(&self, campaign: &Campaign) -> Result<(), StoreError> {
        self.insert_one(records::campaign::<B>(campaign)?).await
    }

    async fn update_campaign(&self, campaign: &Campaign) -> Result<(), StoreError> {
        let doc = records::campaign::<B>(campaign)?;
        self.replace_one(&campaign.tenant_id, doc).await
    }

    async fn get_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Option<Campaign>, StoreError> {
        Ok(self.get_record(&CAMPAIGNS, tenant, id.as_str()).await?)
    }

    async fn list_campaigns(
        &self,
        tenant: &TenantId,
        status: Option<CampaignStatus>,
        page: &PageRequest,
    ) -> Result<Paged<Campaign>, StoreError> {
        let mut query = match status {
            Some(status) => IndexQuery::new(
                &CAMPAIGNS,
                &CAMPAIGNS_BY_STATUS,
                vec![records::tenant(tenant), FieldValue::from(status.as_str())],
            ),
            None => IndexQuery::new(
                &CAMPAIGNS,
                &CAMPAIGNS_BY_CREATED,
                vec![records::tenant(tenant)],
            ),
        };
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn audience_phones(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
    ) -> Result<HashSet<String>, StoreError> {
        let prefix = format!("{campaign}:");
        let mut phones = HashSet::new();
        let mut after = None;
        loop {
            let mut query = recipients_of(tenant, campaign);
            query.limit = RECIPIENTS_AT_ONCE;
            query.after = after;
            let hits = self.backend.query(query).await?;
            let full = hits.len() == RECIPIENTS_AT_ONCE;
            after = hits.last().map(|hit| hit.position.clone());
            for hit in hits {
                let phone = hit.id.strip_prefix(&prefix).ok_or_else(|| {
                    StoreError::Corrupt(format!("recipient {} of campaign {campaign}", hit.id))
                })?;
                phones.insert(phone.to_owned());
            }
            if !full {
                return Ok(phones);
            }
        }
    }

    async fn add_recipients(
        &self,
        campaign: &Campaign,
        recipients: &[CampaignRecipient],
    ) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(recipients.len() + 1);
        for recipient in recipients {
            batch.insert(records::campaign_recipient::<B>(recipient)?);
        }
        batch.put(records::campaign::<B>(campaign)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn list_recipients(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        page: &PageRequest,
    ) -> Result<Paged<CampaignRecipient>, StoreError> {
        Ok(self.page(recipients_of(tenant, campaign), page).await?)
    }

    async fn delete_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<usize, StoreError> {
        // Recipients are found through the tenant, so another tenant's call deletes none and is
        // refused `NotFound` by the campaign's own deletion.
        let mut deleted = 0;
        loop {
            let mut query = recipients_of(tenant, id);
            query.limit = RECIPIENTS_AT_ONCE;
            let hits = self.backend.query(query).await?;
            if hits.is_empty() {
                break;
            }
            let mut batch = WriteBatch::with_capacity(hits.len());
            for hit in &hits {
                batch.delete(&CAMPAIGN_RECIPIENTS, hit.id.clone());
            }
            self.backend.write(batch).await?;
            deleted += hits.len();
        }
        self.delete_one(&CAMPAIGNS, tenant, id.as_str()).await?;
        Ok(deleted)
    }

    async fn contact_recipients(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Vec<CampaignRecipient>, StoreError> {
        let query = IndexQuery::new(
            &CAMPAIGN_RECIPIENTS,
            &RECIPIENTS_BY_CONTACT,
            vec![records::tenant(tenant), FieldValue::from(phone)],
        );
        Ok(self.find(query).await?)
    }

    async fn erase_campaign_contact(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<usize, StoreError> {
        let sent = IndexQuery::new(
            &CAMPAIGN_MESSAGES,
            &CAMPAIGN_MESSAGES_BY_CONTACT,
            vec![records::tenant(tenant), FieldValue::from(phone)],
        );
        let sent = self.backend.query(sent).await?;
        for chunk in sent.chunks(RECIPIENTS_AT_ONCE) {
            let mut batch = WriteBatch::with_capacity(chunk.len());
            for message in chunk {
                batch.delete(&CAMPAIGN_MESSAGES, message.id.clone());
            }
            self.backend.write(batch).await?;
        }
        let memberships = self.contact_recipients(tenant, phone).await?;
        for recipient in &memberships {
            let mut batch = WriteBatch::with_capacity(2);
            batch.delete(&CAMPAIGN_RECIPIENTS, recipient.key());
            if let Some(mut campaign) = self.get_campaign(tenant, &recipient.campaign_id).await? {
                campaign.forget_recipient();
                batch.put(records::campaign::<B>(&campaign)?);
            }
            self.backend.write(batch).await?;
        }
        Ok(memberships.len())
    }
}

/// A campaign's recipients, in phone number order.
fn recipients_of(tenant: &TenantId, campaign: &CampaignId) -> IndexQuery {
    IndexQuery::new(
        &CAMPAIGN_RECIPIENTS,
        &RECIPIENTS_BY_CAMPAIGN,
        vec![records::tenant(tenant), FieldValue::from(campaign.as_str())],
    )
}
