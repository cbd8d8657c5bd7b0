//! Canned responses: found by id within a tenant, listed in shortcut order; the unique
//! `(tenant, shortcut)` index refuses a second response with the same shortcut.

use super::schema::{CANNED_BY_SHORTCUT, CANNED_RESPONSES};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery};
use async_trait::async_trait;
use botwot_engine::canned::CannedResponse;
use botwot_engine::ids::{CannedResponseId, TenantId};
use botwot_engine::ports::{CannedResponseStore, PageRequest, Paged, StoreError};

#[async_trait]
impl<B: DocumentBackend> CannedResponseStore for Store<B> {
    async fn insert_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError> {
        self.insert_one(records::canned_response::<B>(canned)?)
            .await
    }

    async fn update_canned_response(&self, canned: &CannedResponse) -> Result<(), StoreError> {
        let doc = records::canned_response::<B>(canned)?;
        self.replace_one(&canned.tenant_id, doc).await
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
        self.delete_one(&CANNED_RESPONSES, tenant, id.as_str())
            .await
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
