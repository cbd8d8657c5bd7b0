//! What an organisation does: subscribe to a tier or prepay months of it, confirm the payment
//! its browser made at the provider's checkout, and cancel. The provider is asked first and its
//! answer is settled into the account under the organisation's billing lock; the provider's id
//! is linked to the organisation before the account is stored, so a webhook that overtakes the
//! answer finds whose it is (and waits for the lock).

use super::{Billing, BillingError};
use botwot_engine::access::PlanTier;
use botwot_engine::billing::{
    BillingAccount, MAX_PREPAID_MONTHS, Order, PaymentStatus, PlanRefusal, Subscription,
};
use botwot_engine::ids::TenantId;
use std::collections::BTreeMap;

impl Billing {
    /// Starts a monthly subscription to `tier`; the customer pays at its `short_url` or in the
    /// checkout opened with its id.
    pub async fn subscribe(
        &self,
        tenant: &TenantId,
        tier: PlanTier,
    ) -> Result<Subscription, BillingError> {
        self.refuse_enterprise(tenant, tier).await?;
        let plan = self.priced(tier).await?;
        let _lock = self.hold(tenant).await?;
        let mut account = self.account(tenant).await?;
        if let Some(live) = account.live_subscription() {
            return Err(BillingError::SubscriptionExists(live.provider_id.clone()));
        }
        let snapshot = self
            .inner
            .provider
            .create_subscription(
                &plan.provider_plan_id,
                self.inner.config.subscription_cycles,
                &notes(tenant, tier),
            )
            .await?;
        let now = self.inner.clock.now();
        let subscription = Subscription::created(snapshot, tier, now);
        self.link(&subscription.provider_id, tenant).await?;
        account.add_subscription(subscription.clone(), now);
        self.store_settled(account).await?;
        Ok(subscription)
    }

    /// Takes the browser's word that the subscription's first payment went through: checks the
    /// provider's signature on it, then reads the subscription from the provider and settles it.
    pub async fn confirm_subscription(
        &self,
        tenant: &TenantId,
        subscription_id: &str,
        payment_id: &str,
        signature: &str,
    ) -> Result<BillingAccount, BillingError> {
        signed(self.inner.provider.verify_subscription_checkout(
            subscription_id,
            payment_id,
            signature,
        ))?;
        self.refresh_subscription(tenant, subscription_id).await
    }

    /// Reads one of the organisation's subscriptions from the provider and settles it.
    pub async fn refresh_subscription(
        &self,
        tenant: &TenantId,
        subscription_id: &str,
    ) -> Result<BillingAccount, BillingError> {
        let _lock = self.hold(tenant).await?;
        let mut account = self.account(tenant).await?;
        if account.subscription(subscription_id).is_none() {
            return Err(BillingError::NotFound("subscription"));
        }
        let snapshot = self
            .inner
            .provider
            .fetch_subscription(subscription_id)
            .await?;
        account.apply_subscription(&snapshot, self.inner.clock.now());
        self.store_settled(account).await
    }

    /// Cancels the organisation's subscription now, or when its paid cycle ends.
    pub async fn cancel_subscription(
        &self,
        tenant: &TenantId,
        subscription_id: &str,
        at_cycle_end: bool,
    ) -> Result<BillingAccount, BillingError> {
        let _lock = self.hold(tenant).await?;
        let mut account = self.account(tenant).await?;
        let subscription = account
            .subscription(subscription_id)
            .ok_or(BillingError::NotFound("subscription"))?;
        if !subscription.is_live() {
            return Err(BillingError::SubscriptionEnded);
        }
        let snapshot = self
            .inner
            .provider
            .cancel_subscription(subscription_id, at_cycle_end)
            .await?;
        account.apply_subscription(&snapshot, self.inner.clock.now());
        self.store_settled(account).await
    }

    /// Creates an order for `months` months of `tier` at the tier's price.
    pub async fn order(
        &self,
        tenant: &TenantId,
        tier: PlanTier,
        months: u32,
    ) -> Result<Order, BillingError> {
        if !(1..=MAX_PREPAID_MONTHS).contains(&months) {
            return Err(BillingError::BadMonths {
                max: MAX_PREPAID_MONTHS,
            });
        }
        self.refuse_enterprise(tenant, tier).await?;
        let plan = self.priced(tier).await?;
        let amount = plan.price_of(months);
        let now = self.inner.clock.now();
        let receipt = format!("bw-{}", now.millis());
        let created = self
            .inner
            .provider
            .create_order(amount, &plan.currency, &receipt, &notes(tenant, tier))
            .await?;
        let order = Order::created(
            created.provider_id,
            tier,
            months,
            amount,
            plan.currency.clone(),
            now,
        );
        let _lock = self.hold(tenant).await?;
        self.link(&order.provider_id, tenant).await?;
        let mut account = self.account(tenant).await?;
        account.add_order(order.clone(), now);
        self.store_settled(account).await?;
        Ok(order)
    }

    /// Takes the browser's word that `payment_id` paid the order: checks the provider's
    /// signature, reads the payment, captures it when it is only authorised (for exactly the
    /// order's price), and settles the order as paid. A failed payment is noted on the order
    /// and refused.
    pub async fn capture_order(
        &self,
        tenant: &TenantId,
        order_id: &str,
        payment_id: &str,
        signature: &str,
    ) -> Result<BillingAccount, BillingError> {
        signed(
            self.inner
                .provider
                .verify_order_checkout(order_id, payment_id, signature),
        )?;
        let _lock = self.hold(tenant).await?;
        let mut account = self.account(tenant).await?;
        let order = account
            .order(order_id)
            .ok_or(BillingError::NotFound("order"))?
            .clone();
        let mut payment = self.inner.provider.fetch_payment(payment_id).await?;
        order.check_payment(&payment)?;
        if payment.status == PaymentStatus::Authorized {
            payment = self
                .inner
                .provider
                .capture_payment(payment_id, order.amount, &order.currency)
                .await?;
        }
        let now = self.inner.clock.now();
        account.apply_payment(&payment, now)?;
        let settled = self.store_settled(account).await?;
        match payment.status {
            PaymentStatus::Captured => Ok(settled),
            PaymentStatus::Failed => Err(BillingError::PaymentFailed(
                payment
                    .error_description
                    .unwrap_or_else(|| "the payment failed".into()),
            )),
            other => Err(BillingError::PaymentFailed(format!(
                "the payment is {other:?}, not captured"
            ))),
        }
    }

    async fn link(&self, provider_id: &str, tenant: &TenantId) -> Result<(), BillingError> {
        Ok(self
            .inner
            .store
            .link_billing_reference(provider_id, tenant)
            .await?)
    }

    /// ENTERPRISE is not sold here, and an organisation on it buys nothing here.
    async fn refuse_enterprise(
        &self,
        tenant: &TenantId,
        tier: PlanTier,
    ) -> Result<(), BillingError> {
        if tier == PlanTier::Enterprise {
            return Err(PlanRefusal::NotPurchasable.into());
        }
        let organisation = self
            .inner
            .store
            .get_organisation(tenant)
            .await?
            .ok_or(BillingError::NotFound("organisation"))?;
        if organisation.subscription_tier == PlanTier::Enterprise {
            return Err(BillingError::EnterpriseBilledSeparately);
        }
        Ok(())
    }
}

/// Refuses a checkout result whose signature the provider did not make.
fn signed(verified: bool) -> Result<(), BillingError> {
    if verified {
        Ok(())
    } else {
        Err(BillingError::BadCheckoutSignature)
    }
}

/// What the provider keeps on a subscription or an order to say whose it is.
fn notes(tenant: &TenantId, tier: PlanTier) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("organisationId".to_owned(), tenant.to_string()),
        ("tier".to_owned(), tier.as_str().to_owned()),
    ])
}
