//! Leads (PRD §3.8.1), their histories and each organisation's lead settings. A lead is found by
//! its id or by its WhatsApp number (unique in its tenant), listed newest first per tenant and
//! per stage, and found by the follow-up worker in every tenant by when it must act (`DUE`,
//! absent while no follow-up is planned), so a re-saved lead leaves or rejoins the worker's work
//! with its new due time. Deleting a lead deletes its history.

use super::schema::{
    LEAD_EVENTS, LEAD_EVENTS_BY_LEAD, LEAD_SETTINGS, LEADS, LEADS_BY_CREATED, LEADS_BY_DUE,
    LEADS_BY_PHONE, LEADS_BY_STAGE,
};
use super::{Store, records};
use crate::backend::{CollectionSpec, DocumentBackend, FieldValue, IndexQuery, Order};
use async_trait::async_trait;
use botwot_engine::ids::{LeadId, TenantId};
use botwot_engine::leads::{Lead, LeadEvent, LeadSettings, LeadStage};
use botwot_engine::ports::{LeadStore, PageRequest, Paged, StoreError};
use botwot_engine::time::Timestamp;
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> LeadStore for Store<B> {
    async fn insert_lead(&self, lead: &Lead) -> Result<(), StoreError> {
        let taken = format!("a lead with the phone number {} exists already", lead.phone);
        self.insert_keyed(records::lead::<B>(lead)?, &LEADS_BY_PHONE, taken)
            .await
    }

    async fn save_lead(&self, lead: &Lead) -> Result<(), StoreError> {
        self.replace_one(&lead.tenant_id, records::lead::<B>(lead)?)
            .await
    }

    async fn get_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<Option<Lead>, StoreError> {
        Ok(self.get_record(&LEADS, tenant, id.as_str()).await?)
    }

    async fn find_lead_by_phone(
        &self,
        tenant: &TenantId,
        phone: &str,
    ) -> Result<Option<Lead>, StoreError> {
        let mut query = IndexQuery::new(
            &LEADS,
            &LEADS_BY_PHONE,
            vec![records::tenant(tenant), FieldValue::from(phone)],
        );
        query.limit = 1;
        Ok(self.find(query).await?.into_iter().next())
    }

    async fn list_leads(
        &self,
        tenant: &TenantId,
        stage: Option<LeadStage>,
        page: &PageRequest,
    ) -> Result<Paged<Lead>, StoreError> {
        let mut prefix = vec![records::tenant(tenant)];
        let index = match stage {
            Some(stage) => {
                prefix.push(FieldValue::from(stage.as_str()));
                &LEADS_BY_STAGE
            }
            None => &LEADS_BY_CREATED,
        };
        let mut query = IndexQuery::new(&LEADS, index, prefix);
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn delete_lead(&self, tenant: &TenantId, id: &LeadId) -> Result<bool, StoreError> {
        if self.get_lead(tenant, id).await?.is_none() {
            return Ok(false);
        }
        let mut doomed: Vec<(&'static CollectionSpec, String)> = self
            .backend()
            .query(history_query(tenant, id))
            .await?
            .into_iter()
            .map(|hit| (&LEAD_EVENTS, hit.id))
            .collect();
        doomed.push((&LEADS, id.to_string()));
        self.delete_all(&doomed).await?;
        Ok(true)
    }

    async fn due_leads(&self, by: Timestamp, limit: usize) -> Result<Vec<Lead>, StoreError> {
        let mut query = IndexQuery::new(&LEADS, &LEADS_BY_DUE, Vec::new());
        query.upper = Bound::Included(records::millis(by));
        query.limit = limit;
        Ok(self.find(query).await?)
    }

    async fn append_lead_event(&self, event: &LeadEvent) -> Result<(), StoreError> {
        self.insert_one(records::lead_event::<B>(event)?).await
    }

    async fn lead_history(
        &self,
        tenant: &TenantId,
        lead: &LeadId,
        page: &PageRequest,
    ) -> Result<Paged<LeadEvent>, StoreError> {
        let mut query = history_query(tenant, lead);
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn get_lead_settings(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<LeadSettings>, StoreError> {
        Ok(self
            .get_record(&LEAD_SETTINGS, tenant, tenant.as_str())
            .await?)
    }

    async fn put_lead_settings(&self, settings: &LeadSettings) -> Result<(), StoreError> {
        self.put_one(records::lead_settings::<B>(settings)?).await
    }
}

/// A lead's history, oldest first.
fn history_query(tenant: &TenantId, lead: &LeadId) -> IndexQuery {
    IndexQuery::new(
        &LEAD_EVENTS,
        &LEAD_EVENTS_BY_LEAD,
        vec![records::tenant(tenant), FieldValue::from(lead.as_str())],
    )
}
