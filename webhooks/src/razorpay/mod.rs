//! Razorpay, the payment gateway (PRD §3.12): its webhook signature, the checkout's payment
//! signatures, and its entities (subscription, payment, order) read into the engine's
//! [`billing`](botwot_engine::billing) snapshots, from webhooks and from its API's answers alike.
//!
//! Razorpay signs each webhook with the webhook secret set in its dashboard:
//! `X-Razorpay-Signature` is the hex HMAC-SHA256 of the raw body. After a checkout the browser
//! hands over `razorpay_signature`, the hex HMAC-SHA256 under the API key secret of
//! `order_id|payment_id` (an order) or `payment_id|subscription_id` (a subscription).

mod entities;
mod event;
mod signature;

pub use entities::{EntityError, OrderEntity, read_order, read_payment, read_subscription};
pub use event::{BillingEvent, EVENT_ID_HEADER, parse_event};
pub use signature::{
    SIGNATURE_HEADER, order_checkout_signature, subscription_checkout_signature,
    verify_order_checkout, verify_subscription_checkout, verify_webhook, webhook_signature,
};

#[cfg(test)]
mod event_tests;
