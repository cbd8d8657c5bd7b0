//! A one-off order prepaying whole months of a tier. Its price is the tier's plan times the
//! months, fixed when it is created: the browser never says what to charge. Paid once, by one
//! payment of exactly that amount in that currency; the months it buys start when BotWot learns
//! it was paid, or when the organisation's earlier prepaid months of the same tier run out.

use super::snapshot::{PaymentSnapshot, PaymentStatus};
use crate::access::PlanTier;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::time::Duration;
use thiserror::Error;

/// One month of a prepaid order.
pub const PREPAID_MONTH: Duration = Duration::from_secs(30 * 24 * 3600);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Waiting for the customer's payment.
    Created,
    Paid,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Order {
    pub provider_id: String,
    pub tier: PlanTier,
    pub months: u32,
    pub amount: u64,
    pub currency: String,
    pub status: OrderStatus,
    /// The payment that paid it.
    pub payment_id: Option<String>,
    pub paid_at: Option<Timestamp>,
    /// The months it bought: from `covers_from` (inclusive) to `covers_until`.
    pub covers_from: Option<Timestamp>,
    pub covers_until: Option<Timestamp>,
    /// The provider's reason for the last failed attempt to pay it.
    pub last_failure: Option<String>,
    pub created_at: Timestamp,
}

/// Why a payment does not pay an order.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum OrderRefusal {
    #[error("payment {payment} is for order {paid:?}, not {order}")]
    OtherOrder {
        payment: String,
        order: String,
        paid: Option<String>,
    },
    #[error("payment {payment} is {amount} {currency}; the order costs {due} {due_currency}")]
    WrongAmount {
        payment: String,
        amount: u64,
        currency: String,
        due: u64,
        due_currency: String,
    },
    #[error("order {order} was paid by payment {by}")]
    PaidByAnother { order: String, by: String },
}

impl Order {
    /// A new order at the provider for `months` months of `tier` at `amount`.
    pub fn created(
        provider_id: String,
        tier: PlanTier,
        months: u32,
        amount: u64,
        currency: String,
        now: Timestamp,
    ) -> Self {
        Self {
            provider_id,
            tier,
            months,
            amount,
            currency,
            status: OrderStatus::Created,
            payment_id: None,
            paid_at: None,
            covers_from: None,
            covers_until: None,
            last_failure: None,
            created_at: now,
        }
    }

    /// Checks that `payment` pays this order in full: its order, amount and currency.
    pub fn check_payment(&self, payment: &PaymentSnapshot) -> Result<(), OrderRefusal> {
        if payment.order_id.as_deref() != Some(self.provider_id.as_str()) {
            return Err(OrderRefusal::OtherOrder {
                payment: payment.provider_id.clone(),
                order: self.provider_id.clone(),
                paid: payment.order_id.clone(),
            });
        }
        if payment.amount != self.amount || !payment.currency.eq_ignore_ascii_case(&self.currency) {
            return Err(OrderRefusal::WrongAmount {
                payment: payment.provider_id.clone(),
                amount: payment.amount,
                currency: payment.currency.clone(),
                due: self.amount,
                due_currency: self.currency.clone(),
            });
        }
        if let Some(by) = &self.payment_id
            && by != &payment.provider_id
        {
            return Err(OrderRefusal::PaidByAnother {
                order: self.provider_id.clone(),
                by: by.clone(),
            });
        }
        Ok(())
    }

    /// Takes in a captured payment of this order (checked with [`Order::check_payment`]): the
    /// order is paid and its months start at `starts` (when it was paid, or when the earlier
    /// prepaid months run out). Whether anything changed: a second report of the same payment
    /// changes nothing.
    pub fn mark_paid(&mut self, payment: &PaymentSnapshot, starts: Timestamp) -> bool {
        if self.status == OrderStatus::Paid || payment.status != PaymentStatus::Captured {
            return false;
        }
        self.status = OrderStatus::Paid;
        self.payment_id = Some(payment.provider_id.clone());
        self.paid_at = Some(payment.reported_at);
        self.covers_from = Some(starts);
        self.covers_until = Some(starts.plus(PREPAID_MONTH * self.months));
        self.last_failure = None;
        true
    }

    /// Records a failed attempt to pay it, unless it is paid.
    pub fn mark_failed(&mut self, payment: &PaymentSnapshot) -> bool {
        if self.status == OrderStatus::Paid {
            return false;
        }
        let reason = payment
            .error_description
            .clone()
            .unwrap_or_else(|| "the payment failed".into());
        if self.last_failure.as_deref() == Some(reason.as_str()) {
            return false;
        }
        self.last_failure = Some(reason);
        true
    }

    /// Paid months covering `at`.
    pub fn covers(&self, at: Timestamp) -> bool {
        matches!((self.covers_from, self.covers_until), (Some(from), Some(until)) if from <= at && at < until)
    }
}
