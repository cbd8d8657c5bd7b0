//! Shopify, the shop an organisation sells from (PRD §3.8.2): its webhook signature, its
//! webhook topics, and its orders read into the engine's
//! [`OrderSnapshot`](botwot_engine::commerce::OrderSnapshot), from webhooks and from the Admin
//! API's answers alike.
//!
//! Shopify signs each webhook with the app's client secret: `X-Shopify-Hmac-Sha256` is the
//! Base64 HMAC-SHA256 of the raw body, checked with [`verify_webhook`] over the bytes exactly as
//! they arrived. `X-Shopify-Topic` names the event ([`Topic`]) and `X-Shopify-Shop-Domain` the
//! shop; `X-Shopify-Webhook-Id` is the same on every retry of one delivery, so it is the key to
//! drop a repeat by. The `orders/*` topics send the order as it now stands, read with
//! [`parse_order`]. Nothing here panics on any bytes; a refused body has a stable `shopify_*`
//! code ([`OrderError::code`]) and a refused signature a `signature_*` one
//! ([`SignatureError::code`](crate::meta::signature::SignatureError::code)).

mod error;
mod json;
mod order;
mod signature;
mod topic;

pub use error::OrderError;
pub use order::{parse_order, parse_order_answer, parse_orders_answer, read_order};
pub use signature::{
    HMAC_HEADER, SHOP_DOMAIN_HEADER, TOPIC_HEADER, WEBHOOK_ID_HEADER, verify_webhook,
    webhook_signature,
};
pub use topic::Topic;

#[cfg(test)]
mod order_tests;
#[cfg(test)]
mod signature_tests;
#[cfg(test)]
mod topic_tests;
