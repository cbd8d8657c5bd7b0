//! What billing answers with: times in RFC 3339, amounts in the currency's smallest unit.

use botwot_engine::Timestamp;
use botwot_engine::access::PlanTier;
use botwot_engine::billing::{BillingAccount, BillingPlan, Order, OrderStatus, Subscription};
use serde::Serialize;
use utoipa::ToSchema;

fn time(at: Option<Timestamp>) -> Option<String> {
    at.map(Timestamp::to_rfc3339)
}

/// A priced tier.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PlanView {
    #[schema(example = "PRO")]
    pub tier: String,
    /// The price of one month in the currency's smallest unit (29900 is $299.00).
    pub amount: u64,
    #[schema(example = "USD")]
    pub currency: String,
    /// Always `monthly`.
    pub period: &'static str,
    /// The provider's plan id.
    pub provider_plan_id: String,
}

impl From<&BillingPlan> for PlanView {
    fn from(plan: &BillingPlan) -> Self {
        Self {
            tier: plan.tier.as_str().into(),
            amount: plan.amount,
            currency: plan.currency.clone(),
            period: "monthly",
            provider_plan_id: plan.provider_plan_id.clone(),
        }
    }
}

/// A subscription, as the provider last reported it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SubscriptionView {
    /// The provider's id (`sub_...`).
    pub id: String,
    pub tier: String,
    /// created, authenticated, active, pending, halted, paused, cancelled, completed, expired.
    pub status: String,
    pub current_start: Option<String>,
    pub current_end: Option<String>,
    pub ended_at: Option<String>,
    /// Months charged so far.
    pub paid_count: u32,
    /// The provider's page where the customer pays.
    pub short_url: Option<String>,
    pub created_at: String,
}

impl From<&Subscription> for SubscriptionView {
    fn from(sub: &Subscription) -> Self {
        Self {
            id: sub.provider_id.clone(),
            tier: sub.tier.as_str().into(),
            status: sub.status.as_str().into(),
            current_start: time(sub.current_start),
            current_end: time(sub.current_end),
            ended_at: time(sub.ended_at),
            paid_count: sub.paid_count,
            short_url: sub.short_url.clone(),
            created_at: sub.created_at.to_rfc3339(),
        }
    }
}

/// A prepaid order.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OrderView {
    /// The provider's id (`order_...`).
    pub id: String,
    pub tier: String,
    pub months: u32,
    pub amount: u64,
    pub currency: String,
    /// `created` (waiting for payment) or `paid`.
    pub status: &'static str,
    pub payment_id: Option<String>,
    pub paid_at: Option<String>,
    /// The months it bought.
    pub covers_from: Option<String>,
    pub covers_until: Option<String>,
    /// Why the last attempt to pay it failed.
    pub last_failure: Option<String>,
    pub created_at: String,
}

impl From<&Order> for OrderView {
    fn from(order: &Order) -> Self {
        Self {
            id: order.provider_id.clone(),
            tier: order.tier.as_str().into(),
            months: order.months,
            amount: order.amount,
            currency: order.currency.clone(),
            status: match order.status {
                OrderStatus::Created => "created",
                OrderStatus::Paid => "paid",
            },
            payment_id: order.payment_id.clone(),
            paid_at: time(order.paid_at),
            covers_from: time(order.covers_from),
            covers_until: time(order.covers_until),
            last_failure: order.last_failure.clone(),
            created_at: order.created_at.to_rfc3339(),
        }
    }
}

/// An organisation's billing.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountView {
    /// The tier whose limits apply now (an operator may have set it).
    pub tier: String,
    /// The tier paid for, and until when; null while nothing is paid for.
    pub paid_tier: Option<String>,
    pub paid_until: Option<String>,
    /// Newest first.
    pub subscriptions: Vec<SubscriptionView>,
    /// Newest first.
    pub orders: Vec<OrderView>,
    /// The key id to open the provider's checkout with.
    pub checkout_key: String,
}

impl AccountView {
    pub fn new(account: &BillingAccount, tier: PlanTier, checkout_key: &str) -> Self {
        Self {
            tier: tier.as_str().into(),
            paid_tier: account.granted.map(|g| g.tier.as_str().to_owned()),
            paid_until: time(account.granted.map(|g| g.until)),
            subscriptions: account.subscriptions.iter().rev().map(Into::into).collect(),
            orders: account.orders.iter().rev().map(Into::into).collect(),
            checkout_key: checkout_key.to_owned(),
        }
    }
}
