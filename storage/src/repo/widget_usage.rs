//! The website widget's use per bot and UTC day: one record a day and bot, whose id names both,
//! read a range of days at a time per tenant.

use super::schema::{WIDGET_USAGE, WIDGET_USAGE_BY_DAY};
use super::{Store, records};
use crate::backend::{DocumentBackend, IndexQuery};
use async_trait::async_trait;
use botwot_engine::analytics::WidgetUsage;
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{StoreError, WidgetUsageStore};
use botwot_engine::time::Timestamp;
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> WidgetUsageStore for Store<B> {
    async fn get_widget_usage(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<WidgetUsage>, StoreError> {
        Ok(self.get_record(&WIDGET_USAGE, tenant, id).await?)
    }

    async fn put_widget_usage(&self, usage: &WidgetUsage) -> Result<(), StoreError> {
        self.put_one(records::widget_usage::<B>(usage)?).await
    }

    async fn widget_usage(
        &self,
        tenant: &TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<WidgetUsage>, StoreError> {
        let mut query = IndexQuery::new(
            &WIDGET_USAGE,
            &WIDGET_USAGE_BY_DAY,
            vec![records::tenant(tenant)],
        );
        query.lower = Bound::Included(records::millis(from));
        query.upper = Bound::Included(records::millis(to));
        Ok(self.find(query).await?)
    }
}
