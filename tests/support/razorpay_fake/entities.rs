//! The fake's entities (plans, subscriptions, orders, payments) and how each is written as
//! Razorpay writes it.

use super::*;

pub(super) struct Plan {
    pub(super) id: String,
    pub(super) item_id: String,
    pub(super) name: String,
    pub(super) amount: u64,
    pub(super) currency: String,
    pub(super) period: String,
    pub(super) interval: u64,
    pub(super) notes: Value,
    pub(super) created_at: i64,
}

pub(super) struct Subscription {
    pub(super) id: String,
    pub(super) plan_id: String,
    pub(super) customer_id: Option<String>,
    pub(super) status: String,
    pub(super) current_start: Option<i64>,
    pub(super) current_end: Option<i64>,
    pub(super) ended_at: Option<i64>,
    pub(super) quantity: u64,
    pub(super) notes: Value,
    pub(super) charge_at: Option<i64>,
    pub(super) start_at: Option<i64>,
    pub(super) end_at: Option<i64>,
    pub(super) total_count: u64,
    pub(super) paid_count: u64,
    pub(super) customer_notify: bool,
    pub(super) created_at: i64,
    pub(super) short_url: String,
    pub(super) change_scheduled_at: Option<i64>,
    pub(super) payment_method: Option<String>,
}

pub(super) struct Order {
    pub(super) id: String,
    pub(super) amount: u64,
    pub(super) amount_paid: u64,
    pub(super) currency: String,
    pub(super) receipt: Option<String>,
    pub(super) status: String,
    pub(super) attempts: u64,
    pub(super) notes: Value,
    pub(super) created_at: i64,
}

pub(super) struct Payment {
    pub(super) id: String,
    pub(super) amount: u64,
    pub(super) currency: String,
    pub(super) status: String,
    pub(super) order_id: Option<String>,
    pub(super) invoice_id: Option<String>,
    pub(super) customer_id: Option<String>,
    pub(super) description: Option<String>,
    pub(super) error_description: Option<String>,
    pub(super) created_at: i64,
}

impl Subscription {
    /// One more cycle paid, running from `start`; `completed` when it was the last.
    pub(super) fn start_cycle(&mut self, start: i64, now: i64) {
        self.paid_count += 1;
        self.current_start = Some(start);
        self.current_end = Some(start + CYCLE_SECS);
        if self.paid_count >= self.total_count {
            self.status = "completed".to_owned();
            self.ended_at = Some(now);
            self.charge_at = None;
        } else {
            self.status = "active".to_owned();
            self.charge_at = self.current_end;
        }
    }

    pub(super) fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "subscription",
            "plan_id": self.plan_id,
            "customer_id": self.customer_id,
            "status": self.status,
            "type": 2,
            "current_start": self.current_start,
            "current_end": self.current_end,
            "ended_at": self.ended_at,
            "quantity": self.quantity,
            "notes": self.notes,
            "charge_at": self.charge_at,
            "start_at": self.start_at,
            "end_at": self.end_at,
            "auth_attempts": 0,
            "total_count": self.total_count,
            "paid_count": self.paid_count,
            "customer_notify": self.customer_notify,
            "created_at": self.created_at,
            "expire_by": null,
            "short_url": self.short_url,
            "has_scheduled_changes": self.change_scheduled_at.is_some(),
            "change_scheduled_at": self.change_scheduled_at,
            "source": "api",
            "payment_method": self.payment_method,
            "offer_id": null,
            "remaining_count": self.total_count.saturating_sub(self.paid_count),
        })
    }
}

impl Plan {
    pub(super) fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "plan",
            "interval": self.interval,
            "period": self.period,
            "item": {
                "id": self.item_id,
                "active": true,
                "name": self.name,
                "description": null,
                "amount": self.amount,
                "unit_amount": self.amount,
                "currency": self.currency,
                "type": "plan",
                "unit": null,
                "tax_inclusive": false,
                "hsn_code": null,
                "sac_code": null,
                "tax_rate": null,
                "tax_id": null,
                "tax_group_id": null,
                "created_at": self.created_at,
                "updated_at": self.created_at,
            },
            "notes": self.notes,
            "created_at": self.created_at,
        })
    }
}

impl Order {
    pub(super) fn entity(&self) -> Value {
        json!({
            "id": self.id,
            "entity": "order",
            "amount": self.amount,
            "amount_paid": self.amount_paid,
            "amount_due": self.amount - self.amount_paid,
            "currency": self.currency,
            "receipt": self.receipt,
            "offer_id": null,
            "status": self.status,
            "attempts": self.attempts,
            "notes": self.notes,
            "created_at": self.created_at,
        })
    }
}

impl Payment {
    pub(super) fn new(amount: u64, currency: &str, now: i64) -> Self {
        Self {
            id: fresh_id("pay_"),
            amount,
            currency: currency.to_owned(),
            status: "created".to_owned(),
            order_id: None,
            invoice_id: None,
            customer_id: None,
            description: None,
            error_description: None,
            created_at: now,
        }
    }

    /// A captured charge of a subscription, with the invoice and order Razorpay makes for it.
    pub(super) fn recurring(amount: u64, currency: &str, customer_id: &str, now: i64) -> Self {
        let mut payment = Self::new(amount, currency, now);
        payment.status = "captured".to_owned();
        payment.order_id = Some(fresh_id("order_"));
        payment.invoice_id = Some(fresh_id("inv_"));
        payment.customer_id = Some(customer_id.to_owned()).filter(|id| !id.is_empty());
        payment
    }

    pub(super) fn entity(&self) -> Value {
        let captured = matches!(self.status.as_str(), "captured" | "refunded");
        let failed = self.status == "failed";
        let fee = captured.then(|| self.amount * 2 / 100);
        json!({
            "id": self.id,
            "entity": "payment",
            "amount": self.amount,
            "currency": self.currency,
            "status": self.status,
            "order_id": self.order_id,
            "invoice_id": self.invoice_id,
            "international": false,
            "method": "card",
            "amount_refunded": 0,
            "refund_status": null,
            "captured": captured,
            "description": self.description,
            "card_id": null,
            "bank": null,
            "wallet": null,
            "vpa": null,
            "email": "gaurav.kumar@example.com",
            "contact": "+919000090000",
            "customer_id": self.customer_id,
            "token_id": null,
            "notes": [],
            "fee": fee,
            "tax": fee.map(|fee| fee * 18 / 118),
            "error_code": failed.then_some("BAD_REQUEST_ERROR"),
            "error_description": self.error_description,
            "error_source": failed.then_some("customer"),
            "error_step": failed.then_some("payment_authentication"),
            "error_reason": failed.then_some("payment_failed"),
            "acquirer_data": {},
            "created_at": self.created_at,
        })
    }
}
