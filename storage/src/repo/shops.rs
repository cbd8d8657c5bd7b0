//! Shops (PRD §3.8.2) and the orders followed for them. A shop's id is its domain, unique across
//! tenants and found by it alone for webhooks; orders list latest placed first per tenant, per
//! shop and per reminder status, and are found by the reminder worker in every tenant by when
//! it must act (`DUE`, absent once nothing is left to do), so a re-saved order leaves or rejoins
//! the worker's work with its new due time. Disconnecting a shop forgets its orders; a customer's
//! orders are found and erased by their WhatsApp number (data rights).

use super::schema::{
    SHOP_ORDERS, SHOP_ORDERS_BY_CONTACT, SHOP_ORDERS_BY_DUE, SHOP_ORDERS_BY_PLACED,
    SHOP_ORDERS_BY_SHOP, SHOP_ORDERS_BY_SHOP_STATUS, SHOP_ORDERS_BY_STATUS, SHOPS,
    SHOPS_BY_CREATED,
};
use super::{Store, records};
use crate::backend::{CollectionSpec, DocumentBackend, FieldValue, IndexQuery, Order};
use async_trait::async_trait;
use botwot_engine::commerce::{ReminderStatus, ShopConnection, TrackedOrder};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{PageRequest, Paged, ShopStore, StoreError};
use botwot_engine::time::Timestamp;
use std::ops::Bound;

#[async_trait]
impl<B: DocumentBackend> ShopStore for Store<B> {
    async fn insert_shop(&self, shop: &ShopConnection) -> Result<(), StoreError> {
        match self.insert_one(records::shop::<B>(shop)?).await {
            Err(StoreError::Conflict(_)) => Err(StoreError::Conflict(format!(
                "the shop {} is connected already",
                shop.domain
            ))),
            inserted => inserted,
        }
    }

    async fn save_shop(&self, shop: &ShopConnection) -> Result<(), StoreError> {
        let doc = records::shop::<B>(shop)?;
        self.replace_one(&shop.tenant_id, doc).await
    }

    async fn get_shop(
        &self,
        tenant: &TenantId,
        domain: &str,
    ) -> Result<Option<ShopConnection>, StoreError> {
        Ok(self.get_record(&SHOPS, tenant, domain).await?)
    }

    async fn find_shop(&self, domain: &str) -> Result<Option<ShopConnection>, StoreError> {
        Ok(self.get_by_id(&SHOPS, domain).await?)
    }

    async fn list_shops(&self, tenant: &TenantId) -> Result<Vec<ShopConnection>, StoreError> {
        let mut query = IndexQuery::new(&SHOPS, &SHOPS_BY_CREATED, vec![records::tenant(tenant)]);
        query.order = Order::Descending;
        Ok(self.find(query).await?)
    }

    async fn delete_shop(&self, tenant: &TenantId, domain: &str) -> Result<bool, StoreError> {
        if self.get_shop(tenant, domain).await?.is_none() {
            return Ok(false);
        }
        let orders = IndexQuery::new(
            &SHOP_ORDERS,
            &SHOP_ORDERS_BY_SHOP,
            vec![records::tenant(tenant), FieldValue::from(domain)],
        );
        let mut doomed: Vec<(&'static CollectionSpec, String)> = Vec::new();
        for hit in self.backend().query(orders).await? {
            doomed.push((&SHOP_ORDERS, hit.id));
        }
        doomed.push((&SHOPS, domain.to_owned()));
        self.delete_all(&doomed).await?;
        Ok(true)
    }

    async fn put_order(&self, order: &TrackedOrder) -> Result<(), StoreError> {
        self.put_one(records::shop_order::<B>(order)?).await
    }

    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<TrackedOrder>, StoreError> {
        Ok(self.get_record(&SHOP_ORDERS, tenant, id).await?)
    }

    async fn list_orders(
        &self,
        tenant: &TenantId,
        shop: Option<&str>,
        status: Option<ReminderStatus>,
        page: &PageRequest,
    ) -> Result<Paged<TrackedOrder>, StoreError> {
        let mut prefix = vec![records::tenant(tenant)];
        let index = match (shop, status) {
            (Some(shop), Some(status)) => {
                prefix.push(FieldValue::from(shop));
                prefix.push(FieldValue::from(status.as_str()));
                &SHOP_ORDERS_BY_SHOP_STATUS
            }
            (Some(shop), None) => {
                prefix.push(FieldValue::from(shop));
                &SHOP_ORDERS_BY_SHOP
            }
            (None, Some(status)) => {
                prefix.push(FieldValue::from(status.as_str()));
                &SHOP_ORDERS_BY_STATUS
            }
            (None, None) => &SHOP_ORDERS_BY_PLACED,
        };
        let mut query = IndexQuery::new(&SHOP_ORDERS, index, prefix);
        query.order = Order::Descending;
        Ok(self.page(query, page).await?)
    }

    async fn contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<Vec<TrackedOrder>, StoreError> {
        Ok(self.find(contact_query(tenant, contact)).await?)
    }

    async fn erase_contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<usize, StoreError> {
        let doomed: Vec<(&'static CollectionSpec, String)> = self
            .backend()
            .query(contact_query(tenant, contact))
            .await?
            .into_iter()
            .map(|hit| (&SHOP_ORDERS, hit.id))
            .collect();
        self.delete_all(&doomed).await?;
        Ok(doomed.len())
    }

    async fn due_orders(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<TrackedOrder>, StoreError> {
        let mut query = IndexQuery::new(&SHOP_ORDERS, &SHOP_ORDERS_BY_DUE, Vec::new());
        query.upper = Bound::Included(records::millis(by));
        query.limit = limit;
        Ok(self.find(query).await?)
    }
}

/// A customer's orders in `tenant`, latest placed first.
fn contact_query(tenant: &TenantId, contact: &str) -> IndexQuery {
    let mut query = IndexQuery::new(
        &SHOP_ORDERS,
        &SHOP_ORDERS_BY_CONTACT,
        vec![records::tenant(tenant), FieldValue::from(contact)],
    );
    query.order = Order::Descending;
    query
}
