//! Campaigns and their audiences (PRD §3.7.1): [`CampaignStore`] for whoever defines them,
//! [`CampaignRunStore`] for the runner that sends them.

use super::{DeliveryError, PageRequest, Paged, StoreError};
use crate::campaign::{Campaign, CampaignMessageRef, CampaignRecipient, CampaignStatus};
use crate::ids::{CampaignId, TenantId};
use crate::time::Timestamp;
use async_trait::async_trait;
use std::collections::HashSet;

/// An organisation's campaigns, and the recipients of each (one per phone number).
#[async_trait]
pub trait CampaignStore: Send + Sync + 'static {
    async fn insert_campaign(&self, campaign: &Campaign) -> Result<(), StoreError>;
    /// Replaces a stored campaign; `NotFound` when it is not in that tenant.
    async fn update_campaign(&self, campaign: &Campaign) -> Result<(), StoreError>;
    async fn get_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<Option<Campaign>, StoreError>;
    /// A tenant's campaigns, newest first; only those in `status` when it is given.
    async fn list_campaigns(
        &self,
        tenant: &TenantId,
        status: Option<CampaignStatus>,
        page: &PageRequest,
    ) -> Result<Paged<Campaign>, StoreError>;
    /// The phone numbers in the campaign's audience.
    async fn audience_phones(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
    ) -> Result<HashSet<String>, StoreError>;
    /// Stores recipients new to the campaign's audience and the campaign itself (its audience
    /// counted with them) in one batch; `Conflict` when one of them is in the audience already,
    /// and then nothing is stored.
    async fn add_recipients(
        &self,
        campaign: &Campaign,
        recipients: &[CampaignRecipient],
    ) -> Result<(), StoreError>;
    /// A campaign's recipients in phone number order.
    async fn list_recipients(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        page: &PageRequest,
    ) -> Result<Paged<CampaignRecipient>, StoreError>;
    /// Deletes a campaign and its audience (the audience first, in batches, so a deletion cut
    /// short can be run again); how many recipients went. `NotFound` when it is not in that
    /// tenant.
    async fn delete_campaign(
        &self,
        tenant: &TenantId,
        id: &CampaignId,
    ) -> Result<usize, StoreError>;
    /// Every campaign audience of the tenant the contact of `phone` is in (data rights).
    async fn contact_recipients(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Vec<CampaignRecipient>, StoreError>;
    /// Takes the contact of `phone` out of every campaign audience of the tenant (data rights),
    /// each campaign's audience count lowered with it; how many audiences it left.
    async fn erase_campaign_contact(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<usize, StoreError>;
}

/// Sends a campaign's templates: on WhatsApp, a template message from the campaign's number.
#[async_trait]
pub trait CampaignSender: Send + Sync + 'static {
    /// Sends the approved template named `template` in the campaign's language to the
    /// recipient, from the campaign's number; the id the channel gave the message.
    async fn send_campaign_template(
        &self,
        campaign: &Campaign,
        recipient: &CampaignRecipient,
        template: &str,
    ) -> Result<String, DeliveryError>;
}

/// What a campaign's runner reads and writes: the campaigns to run, the recipients due, their
/// journeys, and the messages the channel took.
#[async_trait]
pub trait CampaignRunStore: Send + Sync + 'static {
    /// Campaigns of every tenant in `status` (the runner's work at start), oldest first.
    async fn campaigns_in_status(
        &self,
        status: CampaignStatus,
        limit: usize,
    ) -> Result<Vec<Campaign>, StoreError>;
    /// One recipient of a campaign.
    async fn get_recipient(
        &self,
        tenant: &TenantId,
        campaign: &CampaignId,
        phone: &str,
    ) -> Result<Option<CampaignRecipient>, StoreError>;
    /// The campaign's recipients due at `until` or before, the most overdue first (see
    /// `CampaignRecipient::due`).
    async fn due_recipients(
        &self,
        campaign: &Campaign,
        until: Timestamp,
        limit: usize,
    ) -> Result<Vec<CampaignRecipient>, StoreError>;
    /// When the campaign's next recipient is due, if any is.
    async fn next_recipient_due(
        &self,
        campaign: &Campaign,
    ) -> Result<Option<Timestamp>, StoreError>;
    /// Whether any recipient of the campaign has not finished its journey.
    async fn has_unfinished_recipients(&self, campaign: &Campaign) -> Result<bool, StoreError>;
    /// Stores a recipient's journey, and in the same batch the message the channel just took,
    /// when there is one.
    async fn save_recipient(
        &self,
        recipient: &CampaignRecipient,
        sent: Option<&CampaignMessageRef>,
    ) -> Result<(), StoreError>;
    /// The campaign message the channel gave `provider_id`, sent from `channel_account`.
    async fn find_campaign_message(
        &self,
        channel_account: &str,
        provider_id: &str,
    ) -> Result<Option<CampaignMessageRef>, StoreError>;
}
