//! Importing a shop's open orders from its Admin API: a shop connected after its customers
//! ordered (or whose webhooks were lost while it was disconnected) still has orders to confirm.
//! Each order goes through [`OrderReminders::observe`] like a webhook's, so an order known
//! already is only brought up to date, never reminded twice.

use super::OrderReminders;
use botwot_engine::commerce::{MAX_ORDER_AGE, ShopConnection};
use botwot_engine::ports::{ShopifyError, StoreError};
use thiserror::Error;

/// Why a sync stopped.
#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Shopify(#[from] ShopifyError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the shop's access token could not be opened: {0}")]
    Token(String),
}

impl OrderReminders {
    /// Reads the shop's open orders placed within [`MAX_ORDER_AGE`] (older ones get no reminder)
    /// and takes each in; how many it took in.
    pub async fn sync_shop(&self, shop: &ShopConnection) -> Result<usize, SyncError> {
        let access = self.access(shop).map_err(SyncError::Token)?;
        let since = self.deps.clock.now().minus(MAX_ORDER_AGE);
        let orders = self.deps.shopify.open_orders(&access, since).await?;
        let count = orders.len();
        for order in orders {
            self.observe(shop, order).await?;
        }
        tracing::info!(shop = %shop.domain, orders = count, "shop's open orders imported");
        Ok(count)
    }
}
