//! Payments run here (PRD §3.12, ADR 0021). [`Billing`] is what the API and the payment
//! provider's webhooks call: it prices tiers, starts and cancels subscriptions, creates and
//! captures prepaid orders, takes the provider's reports in, and moves an organisation to the
//! tier it paid for (`settle.rs`); its sweep moves organisations whose paid time ran out.
//!
//! Every change of an organisation's billing account holds the named lock `billing:<tenant>`
//! (in this process and across a cluster's nodes), reads the account, applies the change with
//! the engine's rules and writes it back, so a webhook and a browser's confirmation arriving
//! together never write over each other. The provider's reports may come in any order and any
//! number of times: the engine's rules make each one count once, and a webhook's event id is
//! recorded only after its report is stored, so a delivery cut short is simply taken again.

mod checkout;
mod events;
mod settle;

pub use events::EventOutcome;

use crate::named_locks::{LockError, NamedLocks};
use botwot_engine::access::PlanTier;
use botwot_engine::billing::{BillingPlan, NewBillingPlan, OrderRefusal, PlanRefusal};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::{PaymentProvider, ProviderError, Storage, StoreError};
use botwot_engine::time::Clock;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use thiserror::Error;

/// How a node bills (the `[payments]` section's engine part).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BillingConfig {
    /// How long a subscription keeps its tier past the end of a cycle while the provider
    /// still charges it (a charge is made at the cycle's end and retried for days).
    pub grace_hours: u64,
    /// How often the node looks for organisations whose paid time ran out.
    pub sweep_ms: u64,
    /// Monthly cycles a subscription runs for before it completes (Razorpay needs a count).
    pub subscription_cycles: u32,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            grace_hours: 72,
            sweep_ms: 60_000,
            subscription_cycles: 120,
        }
    }
}

impl BillingConfig {
    fn grace(&self) -> Duration {
        Duration::from_secs(self.grace_hours.saturating_mul(3600))
    }
}

/// Why a billing request was not done. The API turns each into a stable code.
#[derive(Debug, Error)]
pub enum BillingError {
    #[error("{0}")]
    Plan(#[from] PlanRefusal),
    #[error("{} has no price yet: an operator must price it first", .0.as_str())]
    TierNotPriced(PlanTier),
    #[error("the organisation is on ENTERPRISE, which is billed by agreement, not here")]
    EnterpriseBilledSeparately,
    #[error("the organisation already has subscription {0}; cancel it before starting another")]
    SubscriptionExists(String),
    #[error("months must be between 1 and {max}")]
    BadMonths { max: u32 },
    #[error("no {0} of this organisation")]
    NotFound(&'static str),
    #[error("the checkout signature does not match this payment")]
    BadCheckoutSignature,
    #[error("the payment failed: {0}")]
    PaymentFailed(String),
    #[error("{0}")]
    PaymentMismatch(#[from] OrderRefusal),
    #[error("the subscription has ended")]
    SubscriptionEnded,
    #[error(transparent)]
    Provider(#[from] ProviderError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

/// What billing needs.
pub struct BillingDeps {
    pub store: Arc<dyn Storage>,
    pub provider: Arc<dyn PaymentProvider>,
    pub locks: NamedLocks,
    pub clock: Arc<dyn Clock>,
    pub config: BillingConfig,
}

/// A node's billing.
#[derive(Clone)]
pub struct Billing {
    inner: Arc<BillingDeps>,
}

impl Billing {
    pub fn new(deps: BillingDeps) -> Self {
        Self {
            inner: Arc::new(deps),
        }
    }

    /// The key id the browser's checkout opens with.
    pub fn checkout_key(&self) -> &str {
        self.inner.provider.checkout_key()
    }

    /// Prices `tier` monthly at the provider and stores the plan, replacing its earlier price
    /// for new subscriptions and orders (running subscriptions keep theirs).
    pub async fn price_tier(
        &self,
        tier: PlanTier,
        amount: u64,
        currency: &str,
    ) -> Result<BillingPlan, BillingError> {
        let wanted = NewBillingPlan::validate(tier, amount, currency)?;
        let name = format!("BotWot {} (monthly)", wanted.tier.as_str());
        let provider_plan_id = self
            .inner
            .provider
            .create_plan(&name, wanted.amount, &wanted.currency)
            .await?;
        let plan = BillingPlan {
            tier: wanted.tier,
            provider_plan_id,
            amount: wanted.amount,
            currency: wanted.currency,
            created_at: self.inner.clock.now(),
        };
        self.inner.store.put_billing_plan(&plan).await?;
        Ok(plan)
    }

    /// Every priced tier.
    pub async fn plans(&self) -> Result<Vec<BillingPlan>, BillingError> {
        Ok(self.inner.store.billing_plans().await?)
    }

    async fn priced(&self, tier: PlanTier) -> Result<BillingPlan, BillingError> {
        self.inner
            .store
            .billing_plan(tier)
            .await?
            .ok_or(BillingError::TierNotPriced(tier))
    }
}

/// The name of an organisation's billing lock.
pub fn billing_lock_name(tenant: &TenantId) -> String {
    format!("billing:{tenant}")
}
