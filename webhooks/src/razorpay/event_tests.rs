//! Webhook bodies shaped like Razorpay's published examples.

use super::*;
use botwot_engine::billing::{PaymentStatus, ProviderReport, SubscriptionStatus};

const SUBSCRIPTION_CHARGED: &str = r#"{
  "entity": "event",
  "account_id": "acc_BFQ7uQEaa7j2z7",
  "event": "subscription.charged",
  "contains": ["subscription", "payment"],
  "payload": {
    "subscription": {
      "entity": {
        "id": "sub_DEX6xcJ1HSW4CR", "entity": "subscription", "plan_id": "plan_BvrFKjSxauOH7N",
        "customer_id": "cust_C0WlbKhp3aLA7W", "status": "active", "type": 2,
        "current_start": 1570213800, "current_end": 1572892200, "ended_at": null,
        "quantity": 1, "notes": {"organisationId": "ten_1"}, "charge_at": 1572892200,
        "start_at": 1570213800, "end_at": 1599244200, "auth_attempts": 0,
        "total_count": 12, "paid_count": 1, "customer_notify": true, "created_at": 1567689895,
        "expire_by": 1567881000, "short_url": null, "has_scheduled_changes": false,
        "change_scheduled_at": null, "source": "api", "payment_method": "card",
        "offer_id": null, "remaining_count": 11
      }
    },
    "payment": {
      "entity": {
        "id": "pay_DEXFWroJ6LikKT", "entity": "payment", "amount": 100000, "currency": "INR",
        "status": "captured", "order_id": "order_DEXFWXHBmqkPno", "invoice_id": "inv_DEXFWVuM6rmfPG",
        "international": false, "method": "card", "amount_refunded": 0, "refund_status": null,
        "captured": true, "description": "Recurring Payment via Subscription", "card_id": "card_DEXFX0KGhr9jjf",
        "bank": null, "wallet": null, "vpa": null, "email": "gaurav.kumar@example.com",
        "contact": "+919876543210", "customer_id": "cust_C0WlbKhp3aLA7W", "token_id": null,
        "notes": [], "fee": 2900, "tax": 0, "error_code": null, "error_description": null,
        "created_at": 1567690382
      }
    }
  },
  "created_at": 1567690383
}"#;

const PAYMENT_FAILED: &str = r#"{
  "entity": "event", "account_id": "acc_BFQ7uQEaa7j2z7", "event": "payment.failed",
  "contains": ["payment"],
  "payload": {"payment": {"entity": {
    "id": "pay_DESlfW9H8K9uqM", "entity": "payment", "amount": 100, "currency": "INR",
    "status": "failed", "order_id": "order_DESlLckIVRkHWj", "invoice_id": null,
    "international": false, "method": "netbanking", "amount_refunded": 0, "refund_status": null,
    "captured": false, "description": null, "card_id": null, "bank": "HDFC", "wallet": null,
    "vpa": null, "email": "gaurav.kumar@example.com", "contact": "+919876543210", "notes": [],
    "fee": null, "tax": null, "error_code": "BAD_REQUEST_ERROR",
    "error_description": "Payment failed", "error_source": "gateway",
    "error_step": "payment_authorization", "error_reason": "payment_failed",
    "created_at": 1567674599
  }}},
  "created_at": 1567674606
}"#;

#[test]
fn a_subscription_event_carries_the_subscription_as_it_stands() {
    let BillingEvent { event, report } = parse_event(SUBSCRIPTION_CHARGED.as_bytes()).unwrap();
    let Some(ProviderReport::Subscription(subscription)) = report else {
        panic!("a subscription event");
    };
    assert_eq!(event, "subscription.charged");
    assert_eq!(subscription.provider_id, "sub_DEX6xcJ1HSW4CR");
    assert_eq!(subscription.provider_plan_id, "plan_BvrFKjSxauOH7N");
    assert_eq!(subscription.status, SubscriptionStatus::Active);
    assert_eq!(subscription.paid_count, 1);
    assert_eq!(
        subscription.current_end.unwrap().millis(),
        1_572_892_200_000
    );
    assert_eq!(subscription.ended_at, None);
    assert_eq!(subscription.reported_at.millis(), 1_567_690_383_000);
}

#[test]
fn a_failed_payment_keeps_razorpays_reason() {
    let Some(ProviderReport::Payment(payment)) =
        parse_event(PAYMENT_FAILED.as_bytes()).unwrap().report
    else {
        panic!("a payment event");
    };
    assert_eq!(payment.status, PaymentStatus::Failed);
    assert_eq!(payment.order_id.as_deref(), Some("order_DESlLckIVRkHWj"));
    assert_eq!(payment.error_description.as_deref(), Some("Payment failed"));
    assert_eq!((payment.amount, payment.currency.as_str()), (100, "INR"));
}

#[test]
fn events_billing_does_not_act_on_are_read_not_refused() {
    let refund = br#"{"entity":"event","event":"refund.processed","contains":["refund"],"payload":{"refund":{"entity":{"id":"rfnd_1"}}},"created_at":1}"#;
    assert_eq!(
        parse_event(refund).unwrap(),
        BillingEvent {
            event: "refund.processed".into(),
            report: None
        }
    );
    let bare = br#"{"event":"subscription.charged","created_at":1,"payload":{}}"#;
    assert_eq!(parse_event(bare).unwrap().report, None);
}

#[test]
fn unreadable_bodies_and_entities_are_refused_with_a_code() {
    assert_eq!(
        parse_event(b"{").unwrap_err().code(),
        "razorpay_entity_malformed"
    );
    let odd = SUBSCRIPTION_CHARGED.replace("\"status\": \"active\"", "\"status\": \"asleep\"");
    assert_eq!(
        parse_event(odd.as_bytes()).unwrap_err().code(),
        "razorpay_status_unknown"
    );
    let no_amount = PAYMENT_FAILED.replace("\"amount\": 100,", "");
    assert_eq!(
        parse_event(no_amount.as_bytes()).unwrap_err().code(),
        "razorpay_entity_malformed"
    );
}
