//! The provider's reports from its webhooks. Each is settled into the account of the
//! organisation its subscription or order belongs to (found by the provider's id, linked when
//! BotWot created it); reports on anything BotWot did not create are acknowledged and left
//! alone. A payment only authorised for one of our orders is captured here, so an order is paid
//! even when the customer's browser never comes back from the checkout.

use super::{Billing, BillingError};
use botwot_engine::billing::{
    BillingAccount, OrderStatus, PaymentSnapshot, PaymentStatus, ProviderReport,
};
use botwot_engine::ids::TenantId;
use botwot_engine::ports::ProviderError;
use tracing::{info, warn};

/// What became of a webhook's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    /// Settled into an organisation's account.
    Settled,
    /// This event id was handled before.
    Duplicate,
    /// About a subscription or order BotWot did not create.
    NotOurs,
    /// An event billing does not act on.
    Ignored,
}

impl EventOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Settled => "settled",
            EventOutcome::Duplicate => "duplicate",
            EventOutcome::NotOurs => "not_ours",
            EventOutcome::Ignored => "ignored",
        }
    }
}

impl Billing {
    /// Settles one webhook's report, then records its event id as handled.
    pub async fn take_report(
        &self,
        event_id: &str,
        report: Option<ProviderReport>,
    ) -> Result<EventOutcome, BillingError> {
        let outcome = match report {
            None => EventOutcome::Ignored,
            Some(report) => self.settle_report(report).await?,
        };
        let now = self.inner.clock.now();
        let first = self.inner.store.record_billing_event(event_id, now).await?;
        Ok(if first {
            outcome
        } else {
            EventOutcome::Duplicate
        })
    }

    async fn settle_report(&self, report: ProviderReport) -> Result<EventOutcome, BillingError> {
        let provider_id = match &report {
            ProviderReport::Subscription(subscription) => Some(subscription.provider_id.as_str()),
            ProviderReport::Payment(payment) => payment.order_id.as_deref(),
        };
        let Some(tenant) = self.owner(provider_id).await? else {
            return Ok(EventOutcome::NotOurs);
        };
        let _lock = self.hold(&tenant).await?;
        let mut account = self.account(&tenant).await?;
        let now = self.inner.clock.now();
        match report {
            ProviderReport::Subscription(subscription) => {
                account.apply_subscription(&subscription, now);
            }
            ProviderReport::Payment(payment) => {
                let payment = self.capture_if_ours(&account, payment).await?;
                if let Err(refusal) = account.apply_payment(&payment, now) {
                    warn!(tenant_id = %tenant, %refusal, "a payment does not pay its order; left alone");
                }
            }
        }
        self.store_settled(account).await?;
        Ok(EventOutcome::Settled)
    }

    async fn owner(&self, provider_id: Option<&str>) -> Result<Option<TenantId>, BillingError> {
        match provider_id {
            Some(id) => Ok(self.inner.store.billing_reference(id).await?),
            None => Ok(None),
        }
    }

    /// Captures an authorised payment that pays one of the account's unpaid orders in full, and
    /// returns the payment as it stands after.
    async fn capture_if_ours(
        &self,
        account: &BillingAccount,
        payment: PaymentSnapshot,
    ) -> Result<PaymentSnapshot, BillingError> {
        if payment.status != PaymentStatus::Authorized {
            return Ok(payment);
        }
        let Some(order) = payment.order_id.as_deref().and_then(|id| account.order(id)) else {
            return Ok(payment);
        };
        if order.status == OrderStatus::Paid || order.check_payment(&payment).is_err() {
            return Ok(payment);
        }
        let provider = &self.inner.provider;
        match provider
            .capture_payment(&payment.provider_id, order.amount, &order.currency)
            .await
        {
            Ok(captured) => {
                info!(order = %order.provider_id, "captured an authorised payment from its webhook");
                Ok(captured)
            }
            // Captured meanwhile (by the browser's confirmation): read it as it stands.
            Err(ProviderError::Refused { .. }) => {
                Ok(provider.fetch_payment(&payment.provider_id).await?)
            }
            Err(error) => Err(error.into()),
        }
    }
}
