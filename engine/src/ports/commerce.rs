//! Shops (PRD §3.8.2): [`ShopStore`] keeps the connected shops and the orders BotWot follows,
//! [`ShopifyAdmin`] reads and tags orders in a shop, and [`ReminderSender`] sends a customer
//! the reminder to confirm an order.

use super::{DeliveryError, PageRequest, Paged, StoreError};
use crate::commerce::{OrderSnapshot, ReminderStatus, ShopConnection, TrackedOrder};
use crate::ids::TenantId;
use crate::time::Timestamp;
use async_trait::async_trait;
use std::time::Duration;
use thiserror::Error;

#[async_trait]
pub trait ShopStore: Send + Sync + 'static {
    /// Stores a newly connected shop; `Conflict` when its domain is connected already (by this
    /// organisation or another).
    async fn insert_shop(&self, shop: &ShopConnection) -> Result<(), StoreError>;
    /// Replaces a stored shop; `NotFound` when it is not in that tenant.
    async fn save_shop(&self, shop: &ShopConnection) -> Result<(), StoreError>;
    async fn get_shop(
        &self,
        tenant: &TenantId,
        domain: &str,
    ) -> Result<Option<ShopConnection>, StoreError>;
    /// The shop of that domain in any tenant (a webhook names the shop, not the organisation).
    async fn find_shop(&self, domain: &str) -> Result<Option<ShopConnection>, StoreError>;
    /// A tenant's shops, the most recently connected first.
    async fn list_shops(&self, tenant: &TenantId) -> Result<Vec<ShopConnection>, StoreError>;
    /// Disconnects a shop and forgets the orders followed for it; `false` when it was not there.
    async fn delete_shop(&self, tenant: &TenantId, domain: &str) -> Result<bool, StoreError>;
    /// Stores an order over whatever was kept for it.
    async fn put_order(&self, order: &TrackedOrder) -> Result<(), StoreError>;
    async fn get_order(
        &self,
        tenant: &TenantId,
        id: &str,
    ) -> Result<Option<TrackedOrder>, StoreError>;
    /// A tenant's orders, the most recently placed first; only one shop's, or only those in a
    /// reminder status, when asked.
    async fn list_orders(
        &self,
        tenant: &TenantId,
        shop: Option<&str>,
        status: Option<ReminderStatus>,
        page: &PageRequest,
    ) -> Result<Paged<TrackedOrder>, StoreError>;
    /// A customer's orders (by their WhatsApp number), the most recently placed first.
    async fn contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<Vec<TrackedOrder>, StoreError>;
    /// Erases a customer's orders; how many went.
    async fn erase_contact_orders(
        &self,
        tenant: &TenantId,
        contact: &str,
    ) -> Result<usize, StoreError>;
    /// Every tenant's orders due by `by` (their [`TrackedOrder::due`]), earliest first.
    async fn due_orders(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<TrackedOrder>, StoreError>;
}

/// A shop's Admin API, with its access token.
#[derive(Clone, PartialEq, Eq)]
pub struct ShopAccess {
    /// `name.myshopify.com`.
    pub domain: String,
    pub access_token: String,
}

impl std::fmt::Debug for ShopAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShopAccess")
            .field("domain", &self.domain)
            .finish_non_exhaustive()
    }
}

/// What a shop says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShopDetails {
    pub name: String,
    pub currency: String,
}

/// Why the Admin API did not do what was asked.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ShopifyError {
    /// The token was refused (revoked, the app uninstalled, a scope missing).
    #[error("Shopify refused the access token: {0}")]
    Unauthorized(String),
    /// Over the API's rate limit; `retry_after` when Shopify said how long to wait.
    #[error("Shopify's rate limit was reached")]
    Throttled { retry_after: Option<Duration> },
    /// Shopify could not be reached or failed (5xx, a time-out); trying later may work.
    #[error("Shopify is unavailable: {0}")]
    Unavailable(String),
    /// Shopify refused the request itself (4xx other than the above).
    #[error("Shopify refused the request: {0}")]
    Refused(String),
}

impl ShopifyError {
    /// Whether the same request may succeed later.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            ShopifyError::Throttled { .. } | ShopifyError::Unavailable(_)
        )
    }
}

#[async_trait]
pub trait ShopifyAdmin: Send + Sync + 'static {
    /// The shop's name and currency: also how a token is checked when a shop is connected.
    async fn shop(&self, access: &ShopAccess) -> Result<ShopDetails, ShopifyError>;
    /// The order as the shop has it now; `None` when the shop has no such order.
    async fn order(
        &self,
        access: &ShopAccess,
        order_id: &str,
    ) -> Result<Option<OrderSnapshot>, ShopifyError>;
    /// The shop's open orders placed since `since`, newest first, every page of them (at most a
    /// few thousand): what a shop connected after its orders were placed still has to confirm.
    async fn open_orders(
        &self,
        access: &ShopAccess,
        since: Timestamp,
    ) -> Result<Vec<OrderSnapshot>, ShopifyError>;
    /// Cancels the order at the customer's request (Shopify voids or refunds its payment as the
    /// shop is set up to); the order as it stands after. `Refused` when the shop will not (the
    /// order is fulfilled, or cancelled already).
    async fn cancel_order(
        &self,
        access: &ShopAccess,
        order_id: &str,
    ) -> Result<OrderSnapshot, ShopifyError>;
    /// Adds `tags` to the order's tags, keeping the ones it has.
    async fn add_order_tags(
        &self,
        access: &ShopAccess,
        order_id: &str,
        tags: &[String],
    ) -> Result<(), ShopifyError>;
    /// Subscribes `address` to the shop's webhooks of `topics` (`orders/create`, ...); a
    /// subscription that exists already is kept.
    async fn subscribe_webhooks(
        &self,
        access: &ShopAccess,
        address: &str,
        topics: &[&str],
    ) -> Result<(), ShopifyError>;
}

/// Sends the reminder that asks a customer to confirm an order.
#[async_trait]
pub trait ReminderSender: Send + Sync + 'static {
    /// Sends the shop's reminder template for `order` to its customer; the id the channel gave
    /// the message.
    async fn send_order_reminder(
        &self,
        shop: &ShopConnection,
        order: &TrackedOrder,
    ) -> Result<String, DeliveryError>;
}
