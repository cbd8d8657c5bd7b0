//! Billing (PRD §3.12): the operator's priced tiers, each organisation's billing account, which
//! organisation a payment provider's subscription or order id belongs to, and the provider's
//! events already handled.
//!
//! Plans belong to no tenant and are listed whole in tier order. An account's id is its tenant,
//! and it is found by when its grant runs out (`DUE`), so lapsed grants are decided again. A
//! provider id is linked to one organisation for good. An event is claimed by inserting its id,
//! so a redelivered webhook finds it taken, and forgotten by age once the provider stopped
//! redelivering; handled events name no organisation and outlive an erasure.

use super::schema::{
    BILLING_ACCOUNTS, BILLING_ACCOUNTS_BY_DUE, BILLING_EVENTS, BILLING_EVENTS_BY_RECEIVED,
    BILLING_PLANS, BILLING_PLANS_BY_TIER, BILLING_REFERENCES, BILLING_REFERENCES_BY_TENANT,
    RECEIVED, TENANT,
};
use super::{Store, records};
use crate::backend::{CollectionSpec, DocumentBackend, Fields, IndexQuery};
use crate::error::StorageError;
use async_trait::async_trait;
use botwot_engine::access::PlanTier;
use botwot_engine::billing::{BillingAccount, BillingPlan};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{BillingStore, StoreError};
use botwot_engine::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::ops::Bound;

/// The organisation a provider's subscription or order id belongs to.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct BillingReference {
    tenant_id: TenantId,
}

/// A provider's event, handled.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HandledEvent {
    received_at: Timestamp,
}

#[async_trait]
impl<B: DocumentBackend> BillingStore for Store<B> {
    async fn put_billing_plan(&self, plan: &BillingPlan) -> Result<(), StoreError> {
        self.put_one(records::billing_plan::<B>(plan)?).await
    }

    async fn billing_plan(&self, tier: PlanTier) -> Result<Option<BillingPlan>, StoreError> {
        Ok(self.get_by_id(&BILLING_PLANS, tier.as_str()).await?)
    }

    async fn billing_plans(&self) -> Result<Vec<BillingPlan>, StoreError> {
        let every_plan = IndexQuery::new(&BILLING_PLANS, &BILLING_PLANS_BY_TIER, Vec::new());
        Ok(self.find(every_plan).await?)
    }

    async fn billing_account(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BillingAccount>, StoreError> {
        Ok(self
            .get_record(&BILLING_ACCOUNTS, tenant, tenant.as_str())
            .await?)
    }

    async fn save_billing_account(&self, account: &BillingAccount) -> Result<(), StoreError> {
        self.put_one(records::billing_account::<B>(account)?).await
    }

    async fn billing_accounts_due(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<BillingAccount>, StoreError> {
        let mut query = IndexQuery::new(&BILLING_ACCOUNTS, &BILLING_ACCOUNTS_BY_DUE, Vec::new());
        query.upper = Bound::Included(records::millis(by));
        query.limit = limit;
        Ok(self.find(query).await?)
    }

    async fn link_billing_reference(
        &self,
        provider_id: &str,
        tenant: &TenantId,
    ) -> Result<(), StoreError> {
        let mut fields = Fields::with_capacity(1);
        fields.set(TENANT, records::tenant(tenant));
        let reference = BillingReference {
            tenant_id: tenant.clone(),
        };
        let doc = records::doc::<B, _>(&BILLING_REFERENCES, provider_id, fields, &reference)?;
        match self.insert_one(doc).await {
            Err(StoreError::Conflict(_)) => match self.billing_reference(provider_id).await? {
                Some(owner) if &owner == tenant => Ok(()),
                _ => Err(StoreError::Conflict(format!(
                    "billing reference {provider_id} belongs to another organisation"
                ))),
            },
            linked => linked,
        }
    }

    async fn billing_reference(&self, provider_id: &str) -> Result<Option<TenantId>, StoreError> {
        let reference: Option<BillingReference> =
            self.get_by_id(&BILLING_REFERENCES, provider_id).await?;
        Ok(reference.map(|reference| reference.tenant_id))
    }

    async fn record_billing_event(
        &self,
        event_id: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let mut fields = Fields::with_capacity(1);
        fields.set(RECEIVED, records::millis(at));
        let event = HandledEvent { received_at: at };
        let doc = records::doc::<B, _>(&BILLING_EVENTS, event_id, fields, &event)?;
        match self.insert_one(doc).await {
            Ok(()) => Ok(true),
            Err(StoreError::Conflict(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    async fn forget_billing_events(
        &self,
        before: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        let mut query = IndexQuery::new(&BILLING_EVENTS, &BILLING_EVENTS_BY_RECEIVED, Vec::new());
        query.upper = Bound::Excluded(records::millis(before));
        query.limit = limit;
        let doomed: Vec<(&'static CollectionSpec, String)> = self
            .backend
            .query(query)
            .await?
            .into_iter()
            .map(|hit| (&BILLING_EVENTS, hit.id))
            .collect();
        self.delete_all(&doomed).await?;
        Ok(doomed.len())
    }

    async fn erase_billing(&self, tenant: &TenantId) -> Result<(), StoreError> {
        let doomed = self.billing_records(tenant).await?;
        Ok(self.delete_all(&doomed).await?)
    }
}

impl<B: DocumentBackend> Store<B> {
    /// What erasing `tenant` deletes of its billing: its references and its account.
    pub(super) async fn billing_records(
        &self,
        tenant: &TenantId,
    ) -> Result<Vec<(&'static CollectionSpec, String)>, StorageError> {
        let references = IndexQuery::new(
            &BILLING_REFERENCES,
            &BILLING_REFERENCES_BY_TENANT,
            vec![records::tenant(tenant)],
        );
        let mut doomed: Vec<(&'static CollectionSpec, String)> = self
            .backend
            .query(references)
            .await?
            .into_iter()
            .map(|hit| (&BILLING_REFERENCES, hit.id))
            .collect();
        doomed.push((&BILLING_ACCOUNTS, tenant.to_string()));
        Ok(doomed)
    }
}
