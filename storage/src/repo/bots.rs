//! Bot profiles: unique widget keys, newest-first listing per tenant, soft deletes.

use super::schema::{BOTS, BOTS_BY_CREATED, BOTS_BY_WIDGET_KEY, DELETED};
use super::{Store, records};
use crate::backend::{DocumentBackend, FieldValue, IndexQuery, Order, WriteBatch};
use async_trait::async_trait;
use botwot_engine::BotProfile;
use botwot_engine::ids::{BotId, TenantId, WidgetKey};
use botwot_engine::ports::{BotStore, PageRequest, Paged, StoreError};

#[async_trait]
impl<B: DocumentBackend> BotStore for Store<B> {
    async fn insert_bot(&self, bot: &BotProfile) -> Result<(), StoreError> {
        let mut batch = WriteBatch::with_capacity(1);
        batch.insert(records::bot::<B>(bot)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn update_bot(&self, bot: &BotProfile) -> Result<(), StoreError> {
        let stored = self.get_in_tenant::<BotProfile>(&BOTS, &bot.tenant_id, bot.id.as_str());
        if stored.await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut batch = WriteBatch::with_capacity(1);
        batch.put(records::bot::<B>(bot)?);
        Ok(self.backend.write(batch).await?)
    }

    async fn get_bot(
        &self,
        tenant: &TenantId,
        id: &BotId,
    ) -> Result<Option<BotProfile>, StoreError> {
        Ok(self.get_record(&BOTS, tenant, id.as_str()).await?)
    }

    async fn find_bot_by_widget_key(
        &self,
        key: &WidgetKey,
    ) -> Result<Option<BotProfile>, StoreError> {
        let prefix = vec![FieldValue::from(key.as_str())];
        Ok(self.find_first(&BOTS, &BOTS_BY_WIDGET_KEY, prefix).await?)
    }

    async fn list_bots(
        &self,
        tenant: &TenantId,
        include_deleted: bool,
        page: &PageRequest,
    ) -> Result<Paged<BotProfile>, StoreError> {
        let mut query = IndexQuery::new(&BOTS, &BOTS_BY_CREATED, vec![records::tenant(tenant)]);
        query.order = Order::Descending;
        if !include_deleted {
            query.filters.push((DELETED, FieldValue::Bool(false)));
        }
        Ok(self.page(query, page).await?)
    }
}
