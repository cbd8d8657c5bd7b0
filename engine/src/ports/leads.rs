//! Leads (PRD §3.8.1): [`LeadStore`] keeps an organisation's leads, their history and its lead
//! settings; [`FollowUpSender`] sends a lead a follow-up.

use super::{DeliveryError, PageRequest, Paged, StoreError};
use crate::ids::{LeadId, TenantId};
use crate::leads::{FollowUpWork, Lead, LeadEvent, LeadSettings, LeadStage};
use crate::time::Timestamp;
use async_trait::async_trait;

#[async_trait]
pub trait LeadStore: Send + Sync + 'static {
    /// Stores a new lead; `Conflict` when the organisation has a lead with its phone already.
    async fn insert_lead(&self, lead: &Lead) -> Result<(), StoreError>;
    /// Replaces a stored lead; `NotFound` when it is not in that tenant.
    async fn save_lead(&self, lead: &Lead) -> Result<(), StoreError>;
    async fn get_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<Option<Lead>, StoreError>;
    /// The organisation's lead of that WhatsApp number (digits with the country code).
    async fn find_lead_by_phone(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Option<Lead>, StoreError>;
    /// An organisation's leads, the most recently created first; only one stage's when asked.
    async fn list_leads(
        &self,
        tenant: &TenantId,
        stage: Option<LeadStage>,
        page: &PageRequest,
    ) -> Result<Paged<Lead>, StoreError>;
    /// Deletes a lead and its history; `false` when it was not there.
    async fn delete_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<bool, StoreError>;
    /// Every organisation's leads due by `by` ([`Lead::due`]), earliest first.
    async fn due_leads(&self, by: Timestamp, limit: usize) -> Result<Vec<Lead>, StoreError>;
    async fn append_lead_event(&self, event: &LeadEvent) -> Result<(), StoreError>;
    /// A lead's history, the newest first.
    async fn lead_history(
        &self,
        tenant: &TenantId,
        lead: &LeadId,
        page: &PageRequest,
    ) -> Result<Paged<LeadEvent>, StoreError>;
    /// The organisation's lead settings, if it saved any.
    async fn get_lead_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<LeadSettings>, StoreError>;
    async fn put_lead_settings(&self, settings: &LeadSettings) -> Result<(), StoreError>;
}

/// Sends a lead one of their follow-ups.
#[async_trait]
pub trait FollowUpSender: Send + Sync + 'static {
    /// Sends the follow-up's template to the lead's WhatsApp number; the id the channel gave
    /// the message.
    async fn send_lead_follow_up(
        &self,
        lead: &Lead,
        work: &FollowUpWork,
    ) -> Result<String, DeliveryError>;
}
