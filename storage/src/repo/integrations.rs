//! Channel integrations: looked up by channel and account (the document id) for webhooks, listed
//! newest first per tenant.

use super::schema::{INTEGRATIONS, INTEGRATIONS_BY_CREATED};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::Channel;
use botwot_engine::ids::TenantId;
use botwot_engine::integration::ChannelIntegration;
use botwot_engine::ports::{IntegrationStore, PageRequest, Paged, StoreError};

#[async_trait]
impl<B: DocumentBackend> IntegrationStore for Store<B> {
    async fn insert_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::integration::<B>(integration)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_integration(&self, integration: &ChannelIntegration) -> Result<(), StoreError> {
        if self
            .backend
            .get(&INTEGRATIONS, &integration.id)
            .await?
            .is_none()
        {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::integration::<B>(integration)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn find_integration(
        &self,
        channel: Channel,
        account_id: &str,
    ) -> Result<Option<ChannelIntegration>, StoreError> {
        let id = ChannelIntegration::id_for(channel, account_id);
        let Some(stored) = self.backend.get(&INTEGRATIONS, &id).await? else {
            return Ok(None);
        };
        Ok(Some(B::decode(stored.body)?))
    }

    async fn list_integrations(
        &self,
        tenant: &TenantId,
        page: &PageRequest,
    ) -> Result<Paged<ChannelIntegration>, StoreError> {
        let mut query = IndexQuery::new(
            &INTEGRATIONS,
            &INTEGRATIONS_BY_CREATED,
            vec![records::tenant(tenant)],
        );
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }
}
