//! Canned responses: found by id within a tenant, listed in shortcut order; the unique
//! `(tenant, shortcut)` index refuses a second response with the same shortcut.

use super::schema::{CANNED_BY_SHORTCUT, CANNED_RESPONSES};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery, WriteBatch};
use async_trait::async_trait;
use botwot_engine::canned::CannedResponse;
use botwot_engine::ids::{CannedResponseId, TenantId};
use botwot_engine::ports::{CannedResponseStore, PageRequest, Paged, StoreError};

#[async_trait]
impl<B: DocumentBackend> CannedResponseStore for Store<B> {
    async fn insert_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::canned_response::<B>(canned)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError> {
        let stored = self.get_canned_response(&canned.tenant_id, &canned.id);
        if stored.await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::canned_response::<B>(canned)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<Option<CannedResponse>, StoreError> {
        Ok(self
            .get_record(&CANNED_RESPONSES, tenant, id.as_str())
            .await?)
    }

    async fn delete_canned_response(
        &self,
        tenant: &TenantId,
        id: &CannedResponseId,
    ) -> Result<(), StoreError> {
        if self.get_canned_response(tenant, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.delete(&CANNED_RESPONSES, id.as_str());
        Ok(self.backend.write(batch).await?)
    }

    async fn list_canned_responses(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<CannedResponse>, StoreError> {
        let query = IndexQuery::new(
            &CANNED_RESPONSES,
            &CANNED_BY_SHORTCUT,
            vec![records::tenant(tenant)],
        );
        Ok(self.page(query, page).await?)
    }
}
