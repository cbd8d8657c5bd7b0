//! An organisation's billing: its subscriptions and orders, and the tier they paid for.
//!
//! [`BillingAccount::reconcile`] is the one place that decides the tier. The highest tier that
//! a subscription or prepaid months cover now is granted until the last moment they cover it;
//! when nothing covers the organisation any more it returns to BASE. The organisation's tier
//! changes only when the granted tier changes, so an operator who moved an organisation by hand
//! is not undone by a report that does not change what it paid for.

use super::order::{Order, OrderRefusal, OrderStatus};
use super::snapshot::{PaymentSnapshot, PaymentStatus, SubscriptionSnapshot};
use super::subscription::Subscription;
use crate::access::PlanTier;
use crate::ids::TenantId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Orders kept per account; the oldest finished ones go first.
const ORDERS_KEPT: usize = 100;
/// Subscriptions kept per account; the oldest ended ones go first.
const SUBSCRIPTIONS_KEPT: usize = 20;
/// Unpaid orders older than this are forgotten.
const UNPAID_ORDER_KEPT: Duration = Duration::from_secs(30 * 24 * 3600);

/// A tier paid for until a moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Grant {
    pub tier: PlanTier,
    pub until: Timestamp,
}

/// What [`BillingAccount::reconcile`] decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reconciled {
    /// The account's grant changed (its tier or how long it lasts): the account must be stored.
    pub changed: bool,
    /// The organisation must move to this tier.
    pub tier_change: Option<PlanTier>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BillingAccount {
    pub tenant_id: TenantId,
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    #[serde(default)]
    pub orders: Vec<Order>,
    /// What billing last granted; `None` while nothing is paid for.
    pub granted: Option<Grant>,
    pub updated_at: Timestamp,
}

impl BillingAccount {
    pub fn new(tenant_id: TenantId, now: Timestamp) -> Self {
        Self {
            tenant_id,
            subscriptions: Vec::new(),
            orders: Vec::new(),
            granted: None,
            updated_at: now,
        }
    }

    /// The subscription that can still charge, if any (there is at most one).
    pub fn live_subscription(&self) -> Option<&Subscription> {
        self.subscriptions.iter().find(|sub| sub.is_live())
    }

    pub fn subscription(&self, provider_id: &str) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|sub| sub.provider_id == provider_id)
    }

    pub fn order(&self, provider_id: &str) -> Option<&Order> {
        self.orders
            .iter()
            .find(|order| order.provider_id == provider_id)
    }

    pub fn add_subscription(&mut self, subscription: Subscription, now: Timestamp) {
        self.subscriptions.push(subscription);
        self.updated_at = now;
        self.forget_old(now);
    }

    pub fn add_order(&mut self, order: Order, now: Timestamp) {
        self.orders.push(order);
        self.updated_at = now;
        self.forget_old(now);
    }

    /// Takes in a report on one of its subscriptions; whether it changed anything (`false` as
    /// well when the subscription is not this account's).
    pub fn apply_subscription(&mut self, snapshot: &SubscriptionSnapshot, now: Timestamp) -> bool {
        let changed = self
            .subscriptions
            .iter_mut()
            .find(|sub| sub.provider_id == snapshot.provider_id)
            .is_some_and(|sub| sub.apply(snapshot));
        if changed {
            self.updated_at = now;
        }
        changed
    }

    /// Takes in a report on a payment of one of its orders: a captured payment pays it (its
    /// months start `now`, or when the months already prepaid end), a failed one is noted. Whether anything changed; refused when the payment does not pay the
    /// order in full (and then nothing changes).
    pub fn apply_payment(
        &mut self,
        payment: &PaymentSnapshot,
        now: Timestamp,
    ) -> Result<bool, OrderRefusal> {
        let Some(order_id) = payment.order_id.as_deref() else {
            return Ok(false);
        };
        let Some(index) = self.orders.iter().position(|o| o.provider_id == order_id) else {
            return Ok(false);
        };
        let changed = match payment.status {
            PaymentStatus::Captured => {
                self.orders[index].check_payment(payment)?;
                let tier = self.orders[index].tier;
                let starts = self.prepaid_until(tier).map_or(now, |until| until.max(now));
                self.orders[index].mark_paid(payment, starts)
            }
            PaymentStatus::Failed => self.orders[index].mark_failed(payment),
            PaymentStatus::Created | PaymentStatus::Authorized | PaymentStatus::Refunded => false,
        };
        if changed {
            self.updated_at = now;
        }
        Ok(changed)
    }

    /// The end of the months of `tier` already prepaid, if any.
    pub fn prepaid_until(&self, tier: PlanTier) -> Option<Timestamp> {
        self.orders
            .iter()
            .filter(|order| order.tier == tier)
            .filter_map(|order| order.covers_until)
            .max()
    }

    /// The highest tier paid for at `now` and until when, following prepaid months that start
    /// as earlier ones end.
    pub fn entitlement(&self, now: Timestamp, grace: Duration) -> Option<Grant> {
        let mut best: Option<Grant> = None;
        for tier in [PlanTier::Enterprise, PlanTier::Pro, PlanTier::Base] {
            let mut until: Option<Timestamp> = self
                .subscriptions
                .iter()
                .filter(|sub| sub.tier == tier)
                .filter_map(|sub| sub.covers_until(grace))
                .filter(|end| *end > now)
                .max();
            until = until.max(
                self.orders
                    .iter()
                    .filter(|order| order.tier == tier && order.covers(now))
                    .filter_map(|order| order.covers_until)
                    .max(),
            );
            let Some(mut end) = until else { continue };
            loop {
                let next = self
                    .orders
                    .iter()
                    .filter(|order| order.tier == tier && order.covers(end))
                    .filter_map(|order| order.covers_until)
                    .max();
                match next {
                    Some(later) if later > end => end = later,
                    _ => break,
                }
            }
            best = Some(Grant { tier, until: end });
            break;
        }
        best
    }

    /// Decides the tier paid for at `now` and records it as granted.
    pub fn reconcile(&mut self, now: Timestamp, grace: Duration) -> Reconciled {
        let grant = self.entitlement(now, grace);
        if grant == self.granted {
            return Reconciled {
                changed: false,
                tier_change: None,
            };
        }
        let before = self.granted.map(|g| g.tier);
        let after = grant.map(|g| g.tier);
        self.granted = grant;
        self.updated_at = now;
        Reconciled {
            changed: true,
            tier_change: (before != after).then(|| after.unwrap_or(PlanTier::Base)),
        }
    }

    /// When the grant runs out and must be decided again.
    pub fn due(&self) -> Option<Timestamp> {
        self.granted.map(|grant| grant.until)
    }

    fn forget_old(&mut self, now: Timestamp) {
        self.orders.retain(|order| {
            order.status == OrderStatus::Paid || now.since(order.created_at) < UNPAID_ORDER_KEPT
        });
        while self.orders.len() > ORDERS_KEPT {
            let spent = self.orders.iter().position(|order| {
                order.status != OrderStatus::Paid
                    || order.covers_until.is_some_and(|end| end <= now)
            });
            match spent {
                Some(spent) => {
                    self.orders.remove(spent);
                }
                None => break,
            }
        }
        while self.subscriptions.len() > SUBSCRIPTIONS_KEPT {
            match self.subscriptions.iter().position(|sub| !sub.is_live()) {
                Some(ended) => {
                    self.subscriptions.remove(ended);
                }
                None => break,
            }
        }
    }
}
