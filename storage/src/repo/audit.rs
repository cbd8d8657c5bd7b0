//! The audit log: appended once per change, listed newest first per tenant within a time range,
//! optionally for one actor.

use super::schema::{ACTOR, AUDIT, AUDIT_BY_TIME};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::access::{AuditEntry, AuditFilter};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{AuditStore, PageRequest, Paged, StoreError};
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> AuditStore for Store<B> {
    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::audit::<B>(entry)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn list_audit(
        &self,
        tenant: &TenantId,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Paged<AuditEntry>, StoreError> {
        let mut query = IndexQuery::new(&AUDIT, &AUDIT_BY_TIME, vec![records::tenant(tenant)]);
        query.order = Order::Descending;
        if let Some(from) = filter.from {
            query.lower = Bound::Included(records::millis(from));
        }
        if let Some(until) = filter.until {
            query.upper = Bound::Excluded(records::millis(until));
        }
        if let Some(actor) = &filter.actor_id {
            query
                .filters
                .push((ACTOR, FieldValue::from(actor.as_str())));
        }
        Ok(self.page(query, page).await?)
    }
}
