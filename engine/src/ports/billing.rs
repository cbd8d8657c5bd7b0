//! Payments (PRD §3.12): [`BillingStore`] keeps what was bought, [`PaymentProvider`] is the
//! payment gateway (Razorpay) that takes the money.

use super::StoreError;
use crate::access::PlanTier;
use crate::billing::{BillingAccount, BillingPlan, PaymentSnapshot, SubscriptionSnapshot};
use crate::ids::TenantId;
use crate::time::Timestamp;
use async_trait::async_trait;
use std::collections::BTreeMap;
use thiserror::Error;

/// Priced tiers, organisations' billing accounts, and the provider's ids and events seen.
#[async_trait]
pub trait BillingStore: Send + Sync + 'static {
    /// Stores a tier's plan, replacing its earlier one.
    async fn put_billing_plan(&self, plan: &BillingPlan) -> Result<(), StoreError>;
    async fn billing_plan(&self, tier: PlanTier) -> Result<Option<BillingPlan>, StoreError>;
    /// Every priced tier, in tier order.
    async fn billing_plans(&self) -> Result<Vec<BillingPlan>, StoreError>;

    async fn billing_account(
        &self,
        tenant: &TenantId,
    ) -> Result<Option<BillingAccount>, StoreError>;
    /// Stores the account whole (its writer holds the tenant's billing lock).
    async fn save_billing_account(&self, account: &BillingAccount) -> Result<(), StoreError>;
    /// Accounts whose grant ran out by `by` (their [`BillingAccount::due`]), earliest first.
    async fn billing_accounts_due(
        &self,
        by: Timestamp,
        limit: usize,
    ) -> Result<Vec<BillingAccount>, StoreError>;

    /// Records which organisation a provider's subscription or order id belongs to; storing
    /// the same pair again is not an error.
    async fn link_billing_reference(
        &self,
        provider_id: &str,
        tenant: &TenantId,
    ) -> Result<(), StoreError>;
    async fn billing_reference(&self, provider_id: &str) -> Result<Option<TenantId>, StoreError>;

    /// Records a provider's event id as handled; `false` when it was already.
    async fn record_billing_event(&self, event_id: &str, at: Timestamp)
    -> Result<bool, StoreError>;

    /// Forgets at most `limit` handled event ids received before `before`, oldest first; how
    /// many it forgot.
    async fn forget_billing_events(
        &self,
        before: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError>;

    /// Deletes the organisation's account and references (its erasure).
    async fn erase_billing(&self, tenant: &TenantId) -> Result<(), StoreError>;
}

/// Why the payment provider did not do what was asked.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ProviderError {
    /// The provider refused the request as it stands (its code and description); retrying
    /// the same request will not help.
    #[error("the payment provider refused: {description} ({code})")]
    Refused { code: String, description: String },
    /// The provider rejected BotWot's API key.
    #[error("the payment provider rejected the API key")]
    Unauthorised,
    /// The provider could not be reached, timed out or failed; retrying may help.
    #[error("the payment provider is unavailable: {0}")]
    Unavailable(String),
    /// The provider answered something that could not be read.
    #[error("the payment provider answered unexpectedly: {0}")]
    Malformed(String),
}

/// A new one-off order at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderOrder {
    pub provider_id: String,
    pub amount: u64,
    pub currency: String,
}

/// The payment gateway.
#[async_trait]
pub trait PaymentProvider: Send + Sync + 'static {
    /// The key id the browser's checkout needs (public).
    fn checkout_key(&self) -> &str;
    /// Whether `signature`, handed over by the browser after a checkout, is the provider's
    /// signature of `payment_id` paying `order_id` (Razorpay: HMAC-SHA256 of
    /// `order_id|payment_id` under the key secret, in constant time).
    fn verify_order_checkout(&self, order_id: &str, payment_id: &str, signature: &str) -> bool;
    /// The same for the first payment of a subscription (Razorpay: `payment_id|subscription_id`).
    fn verify_subscription_checkout(
        &self,
        subscription_id: &str,
        payment_id: &str,
        signature: &str,
    ) -> bool;
    /// Creates a monthly plan at `amount` (smallest unit) in `currency`; its provider id.
    async fn create_plan(
        &self,
        name: &str,
        amount: u64,
        currency: &str,
    ) -> Result<String, ProviderError>;
    /// Creates a subscription to a plan for `cycles` months, tagged with `notes`.
    async fn create_subscription(
        &self,
        provider_plan_id: &str,
        cycles: u32,
        notes: &BTreeMap<String, String>,
    ) -> Result<SubscriptionSnapshot, ProviderError>;
    async fn fetch_subscription(
        &self,
        provider_id: &str,
    ) -> Result<SubscriptionSnapshot, ProviderError>;
    /// Cancels a subscription now or at the end of its current cycle.
    async fn cancel_subscription(
        &self,
        provider_id: &str,
        at_cycle_end: bool,
    ) -> Result<SubscriptionSnapshot, ProviderError>;
    /// Creates an order for `amount` in `currency` with a receipt of ours and `notes`.
    async fn create_order(
        &self,
        amount: u64,
        currency: &str,
        receipt: &str,
        notes: &BTreeMap<String, String>,
    ) -> Result<ProviderOrder, ProviderError>;
    async fn fetch_payment(&self, provider_id: &str) -> Result<PaymentSnapshot, ProviderError>;
    /// Captures an authorised payment of exactly `amount` in `currency`.
    async fn capture_payment(
        &self,
        provider_id: &str,
        amount: u64,
        currency: &str,
    ) -> Result<PaymentSnapshot, ProviderError>;
}
